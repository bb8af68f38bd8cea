"""In-place SGD updates: `v -= lr * (a @ b)` as one BLAS call on v's own array.

The in-place update pass (passes/inplace_update.py) turns `assign(v, read(v) - lr * (a @ b))`
into an InplaceGemmUpdate op when, at compile time, nobody else can see v's array; its lowering
calls `run_update`. GEMM computes `C = alpha*A@B + beta*C`, so with `alpha = -lr`, `beta = 1`
and `C` the variable's own array the update is one pass, inside BLAS (W4: ~0.3 ms of a 13 ms
step) instead of a new weight-sized array written and streamed again.

At run time the array must own its data (views of it hold a reference to it), be C-contiguous
and writeable, and its reference count must show only the variable's storage (the plan drops its
own locals first). Anything else (a fetched array the user kept, an EagerTensor over it, a user's
initial value still referenced by the graph) takes the ordinary path, which writes a new array.
GEMM goes through numpy's own OpenBLAS (ctypes), so np.matmul and the update share one thread pool.
"""
from __future__ import annotations

import os
import sys
from functools import partial

import numpy as np

from . import cblas, gemm_pool

# below this many weight elements the ctypes call costs more than the epilogue it saves (W3)
MIN_ELEMENTS = 1 << 16
_ROW_MAJOR, _NO_TRANS, _TRANS = cblas.ROW_MAJOR, cblas.NO_TRANS, cblas.TRANS


def gemm_for(dtype):
    """numpy's own GEMM for `dtype`, or None (no BLAS reachable, or GRAPHFLOW_INPLACE_SGD=0)."""
    if os.environ.get("GRAPHFLOW_INPLACE_SGD", "1") == "0":
        return None
    return cblas.gemm(dtype)


def run_update(state, a, b, lr, ta: bool, tb: bool):
    """`state.value -= lr * op(a) @ op(b)` in place and return the array, or None when the array
    may be visible to someone else (the caller then takes the ordinary path)."""
    w = state.value
    if (w.__class__ is not np.ndarray or w.base is not None or not w.flags.c_contiguous
            or not w.flags.writeable or sys.getrefcount(w) != 3 or w.dtype != a.dtype):
        return None                      # 3: state.value, `w`, getrefcount's argument
    if not (a.flags.c_contiguous and b.flags.c_contiguous) or a.dtype != b.dtype:
        return None                      # GEMM is given row-major leading dimensions below
    m, n = w.shape
    k = a.shape[0] if ta else a.shape[1]
    if (b.shape[1] if tb else b.shape[0]) != k or (b.shape[0] if tb else b.shape[1]) != n:
        return None
    if (a.shape[1] if ta else a.shape[0]) != m:
        return None
    gemm, size = gemm_for(w.dtype), w.itemsize
    mode = (_ROW_MAJOR, _TRANS if ta else _NO_TRANS, _TRANS if tb else _NO_TRANS)
    pa, pb, pw, lr = a.ctypes.data, b.ctypes.data, w.ctypes.data, -float(lr)

    def rows(i0, i1):     # rows i0:i1 of w: columns of a when transposed, else rows
        gemm(*mode, i1 - i0, n, k, lr, pa + i0 * size * (1 if ta else k), a.shape[1], pb, b.shape[1], 1.0,
             pw + i0 * n * size, n)
    blocks = gemm_pool.split(m, n, k)
    if blocks is None:
        rows(0, m)
    else:
        gemm_pool.run_blocks([partial(rows, i0, i1) for i0, i1 in blocks])
    return w
