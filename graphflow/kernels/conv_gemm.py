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
per image (rows a >= OH: don't-care in G, zeros in Dy). The GEMMs accumulate with beta = 1,
which np.matmul cannot do, so they run through numpy's own BLAS (cblas.py). On W7's second
conv (13x13x32 -> 64) this is ~1.4x faster than im2col + one GEMM: a third of the copying,
the unfolded rows stay in cache, and K = kw*C is still a BLAS-sized inner dimension.

Stride along the height must be 1 (a strided row would not be a fixed offset); other cases, and
few channels (K = kw*C too small for BLAS to pay), take im2col (fast.py decides with `applies`).
"""
from __future__ import annotations

from functools import partial
from typing import NamedTuple, Optional

import numpy as np
from numba import njit

from . import cblas, gemm_pool
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


def _on_rows(dy, g: Geometry, d) -> np.ndarray:
    """dy (N, OH, OW, O) laid out with HU rows per image in `d` (or a new buffer), rows past OH zero."""
    if d is None:
        d = np.empty((g.n, g.hu, g.ow, g.o), dy.dtype)
    d[:, :g.oh] = dy
    d[:, g.oh:] = 0
    return d


def _run(tasks: list, worth_splitting: bool) -> None:
    """The GEMM tasks of one pass: on gemm_pool's blocking threads when the pass is big enough
    (a thread that gets no core leaves its tasks to the others), else one after another."""
    if worth_splitting and len(tasks) > 1:
        gemm_pool.run_blocks(tasks)
        return
    for task in tasks:
        task()


def _row_tasks(fn, m: int, macs_per_row: int) -> tuple[list, bool]:
    """fn(r0, r1) over row blocks of 0..m that gemm_pool would cut, or one task for all rows."""
    blocks = gemm_pool.split(m, macs_per_row, 1)
    return [partial(fn, r0, r1) for r0, r1 in (blocks or [(0, m)])], blocks is not None


def forward(x, w, g: Geometry, out, u=None, grid=None) -> None:
    """out (N, OH, OW, O) = conv2d(x, w); x, w C-contiguous; u, grid: scratch_shapes() or None."""
    gemm = cblas.gemm(x.dtype)
    u = np.empty((g.n, g.hu, g.ow, g.k), x.dtype) if u is None else u
    grid = np.empty((g.n, g.hu, g.ow, g.o), x.dtype) if grid is None else grid
    unfold_rows(x, g.hu, g.kw, g.sw, g.dw, g.ph, g.pw, u)
    m, k, o, size = g.rows, g.k, g.o, x.itemsize
    pu, pw, pg = u.ctypes.data, w.ctypes.data, grid.ctypes.data

    def rows(r0, r1):        # G[r0:r1] = sum over filter rows i of U[r0+s : r1+s] @ w[i]
        for i in range(g.kh):
            s = i * g.dh * g.ow
            hi = min(r1, m - s)      # rows past m - s have windows past the buffer: don't-care rows
            if hi > r0:
                gemm(cblas.ROW_MAJOR, cblas.NO_TRANS, cblas.NO_TRANS, hi - r0, o, k, 1.0, pu + (r0 + s) * k * size,
                     k, pw + i * k * o * size, o, 1.0 if i else 0.0, pg + r0 * o * size, o)
    _run(*_row_tasks(rows, m, g.kh * k * o))
    out[...] = grid[:, :g.oh]


def filter_grad(x, dy, g: Geometry, out, u=None, d=None) -> None:
    """out (KH, KW, C, O) = the gradient of conv2d(x, w) with respect to w, given dy."""
    gemm = cblas.gemm(x.dtype)
    u = np.empty((g.n, g.hu, g.ow, g.k), x.dtype) if u is None else u
    unfold_rows(x, g.hu, g.kw, g.sw, g.dw, g.ph, g.pw, u)
    d = _on_rows(dy, g, d)
    m, k, o, size = g.rows, g.k, g.o, x.itemsize

    def filter_row(i):       # dw[i] = U[s:M]^T @ Dy[0:M-s]
        s = i * g.dh * g.ow
        gemm(cblas.ROW_MAJOR, cblas.TRANS, cblas.NO_TRANS, k, o, m - s, 1.0, u.ctypes.data + s * k * size, k,
             d.ctypes.data, o, 0.0, out.ctypes.data + i * k * o * size, o)
    _run([partial(filter_row, i) for i in range(g.kh)], gemm_pool.split(m, g.kh * k * o, 1) is not None)


def input_grad(dy, w, g: Geometry, out, d=None, du=None) -> None:
    """out (N, H, W, C) = the gradient of conv2d(x, w) with respect to x, given dy."""
    gemm = cblas.gemm(dy.dtype)
    d = _on_rows(dy, g, d)
    du = np.empty((g.n, g.hu, g.ow, g.k), dy.dtype) if du is None else du
    m, k, o, size = g.rows, g.k, g.o, dy.itemsize
    pd, pw, pu = d.ctypes.data, w.ctypes.data, du.ctypes.data

    def rows(r0, r1):        # dU[r0:r1] = sum over filter rows i of Dy[r0-s : r1-s] @ w[i]^T
        for i in range(g.kh):
            s = i * g.dh * g.ow
            lo = r0 if i == 0 else max(r0, s)
            if lo < r1:
                gemm(cblas.ROW_MAJOR, cblas.NO_TRANS, cblas.TRANS, r1 - lo, k, o, 1.0, pd + (lo - s) * o * size, o,
                     pw + i * k * o * size, o, 1.0 if i else 0.0, pu + lo * k * size, k)
    _run(*_row_tasks(rows, m, g.kh * k * o))
    fold_rows(du, g.kw, g.sw, g.dw, g.ph, g.pw, out)
