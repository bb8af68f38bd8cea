"""Hand-written numba kernels for 2-D convolution (NHWC input, HWIO filter) around BLAS.

im2col gathers every receptive field into one row of a (N*OH*OW, KH*KW*C) matrix (zeros where
the window hangs over the padding), so the convolution is a single matrix product with the
filter reshaped to (KH*KW*C, O); the filter gradient is col^T @ dy, and the input gradient is
dy @ W^T scattered back by col2im. numpy's einsum over a sliding-window view does the same
products without a contiguous matrix and is several times slower at small channel counts.
"""
from __future__ import annotations

from numba import njit

from .static_cache import cache_option

_OPTS = dict(cache=cache_option(), error_model="numpy", nogil=True)


@njit(**_OPTS)
def im2col(x, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow, col):
    n_, h_, w_, c_ = x.shape
    r = 0
    for n in range(n_):
        for a in range(oh):
            for b in range(ow):
                q = 0
                for i in range(kh):
                    h = a * sh - ph + i * dh
                    for j in range(kw):
                        w = b * sw - pw + j * dw
                        if 0 <= h < h_ and 0 <= w < w_:
                            for c in range(c_):
                                col[r, q + c] = x[n, h, w, c]
                        else:
                            for c in range(c_):
                                col[r, q + c] = 0
                        q += c_
                r += 1


@njit(**_OPTS)
def col2im(dcol, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow, dx):
    """dx (N, H, W, C) = the sum of each column entry into the input cell it was read from."""
    n_, h_, w_, c_ = dx.shape
    dx[...] = 0
    r = 0
    for n in range(n_):
        for a in range(oh):
            for b in range(ow):
                q = 0
                for i in range(kh):
                    h = a * sh - ph + i * dh
                    for j in range(kw):
                        w = b * sw - pw + j * dw
                        if 0 <= h < h_ and 0 <= w < w_:
                            for c in range(c_):
                                dx[n, h, w, c] += dcol[r, q + c]
                        q += c_
                r += 1
