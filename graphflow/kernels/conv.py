"""Hand-written numba kernels for 2-D convolution (NHWC input, HWIO filter) around BLAS.

im2col gathers every receptive field into one row of a (N*OH*OW, KH*KW*C) matrix (zeros where
the window hangs over the padding), so the convolution is a single matrix product with the
filter reshaped to (KH*KW*C, O); the filter gradient is col^T @ dy, and the input gradient is
dy @ W^T scattered back by col2im. Each pass runs in blocks of images (`forward`, `filter_grad`,
`input_grad` below), so the gathering and the products share the pool's threads. numpy's einsum
over a sliding-window view does the same products without a contiguous matrix and is several
times slower at small channel counts.

With few channels (W7's first conv: C=1, a row of 9 columns) a row of col is a handful of
one-element copies, each a loop of unknown trip count; `im2col_planes` lays the same matrix out
transposed instead, (KH*KW*C, N*OH*OW), where one tap of one output row is a run of OW contiguous
cells: 9x faster at C=1 (benchmarks/conv_pool_kernels.py), and BLAS takes it transposed at the
same speed. The kernels index flat arrays with unsigned offsets: a signed index that numba
cannot prove non-negative gets a wraparound select per element, which kept the copies scalar
(3.5-5.6x slower at C >= 8).
"""
from __future__ import annotations

import numpy as np
from numba import njit, uint64

from . import batch_blocks
from .static_cache import cache_option

_OPTS = dict(cache=cache_option(), error_model="numpy", nogil=True)

# im2col_planes up to this many channels, row-major im2col above. The gather alone, planes against
# rows, one thread: 9x faster at C=1, 2.2x at C=3, 1.4x at C=6, 1.3x at C=7, 0.75x at C=8; with the
# products of a 3x3x C x 32 convolution 1.1-1.16x at C=6 and 0.85-0.89x at C=8
# (benchmarks/conv_pool_kernels.py).
MAX_PLANE_CHANNELS = 6

# Each block gathers and multiplies runs of images whose gathered rows take about this many bytes
# (at least one image), so the product reads col from L2 (1 MB per core here) right after the
# gather wrote it. Against one run per block, one thread: W7's conv1 1.3x (forward) and 1.45x
# (filter grad), 3x3 filters over C=3 1.25x / 1.4x, over C=8 1.0x / 1.3x; runs of 64 KB and 256 KB
# were slower on conv1 (benchmarks/conv_pool_kernels.py).
CHUNK_BYTES = 1 << 17


@njit(**_OPTS)
def im2col(x, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow, col):
    """col (N*OH*OW, KH*KW*C): row (n, a, b) holds the window of output cell (n, a, b), tap-major."""
    n_, h_, w_, c_ = x.shape
    xf, cf = x.reshape(-1), col.reshape(-1)
    cu = uint64(c_)
    p = uint64(0)
    for n in range(n_):
        for a in range(oh):
            for b in range(ow):
                for i in range(kh):
                    h = a * sh - ph + i * dh
                    h_in = 0 <= h < h_
                    for j in range(kw):
                        w = b * sw - pw + j * dw
                        if h_in and 0 <= w < w_:
                            s = uint64(((n * h_ + h) * w_ + w) * c_)
                            for c in range(cu):
                                cf[p + c] = xf[s + c]
                        else:
                            for c in range(cu):
                                cf[p + c] = 0
                        p += cu


@njit(**_OPTS)
def im2col_planes(x, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow, planes):
    """planes (KH*KW*C, N*OH*OW) = im2col's matrix transposed: one plane per (tap, channel),
    filled one output row at a time with the tap's in-bounds columns [b0, b1) hoisted."""
    n_, h_, w_, c_ = x.shape
    xf, pf = x.reshape(-1), planes.reshape(-1)
    m = planes.shape[1]
    step = uint64(sw * c_)
    for i in range(kh):
        for j in range(kw):
            off = j * dw - pw
            b0 = min(ow, max(0, (sw - 1 - off) // sw))          # the first b with b*sw + off >= 0
            b1 = max(b0, min(ow, (w_ - 1 - off) // sw + 1))     # past the last b with b*sw + off < w_
            inner = uint64(b1 - b0)
            for c in range(c_):
                plane = ((i * kw + j) * c_ + c) * m
                for n in range(n_):
                    for a in range(oh):
                        r = uint64(plane + (n * oh + a) * ow)
                        h = a * sh - ph + i * dh
                        if h < 0 or h >= h_:
                            for b in range(uint64(ow)):
                                pf[r + b] = 0
                            continue
                        for b in range(uint64(b0)):
                            pf[r + b] = 0
                        s = uint64(((n * h_ + h) * w_ + b0 * sw + off) * c_ + c)
                        d = r + uint64(b0)
                        if step == 1:
                            for b in range(inner):
                                pf[d + b] = xf[s + b]
                        else:
                            for b in range(inner):
                                pf[d + b] = xf[s + b * step]
                        for b in range(uint64(b1), uint64(ow)):
                            pf[r + b] = 0


@njit(**_OPTS)
def col2im(dcol, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow, dx):
    """dx (N, H, W, C) = the sum of each column entry into the input cell it was read from."""
    n_, h_, w_, c_ = dx.shape
    cf, df = dcol.reshape(-1), dx.reshape(-1)
    dx[...] = 0
    cu = uint64(c_)
    p = uint64(0)
    for n in range(n_):
        for a in range(oh):
            for b in range(ow):
                for i in range(kh):
                    h = a * sh - ph + i * dh
                    h_in = 0 <= h < h_
                    for j in range(kw):
                        w = b * sw - pw + j * dw
                        if h_in and 0 <= w < w_:
                            s = uint64(((n * h_ + h) * w_ + w) * c_)
                            for c in range(cu):
                                df[s + c] += cf[p + c]
                        p += cu


# ---- the im2col passes, in blocks of images on gemm_pool's threads (batch_blocks.py) --------------

def _spans(n: int, m: int, k: int, o: int):
    """Image blocks of a pass over m = N*OH*OW rows of k columns and o filters (work: the elements
    of col and of the output), and the rows per image; no blocks for an empty batch."""
    if n == 0:
        return [], 0
    return batch_blocks.blocks(n, m * (k + o)), m // n


def _chunks(n0: int, n1: int, per: int, row_bytes: int) -> list[tuple[int, int]]:
    """Images n0..n1 in runs whose gathered rows (row_bytes each) fit CHUNK_BYTES, one image at least."""
    step = max(1, CHUNK_BYTES // (per * row_bytes))
    return [(a, min(a + step, n1)) for a in range(n0, n1, step)]


def _gathered(x, geometry: tuple, col, n0: int, n1: int, per: int):
    """The receptive fields of images n0..n1 as an (rows, K) matrix in their share of `col`:
    row-major from im2col, or the transpose of im2col_planes' matrix with few channels."""
    k = col.shape[1]
    if x.shape[3] > MAX_PLANE_CHANNELS:
        c = col[n0 * per:n1 * per]
        im2col(x[n0:n1], *geometry, c)
        return c
    planes = col.reshape(-1)[n0 * per * k:n1 * per * k].reshape(k, (n1 - n0) * per)
    im2col_planes(x[n0:n1], *geometry, planes)
    return planes.T


def forward(x, w2, geometry: tuple, out2, col) -> None:
    """out2 (N*OH*OW, O) = im2col(x) @ w2 (KH*KW*C, O); col: an (N*OH*OW, KH*KW*C) work buffer."""
    spans, per = _spans(x.shape[0], out2.shape[0], *w2.shape)
    if not spans:                   # an empty batch: an empty output
        return
    row_bytes = w2.shape[0] * x.itemsize

    def images(n0, n1):
        for a, b in _chunks(n0, n1, per, row_bytes):
            np.matmul(_gathered(x, geometry, col, a, b, per), w2, out=out2[a * per:b * per])
    batch_blocks.run(images, spans)


def filter_grad(x, dy2, geometry: tuple, out2, col) -> None:
    """out2 (KH*KW*C, O) = im2col(x)^T @ dy2 (N*OH*OW, O): each block's share, then their sum."""
    spans, per = _spans(x.shape[0], dy2.shape[0], *out2.shape)
    if not spans:                   # an empty batch: no gradient
        out2[...] = 0
        return
    sums = {n0: out2 if j == 0 else np.empty_like(out2) for j, (n0, _) in enumerate(spans)}
    row_bytes = out2.shape[0] * x.itemsize

    def images(n0, n1):
        part = None
        for j, (a, b) in enumerate(_chunks(n0, n1, per, row_bytes)):
            dst = sums[n0] if j == 0 else part if part is not None else np.empty_like(out2)
            np.matmul(_gathered(x, geometry, col, a, b, per).T, dy2[a * per:b * per], out=dst)
            if j:
                np.add(sums[n0], dst, out=sums[n0])
                part = dst
    batch_blocks.run(images, spans)
    for n0, _ in spans[1:]:
        np.add(out2, sums[n0], out=out2)


def input_grad(dy2, w2, geometry: tuple, out) -> None:
    """out (N, H, W, C) = col2im(dy2 (N*OH*OW, O) @ w2^T), w2 (KH*KW*C, O)."""
    spans, per = _spans(out.shape[0], dy2.shape[0], *w2.shape)
    if not spans:                   # an empty batch: an empty gradient
        return

    def images(n0, n1):
        col2im(np.matmul(dy2[n0 * per:n1 * per], w2.T), *geometry, out[n0:n1])
    batch_blocks.run(images, spans)
