"""Whether other threads are competing for this machine's cores right now.

Splitting a product into one-thread blocks that the caller and a pool claim dynamically
(kernels/gemm_pool.py) keeps it fast when another process holds a core: OpenBLAS's static split
waits for its descheduled thread. On idle cores the blocks cost instead: each one packs its
operand panels again, and W4's compiled step took 22.4 ms in blocks against 16.7 ms as one
OpenBLAS call on the quiet 2-core machine (benchmarks/RESULTS.md). So the split is only worth it
while the machine is busy, which this module tells.

Linux's /proc/loadavg gives the number of threads runnable at this instant (its fourth field,
"running/total"); those of this process (the caller, and pool or OpenMP workers still
running) are not competition and are taken off. Sampled at most every SAMPLE_SECONDS and
smoothed over the last few samples, the machine counts as busy when on average more than
BUSY_OTHERS other threads were runnable: one busy process on the cores is enough, since it is
what stalls a static two-thread split. Where the file does not exist (not Linux) the machine
always counts as busy, the choice that is never slow under contention. `runnable_others` gives
the count itself, so a product can run on the cores the others leave.
"""
from __future__ import annotations

import os
import threading
import time

SAMPLE_SECONDS = 0.05
SMOOTHING = 0.3          # weight of the newest sample in the running average
BUSY_OTHERS = 0.5
_PATH = "/proc/loadavg"
_TASKS = "/proc/self/task"

_lock = threading.Lock()
_state = {"at": -1.0, "others": None}


def _own_runnable() -> int:
    """This process's threads runnable right now (the caller at least): /proc/self/task/*/stat's
    state field. Without it our own pool and OpenMP workers, still finishing or spinning when the
    caller samples, counted as other processes: on the quiet 2-core machine W7's step then ran on
    one thread in some processes (13-14 ms per step against 8.7-10.8)."""
    n = 0
    try:
        tids = os.listdir(_TASKS)
    except OSError:
        return 1
    for tid in tids:
        try:
            with open(f"{_TASKS}/{tid}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        end = stat.rfind(b")")           # the state follows the command name, which may hold spaces
        n += stat[end + 2:end + 3] == b"R"
    return max(n, 1)


def _runnable_others() -> float | None:
    """Threads of other processes runnable right now, or None where Linux's count is missing."""
    try:
        before = _own_runnable()      # our workers change state fast: one that ran while the
        with open(_PATH, "rb") as f:  # kernel counted is caught by one of the two looks
            fields = f.read().split()
        return max(0, int(fields[3].split(b"/")[0]) - max(before, _own_runnable()))
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
