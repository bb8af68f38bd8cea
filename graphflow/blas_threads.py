"""The thread count and idle behaviour of the OpenBLAS libraries in this process (numpy's, scipy's).

OpenBLAS reads OPENBLAS_NUM_THREADS once, when the library loads (when numpy is imported, usually
before graphflow), so graphflow changes the count through the library's own
`openblas_set_num_threads` (numpy's build prefixes and suffixes the name). Libraries are found in
/proc/self/maps; on a system without it, or a BLAS that is not OpenBLAS, nothing is found and
graphflow leaves the BLAS alone.
"""
from __future__ import annotations

import ctypes
import os
import threading

# OpenBLAS's workers spin (sched_yield in a loop) for 2**THREAD_TIMEOUT cycles after each call
# before they sleep: 2**28 by default, ~0.1 s, which steals a core from whoever else needs it.
# 2**4, the smallest value it accepts, makes them sleep as soon as a call ends.
SHORTEST_TIMEOUT = "4"

# the name of openblas_set_num_threads in OpenBLAS builds: plain, numpy's (scipy-openblas, 64-bit
# integers) and scipy's (32-bit integers)
_PREFIXES = ("", "scipy_")
_SUFFIXES = ("", "64_")
_lock = threading.Lock()
_found: list | None = None
_libs: list = []


def _symbols(lib, stem: str):
    for prefix in _PREFIXES:
        for suffix in _SUFFIXES:
            fn = getattr(lib, f"{prefix}{stem}{suffix}", None)
            if fn is not None:
                return fn
    return None


def libraries() -> list[tuple[str, object, object]]:
    """[(path, set_num_threads, get_num_threads)] for each OpenBLAS mapped into this process."""
    global _found
    with _lock:
        if _found is not None:
            return _found
        paths = []
        try:
            with open("/proc/self/maps") as f:
                for line in f:
                    path = line.rsplit(None, 1)[-1] if "/" in line else ""
                    if "openblas" in os.path.basename(path).lower() and path not in paths:
                        paths.append(path)
        except OSError:
            pass
        found = []
        _libs.clear()
        for path in paths:
            try:
                lib = ctypes.CDLL(path, mode=getattr(os, "RTLD_NOLOAD", 0))
            except OSError:
                continue
            set_fn, get_fn = _symbols(lib, "openblas_set_num_threads"), _symbols(lib, "openblas_get_num_threads")
            if set_fn is not None and get_fn is not None:
                set_fn.argtypes, set_fn.restype = [ctypes.c_int], None
                get_fn.argtypes, get_fn.restype = [], ctypes.c_int
                found.append((path, set_fn, get_fn))
                _libs.append(lib)
        # numpy is imported before this runs, so its BLAS is mapped; a library loaded later (scipy's,
        # on its first import) is found the next time the list is refreshed
        _found = found
        return found


def refresh() -> None:
    """Forget the libraries found so far (a BLAS loaded since is found on the next call)."""
    global _found
    with _lock:
        _found = None


def get_num_threads() -> int | None:
    """The thread count of the first OpenBLAS found, or None when there is none."""
    libs = libraries()
    return int(libs[0][2]()) if libs else None


def set_num_threads(n: int) -> bool:
    """Give every OpenBLAS found `n` threads; False when there is none."""
    libs = libraries()
    for _, set_fn, _ in libs:
        set_fn(int(n))
    return bool(libs)


def stop_spinning() -> bool:
    """Make OpenBLAS's idle workers sleep right after each call instead of spinning for ~0.1 s.

    OpenBLAS reads OPENBLAS_THREAD_TIMEOUT only when its thread server starts, so the variable is
    set, read (`openblas_read_env`) and removed again, and the server is shut down; the next
    threaded call starts it again with the short timeout. Shutting the server down while another
    thread is inside BLAS would free its buffers, so this is done only when no other non-daemon
    Python thread runs (a notebook's daemon threads never call BLAS), and never when the user set
    OPENBLAS_THREAD_TIMEOUT. True if done.
    """
    me = threading.current_thread()
    others = [t for t in threading.enumerate() if t is not me and not t.daemon]
    if "OPENBLAS_THREAD_TIMEOUT" in os.environ or others:
        return False
    libraries()
    done = False
    with _lock:
        for lib in _libs:
            read_env = getattr(lib, "openblas_read_env", None)
            shutdown = getattr(lib, "blas_thread_shutdown_", None)
            if read_env is None or shutdown is None:
                continue
            os.environ["OPENBLAS_THREAD_TIMEOUT"] = SHORTEST_TIMEOUT
            try:
                read_env()
            finally:
                del os.environ["OPENBLAS_THREAD_TIMEOUT"]
            shutdown()
            done = True
    return done
