"""Timing with warm-up, repeats, medians and spread: the only clock the benchmarks use (its loop,
timed_samples, lives in peers/peer_common.py so that the peers' processes time the same way)."""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Callable

from .peers.peer_common import timed_samples


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
    samples, first_call = timed_samples(fn, repeat, warmup, inner, first_call, max_time)
    return Timing(statistics.median(samples), min(samples), max(samples), len(samples), first_call)
