"""How glibc's malloc hands big buffers to numpy: kept in the heap between ops instead of mapped
and unmapped on every allocation.

numpy allocates array data with malloc. glibc serves a request above its mmap threshold (128 KiB
at first, raised dynamically up to the size of the largest block freed) with a fresh mapping and
gives it back to the kernel on free, and trims freed memory at the top of its heap above twice
that threshold; either way the next array of that size faults its pages in again, zero-filled by
the kernel. An eager training step allocates every activation and gradient anew: W7's eager step
(28x28x1 CNN, batch 64) took ~5,700 minor page faults and 13 ms of system time per step, a quarter
of its CPU time (benchmarks/RESULTS.md, W7). A compiled LSTM step (W8) frees and re-allocates 12 MB
of saved activations and gradients every call: 20-24% of its CPU time went to the kernel's page-fault
and brk paths, 2% with the thresholds below. TensorFlow and JAX keep freed buffers in allocators of
their own.

`keep_freed_memory` sets the mmap threshold to glibc's largest (32 MiB on 64-bit; larger buffers
are still mapped and unmapped) and the trim threshold to KEEP_BYTES, so freed buffers are reused
by the next allocation of the step. Memory the process holds at its peak is unchanged; up to
KEEP_BYTES of freed memory stays mapped afterwards. threading_config.start applies it with the
thread set-up, before the first kernel runs; it does nothing when the user tuned malloc
(MALLOC_*_ variables or a glibc.malloc tunable), under GRAPHFLOW_MALLOC=default, or off glibc.
"""
from __future__ import annotations

import ctypes
import os
import threading

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3          # glibc's malloc.h
MMAP_THRESHOLD_BYTES = 32 << 20                      # DEFAULT_MMAP_THRESHOLD_MAX on 64-bit glibc
KEEP_BYTES = 128 << 20
USER_VARS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")

_lock = threading.Lock()
_state = {"applied": None}


def _user_tuned() -> bool:
    return (any(v in os.environ for v in USER_VARS) or "glibc.malloc" in os.environ.get("GLIBC_TUNABLES", "")
            or os.environ.get("GRAPHFLOW_MALLOC", "").strip().lower() in ("default", "off", "0", "false"))


def keep_freed_memory() -> bool:
    """Tune glibc's malloc as described above, once; True if this process's malloc is tuned."""
    with _lock:
        if _state["applied"] is None:
            _state["applied"] = False if _user_tuned() else _mallopt()
        return _state["applied"]


def _mallopt() -> bool:
    try:
        libc = ctypes.CDLL(None)
        if not hasattr(libc, "gnu_get_libc_version"):   # glibc's own: mallopt's numbers mean these options only there
            return False
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):   # not glibc (musl, macOS, Windows): leave malloc alone
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(mallopt(M_TRIM_THRESHOLD, KEEP_BYTES))


def describe() -> str:
    """For the bench's machine line: whether freed buffers are kept."""
    applied = _state["applied"]
    return "not set up yet" if applied is None else "freed buffers kept" if applied else "malloc's default"
