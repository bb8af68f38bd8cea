"""gf.config.threading: how many threads graphflow's kernels use and how idle threads wait.

Two thread pools run graphflow's kernels: numba's parallel loops (generated elementwise kernels
above a size threshold, kernels/lower.py) and OpenBLAS (matmul, conv). Left to themselves both use
a thread per core and spin while they wait for work: fast on idle cores, and a collapse (10x and
more) as soon as another process wants a core (benchmarks/threads_contention.py, docs/bench.md).
graphflow therefore sets them up itself, once, when it first runs a kernel (`start`), not at
import: `import graphflow` loads neither numba nor the threading layer.

- numba's thread count and OpenBLAS's are the intra-op count (0: numba's and OpenBLAS's own,
  one per usable core); a count set before numba loads becomes NUMBA_NUM_THREADS (numba re-reads
  it, so it stays set);
- while other processes compete for the cores (cpu_load.py), a parallel loop runs on the threads
  they leave, numba's count set per call (kernels/loop_threads.py), as products do (gemm_pool.py);
- OpenBLAS's idle workers sleep right after each call instead of spinning for ~0.1 s
  (blas_threads.stop_spinning: its thread timeout set to the minimum);
- numba's OpenMP workers wait passively: OMP_WAIT_POLICY=PASSIVE is set only while the threading
  layer loads (libgomp reads its environment once, then) and removed again, so child processes
  do not inherit it; a policy the user set (OMP_WAIT_POLICY, GOMP_SPINCOUNT) is kept;
- GRAPHFLOW_THREADING=off leaves numba and OpenBLAS exactly as they set themselves up;
- glibc's malloc keeps freed big buffers for the next op instead of unmapping them
  (host_memory.py; GRAPHFLOW_MALLOC=default leaves it alone).

As in TensorFlow, the counts can be set until the runtime starts and not after (RuntimeError),
except to the value they already have.
"""
from __future__ import annotations

import os
import sys
import threading

from . import blas_threads, host_memory

_lock = threading.RLock()
_settings = {"intra_op": 0, "inter_op": 0}
_state = {"started": False, "parallel_started": False, "wait_policy": None, "blas_sleeps": False}
WAIT_POLICY_VARS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")


def _check_count(name: str, num_threads) -> int:
    if isinstance(num_threads, bool) or not hasattr(num_threads, "__index__"):
        raise TypeError(f"set_{name}_parallelism_threads: expected an int, got {num_threads!r} "
                        f"({type(num_threads).__name__})")
    return int(num_threads)


def _set(name: str, num_threads) -> None:
    n = _check_count(name, num_threads)
    with _lock:
        if n == _settings[name]:
            return
        if _state["started"]:
            label = "Intra" if name == "intra_op" else "Inter"
            raise RuntimeError(f"{label} op parallelism cannot be modified after initialization.")
        _settings[name] = n


def set_intra_op_parallelism_threads(num_threads: int) -> None:
    """Set the threads one op may use (numba's parallel loops, OpenBLAS).

    Args:
      num_threads: 0 lets graphflow pick (one per usable core); must be 0 or more.

    Raises:
      TypeError: `num_threads` is not an int.
      ValueError: it is negative.
      RuntimeError: graphflow has already run a kernel with another value.
    """
    if _check_count("intra_op", num_threads) < 0:
        raise ValueError(f"set_intra_op_parallelism_threads: expected 0 (the system picks) or a positive "
                         f"number of threads, got {num_threads}")
    _set("intra_op", num_threads)


def get_intra_op_parallelism_threads() -> int:
    """The intra-op thread count that was set; 0 means the system picks."""
    return _settings["intra_op"]


def set_inter_op_parallelism_threads(num_threads: int) -> None:
    """Set the threads that may run independent ops at once.

    graphflow runs a program's ops one after another in the caller's thread (TensorFlow's
    behaviour for a negative count), so the value is validated and kept, and changes nothing.

    Raises:
      TypeError: `num_threads` is not an int.
      RuntimeError: graphflow has already run a kernel with another value.
    """
    _set("inter_op", num_threads)


def get_inter_op_parallelism_threads() -> int:
    """The inter-op thread count that was set; 0 means the system picks."""
    return _settings["inter_op"]


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def intra_op_threads() -> int:
    """The thread count graphflow's kernels use: the setting, else one per usable core."""
    return _settings["intra_op"] or usable_cores()


def _disabled() -> bool:
    return os.environ.get("GRAPHFLOW_THREADING", "").strip().lower() in ("off", "0", "false")


def enabled() -> bool:
    """False under GRAPHFLOW_THREADING=off: numba and OpenBLAS run as they set themselves up."""
    return not _disabled()


def started() -> bool:
    return _state["started"]


def start() -> None:
    """Set up the thread pools for the kernels this process runs (idempotent; kernels/ calls it
    before it loads numba or runs its first kernel)."""
    if _state["started"]:
        return
    with _lock:
        if not _state["started"]:
            host_memory.keep_freed_memory()
        if _state["started"] or _disabled():
            _state["started"] = True
            return
        n = intra_op_threads()
        if _settings["intra_op"] and "numba" not in sys.modules and "NUMBA_NUM_THREADS" not in os.environ:
            # numba launches this many threads, for every Python thread; it re-reads the variable
            # whenever it reloads its config, so the variable stays (child processes inherit it)
            os.environ["NUMBA_NUM_THREADS"] = str(n)
        _state["blas_sleeps"] = blas_threads.stop_spinning()
        if _settings["intra_op"]:
            blas_threads.set_num_threads(n)    # else OpenBLAS keeps its own count (OPENBLAS_NUM_THREADS or cores)
        _state["started"] = True


def start_parallel_loops() -> None:
    """Launch numba's threading layer with passive waiting (kernels/ calls it before it builds a
    parallel kernel). Idempotent; a threading layer already launched is kept as it is."""
    if _state["parallel_started"]:
        return
    start()
    with _lock:
        if _state["parallel_started"]:
            return
        import numba
        from numba.np.ufunc import parallel
        user_policy = any(v in os.environ for v in WAIT_POLICY_VARS)
        passive = not _disabled() and not parallel._is_initialized and not user_policy
        if passive:
            os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
        if _state["wait_policy"] is None:
            _state["wait_policy"] = ("passive" if passive else "the user's" if any(v in os.environ for v in
                                     WAIT_POLICY_VARS) else "numba's default")
        try:
            launched = numba.get_num_threads()       # loads the threading layer: libgomp reads its environment
        finally:
            if passive:
                del os.environ["OMP_WAIT_POLICY"]
        want = min(intra_op_threads(), numba.config.NUMBA_NUM_THREADS)
        if not _disabled() and launched != want:
            numba.set_num_threads(want)              # numba was loaded before graphflow set it up: this thread
        _state["parallel_started"] = True


def describe() -> dict:
    """What the pools look like now: for the bench's machine line and for debugging."""
    numba = sys.modules.get("numba")
    info = {"intra_op": _settings["intra_op"], "inter_op": _settings["inter_op"], "started": _state["started"],
            "blas_threads": blas_threads.get_num_threads() if _state["started"] else None,
            "blas_idle": "sleeps" if _state["blas_sleeps"] else "OpenBLAS's default",
            "numba_threads": None, "threading_layer": None, "wait_policy": None, "malloc": host_memory.describe()}
    if numba is not None and _state["parallel_started"]:
        info["numba_threads"] = numba.get_num_threads()
        try:
            info["threading_layer"] = numba.threading_layer()
        except ValueError:
            pass
        info["wait_policy"] = _state["wait_policy"]
    return info


def reset() -> None:
    """Back to the default settings, as if no kernel had run yet, so the counts can be set again;
    the next kernel applies them (tests use it)."""
    with _lock:
        _settings.update(intra_op=0, inter_op=0)
        _state.update(started=False, parallel_started=False)


def apply_session_config(config) -> None:
    """A TF1 Session's ConfigProto: its thread counts apply if no kernel has run yet. Once the
    pools exist they stay, as TensorFlow's process-wide pools do, whatever a later Session asks."""
    with _lock:
        if _state["started"]:
            return
        for name in ("intra_op", "inter_op"):
            n = getattr(config, f"{name}_parallelism_threads", 0)
            if n:
                _check_count(name, n)
                if name == "intra_op" and n < 0:
                    continue             # TensorFlow's proto allows it; graphflow's kernels need one thread
                _settings[name] = int(n)
