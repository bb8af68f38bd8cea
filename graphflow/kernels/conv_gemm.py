"""Row-unfolded convolution: the kw taps of a filter row unfolded into channels, the kh rows as
shifted GEMMs over one image's unfolded rows (NHWC input, HWIO filter, stride 1 along the height).

im2col copies every input cell kh*kw times into an (OH*OW, KH*KW*C) matrix before one GEMM.
Here only the kw taps are unfolded: U[r, b, (j, c)] = x[r - ph, b*sw - pw + j*dw, c], HU*OW rows
of kw*C per image (HU = OH + (kh-1)*dh rows cover every window), kw times the input instead of
kh*kw times the output. Row (a + i*dh, b) of U is row (a, b) shifted by s = i*dh*OW, so filter
row i contributes one GEMM over P = OH*OW contiguous rows of U at offset s:

    forward        y[n]          += U[s : s+P] @ w[i]          (w[i] is (kw*C, O) as stored)
    filter grad    dw[i]         += U[s : s+P]^T @ dy[n]
    input grad     dU[s : s+P]   += dy[n] @ wt[i]              then dU folds back into dx[n]

(wt[i] = w[i]^T, transposed once per call: NN GEMMs run 1.4x faster than the NT form on W7).

y[n] and dy[n] are the image's P = OH*OW rows as stored, so the GEMMs read and write them in
place. One image at a time, its unfolding, GEMMs and folding run in one numba loop that calls
OpenBLAS's cblas_?gemm itself (cblas.py; it accumulates with beta = 1, which np.matmul cannot):
the image's U (55 KB on W7's second conv) stays in L2 between the copy and the products, and
nothing is copied to or from a layout of the whole batch. The batch runs in blocks of images on
the pool's threads (batch_blocks.py); the filter gradient's blocks each sum into their own
(kh, kw*C, O) buffer, added at the end (73 KB each on W7: the addition is noise).

W7's second conv (64x13x13x32 -> 64, benchmarks/conv_gemm_passes.py, one thread): forward 3.2 ms,
filter gradient 3.1, input gradient 2.9, against 4.4 / 4.7 / 4.2 for shifted GEMMs over the whole
batch's unfolded rows (their output had HU rows per image: 15% more GEMM rows, then a 2 MB copy
into y; dy was copied into HU rows per image; the fold zeroed dx and added into it). On two idle
cores 2.0 / 2.0 / 1.9 ms (1.6-1.66x one thread: the filter gradient scales as the others, its
per-block sums cost ~10 us to add).

Stride along the height must be 1 (a strided row would not be a fixed offset); such convolutions
and the narrowest ones (MIN_UNFOLDED) take im2col (conv.py; fast.py decides with `applies`).
"""
from __future__ import annotations

from functools import partial
from typing import NamedTuple, Optional

import numpy as np
from numba import njit

from .. import threading_config
from . import batch_blocks, cblas, gemm_pool
from .static_cache import cache_option

_OPTS = dict(cache=cache_option(), error_model="numpy", nogil=True)
_ROW_MAJOR, _NO_TRANS, _TRANS = cblas.ROW_MAJOR, cblas.NO_TRANS, cblas.TRANS

# Unfolded rows narrower than this (K = kw*C) go through conv.py's im2col (planes for few
# channels): at W7's first conv (C = 1, K = 3) its forward pass takes 0.66 ms against 0.97 here,
# more than conv_gemm's filter gradient saves (0.71 against 0.80); at C = 2 (K = 6) the forward
# passes tie and conv_gemm's gradients win 1.04-1.17x, at C = 3 and 8 every pass wins 1.2-1.6x
# (benchmarks/conv_gemm_passes.py --narrow, one thread, medians).
MIN_UNFOLDED = 6


class Geometry(NamedTuple):
    n: int
    h: int
    w: int
    c: int
    kh: int
    kw: int
    o: int
    sw: int
    dh: int
    dw: int
    ph: int
    pw: int
    oh: int
    ow: int

    @property
    def hu(self) -> int:
        """Unfolded rows per image: every window's rows, padding rows included."""
        return self.oh + (self.kh - 1) * self.dh

    @property
    def k(self) -> int:
        return self.kw * self.c


def applies(x_dims, w_dims, conv_geometry: tuple, dtype) -> Optional[Geometry]:
    """The geometry when the row-unfolded form runs this convolution, else None (use im2col)."""
    kh, kw, sh, sw, dh, dw, ph, pw, oh, ow = conv_geometry
    n, h, w, c = x_dims
    if sh != 1 or kw * c < MIN_UNFOLDED or oh * ow == 0 or n == 0 or cblas.gemm(dtype) is None:
        return None
    return Geometry(n, h, w, c, kh, kw, int(w_dims[3]), sw, dh, dw, ph, pw, oh, ow)


# ---- one image: unfold, fold ---------------------------------------------------------------------

# Element loops, not slice assignments: numba's `a[i:j] = b[k:l]` checks the two for overlap and
# goes through a generic copy, 2.6x (unfolding) and 4x (folding) slower on W7's 32-channel rows.

@njit(**_OPTS)
def unfold_image(x, kw, sw, dw, ph, pw, u):
    """u[r, b, j*C:(j+1)*C] = x[r - ph, b*sw - pw + j*dw, :], zero outside the image."""
    h_, w_, c_ = x.shape
    hu, ow = u.shape[0], u.shape[1]
    for r in range(hu):
        h = r - ph
        if h < 0 or h >= h_:
            u[r] = 0
            continue
        cells = x[h].reshape(w_ * c_)
        for b in range(ow):
            row, w0 = u[r, b], b * sw - pw
            if dw == 1 and w0 >= 0 and w0 + kw <= w_:       # the kw taps are one run of the input row
                start = w0 * c_
                for t in range(kw * c_):
                    row[t] = cells[start + t]
                continue
            for j in range(kw):
                w, o = w0 + j * dw, j * c_
                if 0 <= w < w_:
                    for c in range(c_):
                        row[o + c] = cells[w * c_ + c]
                else:
                    for c in range(c_):
                        row[o + c] = 0


@njit(**_OPTS)
def fold_image(du, kw, sw, dw, ph, pw, dx):
    """dx[h, w, :] = the sum of du[h + ph, b, j*C:(j+1)*C] over b*sw - pw + j*dw == w, each cell
    of dx written once (no zeroing pass, no read-modify-write of dx)."""
    h_, w_, c_ = dx.shape
    ow = du.shape[1]
    for h in range(h_):
        r = h + ph
        for w in range(w_):
            dst = dx[h, w]
            empty = True
            for j in range(kw):
                t = w + pw - j * dw
                if t < 0 or t % sw != 0 or t // sw >= ow:
                    continue
                src, o = du[r, t // sw], j * c_
                if empty:
                    for c in range(c_):
                        dst[c] = src[o + c]
                    empty = False
                else:
                    for c in range(c_):
                        dst[c] += src[o + c]
            if empty:
                for c in range(c_):
                    dst[c] = 0


# ---- the three passes over a block of images (gemm: cblas.gemm(dtype), pointers as integers) -------

@njit(**_OPTS)
def forward_images(gemm, x, w, kw, sw, dh, dw, ph, pw, u, out):
    """out (n, OH, OW, O) = conv2d(x, w) for a block of images; u: one image's (HU, OW, kw*C)."""
    kh, o, k = w.shape[0], w.shape[3], u.shape[2]
    ow, p, size = u.shape[1], out.shape[1] * out.shape[2], x.itemsize
    for n in range(x.shape[0]):
        unfold_image(x[n], kw, sw, dw, ph, pw, u)
        for i in range(kh):
            gemm(_ROW_MAJOR, _NO_TRANS, _NO_TRANS, p, o, k, 1.0, u.ctypes.data + i * dh * ow * k * size, k,
                 w.ctypes.data + i * k * o * size, o, 1.0 if i else 0.0, out.ctypes.data + n * p * o * size, o)


@njit(**_OPTS)
def filter_grad_images(gemm, x, dy, kw, sw, dh, dw, ph, pw, u, dwk):
    """dwk (kh, kw*C, O) = the filter gradient over a block of images; u as in forward_images."""
    kh, k, o = dwk.shape
    ow, p, size = u.shape[1], dy.shape[1] * dy.shape[2], x.itemsize
    for n in range(x.shape[0]):
        unfold_image(x[n], kw, sw, dw, ph, pw, u)
        for i in range(kh):
            gemm(_ROW_MAJOR, _TRANS, _NO_TRANS, k, o, p, 1.0, u.ctypes.data + i * dh * ow * k * size, k,
                 dy.ctypes.data + n * p * o * size, o, 1.0 if n else 0.0, dwk.ctypes.data + i * k * o * size, o)


@njit(**_OPTS)
def input_grad_images(gemm, dy, wt, kw, sw, dh, dw, ph, pw, du, dx):
    """dx (n, H, W, C) = the input gradient over a block of images; wt (KH, O, kw*C): each filter
    row transposed; du: one image's (HU, OW, kw*C)."""
    kh, o, k = wt.shape
    oh, ow, size = dy.shape[1], du.shape[1], dy.itemsize
    p = oh * ow
    for n in range(dy.shape[0]):
        du[oh:] = 0             # rows only the shifted products reach (filter row i > 0 adds into them)
        for i in range(kh):
            gemm(_ROW_MAJOR, _NO_TRANS, _NO_TRANS, p, k, o, 1.0, dy.ctypes.data + n * p * o * size, o,
                 wt.ctypes.data + i * o * k * size, k, 1.0 if i else 0.0, du.ctypes.data + i * dh * ow * k * size, k)
        fold_image(du, kw, sw, dw, ph, pw, dx[n])


# ---- the passes over the batch --------------------------------------------------------------------

def scratch_shapes(g: Geometry, call: str) -> tuple:
    """The shapes of the work buffers `call` (forward, filter_grad, input_grad) takes after `out`:
    one image's unfolded rows for each block of images the pool can run at once. A compiled plan
    owns them like its reused buffers (a fresh multi-MB buffer costs page faults on every call);
    eager calls pass None and get new ones."""
    return ((_slots(g), g.hu, g.ow, g.k),)


def _slots(g: Geometry) -> int:
    return max(1, min(g.n, gemm_pool.BLOCKS_PER_THREAD * threading_config.intra_op_threads()))


def _spans(g: Geometry) -> list[tuple[int, int]]:
    """Blocks of images for the pool's threads (batch_blocks.py), each unfolded and multiplied on
    its own."""
    return batch_blocks.blocks(g.n, g.n * g.oh * g.ow * g.kh * g.k * g.o, gemm_pool.MIN_MACS)


def _run(images, spans) -> None:
    """images(j, n0, n1) for every block j, on the pool when there are several, with OpenBLAS held
    at one thread even for a single block: it splits any GEMM above 2**18 multiply-adds in two, and
    one image's (W7: 121x64x96) would then pay a thread handoff on every call."""
    gemm_pool.run_blocks([partial(images, j, n0, n1) for j, (n0, n1) in enumerate(spans)])


def _unfolded(g: Geometry, dtype, u, spans):
    """A work buffer with a slot per block (the plan's, unless the thread count grew since)."""
    return np.empty((len(spans), g.hu, g.ow, g.k), dtype) if u is None or u.shape[0] < len(spans) else u


def forward(x, w, g: Geometry, out, u=None) -> None:
    """out (N, OH, OW, O) = conv2d(x, w); x, w, out C-contiguous; u: scratch_shapes() or None."""
    spans = _spans(g)
    gemm, u = cblas.gemm(x.dtype), _unfolded(g, x.dtype, u, spans)

    def images(j, n0, n1):
        forward_images(gemm, x[n0:n1], w, g.kw, g.sw, g.dh, g.dw, g.ph, g.pw, u[j], out[n0:n1])
    _run(images, spans)


def filter_grad(x, dy, g: Geometry, out, u=None) -> None:
    """out (KH, KW, C, O) = the gradient of conv2d(x, w) with respect to w, given dy."""
    spans = _spans(g)
    gemm, u = cblas.gemm(x.dtype), _unfolded(g, x.dtype, u, spans)
    first = out.reshape(g.kh, g.k, g.o)
    sums = [first] + [np.empty_like(first) for _ in spans[1:]]     # one per block

    def images(j, n0, n1):
        filter_grad_images(gemm, x[n0:n1], dy[n0:n1], g.kw, g.sw, g.dh, g.dw, g.ph, g.pw, u[j], sums[j])
    _run(images, spans)
    for partial_sum in sums[1:]:
        np.add(first, partial_sum, out=first)


def input_grad(dy, w, g: Geometry, out, du=None) -> None:
    """out (N, H, W, C) = the gradient of conv2d(x, w) with respect to x, given dy."""
    spans = _spans(g)
    gemm, du = cblas.gemm(dy.dtype), _unfolded(g, dy.dtype, du, spans)
    wt = np.ascontiguousarray(w.reshape(g.kh, g.k, g.o).transpose(0, 2, 1))    # dy @ wt[i]: 1.4x dy @ w[i]^T

    def images(j, n0, n1):
        input_grad_images(gemm, dy[n0:n1], wt, g.kw, g.sw, g.dh, g.dw, g.ph, g.pw, du[j], out[n0:n1])
    _run(images, spans)
