"""Timing with warm-up, repeats, medians and spread: the only clock the benchmarks use."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class Timing:
    median: float      # seconds per call
    min: float
    max: float
    repeats: int
    first_call: float  # seconds for the very first call (trace/compile included)

    def as_dict(self):
        return {"median_s": self.median, "min_s": self.min, "max_s": self.max, "repeats": self.repeats,
                "first_call_s": self.first_call}


def measure(fn: Callable[[], object], repeat: int = 20, warmup: int = 3, inner: int = 1,
            first_call: float | None = None, max_time: float | None = None) -> Timing:
    """Time `fn()`; `inner` calls per sample for sub-microsecond work.

    `first_call`: the caller already made (and timed) the first call, so it is not repeated.
    `max_time`: stop sampling once this many seconds went by (at least 3 samples are kept), so a
    slow mode (the reference interpreter on a big graph) cannot blow the suite's time budget.
    """
    if first_call is None:
        t0 = time.perf_counter()
        fn()
        first_call = time.perf_counter() - t0
    for _ in range(warmup):
        fn()
    samples = []
    start = time.perf_counter()
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
        if max_time is not None and len(samples) >= 3 and time.perf_counter() - start > max_time:
            break
    return Timing(statistics.median(samples), min(samples), max(samples), len(samples), first_call)
