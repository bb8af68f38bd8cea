"""Timing with warm-up, repeats, medians and spread: the only clock the benchmarks use."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass


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


def measure(fn, repeat: int = 20, warmup: int = 3, inner: int = 1) -> Timing:
    """Time `fn()`; `inner` calls per sample for sub-microsecond work."""
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
    return Timing(statistics.median(samples), min(samples), max(samples), repeat, first)
