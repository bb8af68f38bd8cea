"""Freed memory stays in the process for the next step instead of going back to the kernel.

A training step allocates and frees the same large arrays on every call (projections, saved
activations, gradients: 12 MB per step in W8). glibc's malloc gives the free top of its heap back
to the kernel once it passes a trim threshold (by default twice the largest block freed so far),
and the next step takes it back one page fault at a time: measured on W8 (LSTM forward+backward,
gf.function), 20-24% of the step's CPU time went to the kernel's page-fault and brk paths, 2% with
the thresholds below. TensorFlow and JAX keep freed buffers in allocators of their own.

graphflow sets glibc's thresholds once, when its runtime starts (threading_config.start): blocks
below MMAP_THRESHOLD come from the heap (glibc's own ceiling for its moving threshold) and up to
TRIM_THRESHOLD of free heap is kept. Setting either disables glibc's moving threshold, so both are
set. GRAPHFLOW_HEAP=default, the MALLOC_TRIM_THRESHOLD_/MALLOC_MMAP_THRESHOLD_ variables or a
glibc.malloc tunable leave malloc as it is; on a C library other than glibc nothing changes.
"""
from __future__ import annotations

import ctypes
import os
import threading

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 128 << 20
USER_SETTINGS = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_")

_lock = threading.Lock()
_state = {"done": False, "kept": False}


def _left_alone() -> bool:
    if os.environ.get("GRAPHFLOW_HEAP", "").strip().lower() in ("default", "off", "0", "false"):
        return True
    return any(v in os.environ for v in USER_SETTINGS) or "glibc.malloc" in os.environ.get("GLIBC_TUNABLES", "")


def _mallopt():
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version          # glibc only: other C libraries' mallopt differ or are absent
        fn = libc.mallopt
    except (OSError, AttributeError):
        return None
    fn.argtypes, fn.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return fn


def start() -> bool:
    """Keep freed memory for reuse (idempotent); True if graphflow set the thresholds."""
    if _state["done"]:
        return _state["kept"]
    with _lock:
        if not _state["done"]:
            mallopt = None if _left_alone() else _mallopt()
            _state["kept"] = bool(mallopt is not None and mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
                                  and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
            _state["done"] = True
    return _state["kept"]


def describe() -> str:
    """For the bench's machine line."""
    if not _state["done"]:
        return "not set up yet"
    return f"freed memory kept (trim above {TRIM_THRESHOLD >> 20} MiB)" if _state["kept"] else "malloc's default"
