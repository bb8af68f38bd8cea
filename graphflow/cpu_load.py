"""Whether other threads are competing for this machine's cores right now.

Splitting a product into one-thread blocks that the caller and a pool claim dynamically
(kernels/gemm_pool.py) keeps it fast when another process holds a core: OpenBLAS's static split
waits for its descheduled thread. On idle cores the blocks cost instead: each one packs its
operand panels again, and W4's compiled step took 22.4 ms in blocks against 16.7 ms as one
OpenBLAS call on the quiet 2-core machine (benchmarks/RESULTS.md). So the split is only worth it
while the machine is busy, which this module tells.

Linux's /proc/loadavg gives the number of threads runnable at this instant (its fourth field,
"running/total"); one of them is the thread asking. Sampled at most every SAMPLE_SECONDS and
smoothed over the last few samples, the machine counts as busy when on average more than
BUSY_OTHERS other threads were runnable: one busy process on the cores is enough, since it is
what stalls a static two-thread split. Where the file does not exist (not Linux) the machine
always counts as busy, the choice that is never slow under contention. `runnable_others` gives
the count itself, so a product can run on the cores the others leave.
"""
from __future__ import annotations

import threading
import time

SAMPLE_SECONDS = 0.05
SMOOTHING = 0.3          # weight of the newest sample in the running average
BUSY_OTHERS = 0.5
_PATH = "/proc/loadavg"

_lock = threading.Lock()
_state = {"at": -1.0, "others": None}


def _runnable_others() -> float | None:
    """Threads runnable right now besides the caller, or None where Linux's count is missing."""
    try:
        with open(_PATH, "rb") as f:
            fields = f.read().split()
        return max(0, int(fields[3].split(b"/")[0]) - 1)
    except (OSError, IndexError, ValueError):
        return None


def busy() -> bool:
    """True while other runnable threads compete for the cores (see the module docstring)."""
    others = runnable_others()
    return others is None or others > BUSY_OTHERS


def runnable_others() -> float | None:
    """The smoothed number of other runnable threads, or None where Linux's count is missing."""
    now = time.monotonic()
    if now - _state["at"] >= SAMPLE_SECONDS:
        with _lock:
            if now - _state["at"] >= SAMPLE_SECONDS:
                sample = _runnable_others()
                before = _state["others"]
                _state["others"] = (None if sample is None else float(sample) if before is None
                                    else before + SMOOTHING * (sample - before))
                _state["at"] = now
    return _state["others"]
