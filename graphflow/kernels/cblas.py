"""GEMM from the OpenBLAS numpy itself links against, called through ctypes.

np.matmul cannot accumulate into its output (`C = alpha*A@B + beta*C`) nor multiply row ranges
of a buffer at an offset; the in-place SGD update (sgd.py) and the row-unfolded convolutions
(conv_gemm.py) need both. Using numpy's own library keeps one BLAS thread pool in the process.
"""
from __future__ import annotations

import ctypes
import glob
import os
import threading
from typing import Optional

import numpy as np

ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112

_lock = threading.Lock()
_GEMM: Optional[dict] = None


def _load() -> dict:
    """{np.float32: sgemm, np.float64: dgemm} from the OpenBLAS numpy links against, or {}."""
    libdir = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libdir, "libscipy_openblas64_*.so"))):
        try:
            lib = ctypes.CDLL(path)
            fns = {np.dtype(np.float32): lib.scipy_cblas_sgemm64_, np.dtype(np.float64): lib.scipy_cblas_dgemm64_}
        except (OSError, AttributeError):
            continue
        i64, ptr = ctypes.c_int64, ctypes.c_size_t     # pointers as integers: numba kernels call these too
        for dt, fn in fns.items():
            scalar = ctypes.c_float if dt == np.float32 else ctypes.c_double
            fn.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, i64, i64, i64, scalar, ptr, i64, ptr, i64,
                           scalar, ptr, i64]
            fn.restype = None
        return fns
    return {}


def gemm(dtype) -> Optional[object]:
    """cblas_?gemm for `dtype` (float32/float64), or None when numpy's BLAS is not reachable."""
    global _GEMM
    if _GEMM is None:
        with _lock:
            if _GEMM is None:
                _GEMM = _load()
    return _GEMM.get(np.dtype(dtype))
