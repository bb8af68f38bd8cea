"""Row-unfolded convolution: the kw taps of a filter row unfolded into channels, the kh rows as
shifted GEMMs over one buffer (NHWC input, HWIO filter, stride 1 along the height).

im2col copies every input cell kh*kw times into an (N*OH*OW, KH*KW*C) matrix before one GEMM.
Here only the kw taps are unfolded: U[n, r, b, (j, c)] = x[n, r - ph, b*sw - pw + j*dw, c], a
buffer of N*HU*OW rows of kw*C (HU = OH + (kh-1)*dh rows cover every window), kw times the
input instead of kh*kw times the output. Row (n, a + i*dh, b) of U is row (n, a, b) shifted by
i*dh*OW, so filter row i contributes one GEMM over a contiguous row range with an offset:

    forward        G[0 : M-s]  += U[s : M] @ w[i]            (w[i] is (kw*C, O) as stored)
    filter grad    dw[i]        = U[s : M]^T @ Dy[0 : M-s]
    input grad     dU[s : M]   += Dy[0 : M-s] @ w[i]^T       then dU folds back into dx

where s = i*dh*OW, M = N*HU*OW, G and Dy are the output and its gradient laid out with HU rows
per image (rows a >= OH: don't-care in G, zeros in Dy). Each pass runs per block of images, the
unfolding, the GEMMs over the block's rows and the folding together (`_spans`), so the copies
run on the pool's threads beside the products and a block's rows stay in cache. The GEMMs
accumulate with beta = 1, which np.matmul cannot do, so they run through numpy's own BLAS
(cblas.py). On W7's second
conv (13x13x32 -> 64) this is ~1.4x faster than im2col + one GEMM: a third of the copying,
the unfolded rows stay in cache, and K = kw*C is still a BLAS-sized inner dimension.

Stride along the height must be 1 (a strided row would not be a fixed offset); other cases, and
few channels (K = kw*C too small for BLAS to pay), take im2col (fast.py decides with `applies`).
"""
from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np
from numba import njit

from . import batch_blocks, cblas, gemm_pool
from .static_cache import cache_option

_OPTS = dict(cache=cache_option(), error_model="numpy", nogil=True)

# Unfolded rows narrower than this go through im2col: W7's first conv (C=1, kw*C=3) is faster as
# one GEMM with K=9 than as three with K=3; at kw*C=96 the unfolded form wins.
MIN_UNFOLDED = 16


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
    def rows(self) -> int:
        return self.n * self.hu * self.ow

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


@njit(**_OPTS)
def unfold_rows(x, hu, kw, sw, dw, ph, pw, u):
    """u[n, r, b, j*C:(j+1)*C] = x[n, r - ph, b*sw - pw + j*dw, :], zero outside the input."""
    n_, h_, w_, c_ = x.shape
    ow = u.shape[2]
    for n in range(n_):
        for r in range(hu):
            h = r - ph
            for b in range(ow):
                row = u[n, r, b]
                if h < 0 or h >= h_:
                    row[:] = 0
                    continue
                for j in range(kw):
                    w = b * sw - pw + j * dw
                    if 0 <= w < w_:
                        row[j * c_:(j + 1) * c_] = x[n, h, w]
                    else:
                        row[j * c_:(j + 1) * c_] = 0


@njit(**_OPTS)
def fold_rows(du, kw, sw, dw, ph, pw, dx):
    """dx[n, h, w, :] = the sum of du[n, h + ph, b, j*C:(j+1)*C] over b*sw - pw + j*dw == w."""
    n_, h_, w_, c_ = dx.shape
    ow = du.shape[2]
    dx[...] = 0
    for n in range(n_):
        for h in range(h_):
            r = h + ph
            for b in range(ow):
                src = du[n, r, b]
                for j in range(kw):
                    w = b * sw - pw + j * dw
                    if 0 <= w < w_:
                        dst = dx[n, h, w]
                        for c in range(c_):
                            dst[c] += src[j * c_ + c]


def scratch_shapes(g: Geometry, call: str) -> tuple:
    """The shapes of the two work buffers `call` (forward, filter_grad, input_grad) takes after
    `out`. A compiled plan owns them like its reused buffers (fresh multi-MB buffers cost page
    faults on every call); eager calls pass None and get new ones."""
    u, rows = (g.n, g.hu, g.ow, g.k), (g.n, g.hu, g.ow, g.o)
    return {"forward": (u, rows), "filter_grad": (u, rows), "input_grad": (rows, u)}[call]


def _on_rows(dy, g: Geometry, d) -> None:
    """dy (n, OH, OW, O) laid out with HU rows per image in `d`, rows past OH zero."""
    d[:, :g.oh] = dy
    d[:, g.oh:] = 0


def _spans(g: Geometry) -> list[tuple[int, int]]:
    """Blocks of images, each unfolded, multiplied and folded on its own (batch_blocks.py): a
    block's shifted GEMMs stop at its last image (the rows they would reach past it are don't-care
    rows of the output or zero rows of dy), so blocks share no rows and run on the pool at once."""
    return batch_blocks.blocks(g.n, g.rows * g.kh * g.k * g.o, gemm_pool.MIN_MACS)


def forward(x, w, g: Geometry, out, u=None, grid=None) -> None:
    """out (N, OH, OW, O) = conv2d(x, w); x, w C-contiguous; u, grid: scratch_shapes() or None."""
    gemm = cblas.gemm(x.dtype)
    u = np.empty((g.n, g.hu, g.ow, g.k), x.dtype) if u is None else u
    grid = np.empty((g.n, g.hu, g.ow, g.o), x.dtype) if grid is None else grid
    per_image, k, o, size = g.hu * g.ow, g.k, g.o, x.itemsize
    pu, pw, pg = u.ctypes.data, w.ctypes.data, grid.ctypes.data

    def images(n0, n1):      # G[r0:r1] = sum over filter rows i of U[r0+s : r1+s] @ w[i]
        unfold_rows(x[n0:n1], g.hu, g.kw, g.sw, g.dw, g.ph, g.pw, u[n0:n1])
        r0, r1 = n0 * per_image, n1 * per_image
        for i in range(g.kh):
            s = i * g.dh * g.ow      # rows r1-s..r1 (a >= OH) would read the next image: don't-care rows
            gemm(cblas.ROW_MAJOR, cblas.NO_TRANS, cblas.NO_TRANS, r1 - s - r0, o, k, 1.0, pu + (r0 + s) * k * size,
                 k, pw + i * k * o * size, o, 1.0 if i else 0.0, pg + r0 * o * size, o)
        out[n0:n1] = grid[n0:n1, :g.oh]
    batch_blocks.run(images, _spans(g))


def filter_grad(x, dy, g: Geometry, out, u=None, d=None) -> None:
    """out (KH, KW, C, O) = the gradient of conv2d(x, w) with respect to w, given dy."""
    gemm = cblas.gemm(x.dtype)
    u = np.empty((g.n, g.hu, g.ow, g.k), x.dtype) if u is None else u
    d = np.empty((g.n, g.hu, g.ow, g.o), dy.dtype) if d is None else d
    per_image, k, o, size = g.hu * g.ow, g.k, g.o, x.itemsize
    spans = _spans(g)
    sums = {n0: out if j == 0 else np.empty_like(out) for j, (n0, _) in enumerate(spans)}   # one per block

    def images(n0, n1):      # dw[i] = U[r0+s : r1]^T @ Dy[r0 : r1-s], this block's share
        unfold_rows(x[n0:n1], g.hu, g.kw, g.sw, g.dw, g.ph, g.pw, u[n0:n1])
        _on_rows(dy[n0:n1], g, d[n0:n1])
        r0, r1 = n0 * per_image, n1 * per_image
        dst = sums[n0].ctypes.data
        for i in range(g.kh):
            s = i * g.dh * g.ow      # Dy rows r1-s..r1 are zero rows (a >= OH): nothing to pair past them
            gemm(cblas.ROW_MAJOR, cblas.TRANS, cblas.NO_TRANS, k, o, r1 - s - r0, 1.0, u.ctypes.data + (r0 + s) * k * size,
                 k, d.ctypes.data + r0 * o * size, o, 0.0, dst + i * k * o * size, o)
    batch_blocks.run(images, spans)
    for n0, _ in spans[1:]:
        np.add(out, sums[n0], out=out)


def input_grad(dy, w, g: Geometry, out, d=None, du=None) -> None:
    """out (N, H, W, C) = the gradient of conv2d(x, w) with respect to x, given dy."""
    gemm = cblas.gemm(dy.dtype)
    d = np.empty((g.n, g.hu, g.ow, g.o), dy.dtype) if d is None else d
    du = np.empty((g.n, g.hu, g.ow, g.k), dy.dtype) if du is None else du
    per_image, k, o, size = g.hu * g.ow, g.k, g.o, dy.itemsize
    pd, pw, pu = d.ctypes.data, w.ctypes.data, du.ctypes.data

    def images(n0, n1):      # dU[r0:r1] = sum over filter rows i of Dy[r0-s : r1-s] @ w[i]^T
        _on_rows(dy[n0:n1], g, d[n0:n1])
        r0, r1 = n0 * per_image, n1 * per_image
        for i in range(g.kh):
            s = i * g.dh * g.ow      # rows r0..r0+s would read the previous image's zero rows of Dy
            lo = r0 + s
            gemm(cblas.ROW_MAJOR, cblas.NO_TRANS, cblas.TRANS, r1 - lo, k, o, 1.0, pd + (lo - s) * o * size, o,
                 pw + i * k * o * size, o, 1.0 if i else 0.0, pu + lo * k * size, k)
        fold_rows(du[n0:n1], g.kw, g.sw, g.dw, g.ph, g.pw, out[n0:n1])
    batch_blocks.run(images, _spans(g))
