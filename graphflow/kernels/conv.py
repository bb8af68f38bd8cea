"""Hand-written numba kernels for 2-D convolution (NHWC input, HWIO filter) around BLAS.

im2col gathers every receptive field into one row of a (N*OH*OW, KH*KW*C) matrix (zeros where
the window hangs over the padding), so the convolution is a single matrix product with the
filter reshaped to (KH*KW*C, O); the filter gradient is col^T @ dy, and the input gradient is
dy @ W^T scattered back by col2im. Each pass runs in blocks of images (`forward`, `filter_grad`,
`input_grad` below), so the gathering and the products share the pool's threads. numpy's einsum
over a sliding-window view does the same products without a contiguous matrix and is several
times slower at small channel counts.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from . import batch_blocks
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


# ---- the im2col passes, in blocks of images on gemm_pool's threads (batch_blocks.py) --------------

def _spans(n: int, m: int, k: int, o: int):
    """Image blocks of a pass over m = N*OH*OW rows of k columns and o filters (work: the elements
    of col and of the output), and the rows per image."""
    return batch_blocks.blocks(n, m * (k + o)), m // n


def forward(x, w2, geometry: tuple, out2, col) -> None:
    """out2 (N*OH*OW, O) = im2col(x) @ w2 (KH*KW*C, O); col: an (N*OH*OW, KH*KW*C) work buffer."""
    spans, per = _spans(x.shape[0], out2.shape[0], *w2.shape)

    def images(n0, n1):
        c = col[n0 * per:n1 * per]
        im2col(x[n0:n1], *geometry, c)
        np.matmul(c, w2, out=out2[n0 * per:n1 * per])
    batch_blocks.run(images, spans)


def filter_grad(x, dy2, geometry: tuple, out2, col) -> None:
    """out2 (KH*KW*C, O) = im2col(x)^T @ dy2 (N*OH*OW, O): each block's share, then their sum."""
    spans, per = _spans(x.shape[0], dy2.shape[0], *out2.shape)
    sums = {n0: out2 if j == 0 else np.empty_like(out2) for j, (n0, _) in enumerate(spans)}

    def images(n0, n1):
        c = col[n0 * per:n1 * per]
        im2col(x[n0:n1], *geometry, c)
        np.matmul(c.T, dy2[n0 * per:n1 * per], out=sums[n0])
    batch_blocks.run(images, spans)
    for n0, _ in spans[1:]:
        np.add(out2, sums[n0], out=out2)


def input_grad(dy2, w2, geometry: tuple, out) -> None:
    """out (N, H, W, C) = col2im(dy2 (N*OH*OW, O) @ w2^T), w2 (KH*KW*C, O)."""
    spans, per = _spans(out.shape[0], dy2.shape[0], *w2.shape)

    def images(n0, n1):
        col2im(np.matmul(dy2[n0 * per:n1 * per], w2.T), *geometry, out[n0:n1])
    batch_blocks.run(images, spans)
