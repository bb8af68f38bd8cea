"""Timing in rounds: each round times every mode once (and every peer's modes, through a partner),
so a change of load during a workload hits graphflow and the peers alike.

`run_modes` prepares its modes (first call, agreement, warm-up), asks the partners installed by
the runner (`interleaved`) to prepare the same case, then calls `run_rounds`. A partner is any
object with `round() -> int` (take one sample of each of its still-active modes; return how many
are still active) and `finish()` (collect its rows); `peer_runner.PeerCase` is the real one.
"""
from __future__ import annotations

import contextlib
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol

from . import progress
from .machine import load_average
from .peers.peer_common import timed_round

MIN_SAMPLES = 3     # a mode stops early (max_time) only once it has this many samples


@dataclass
class Sampler:
    """One mode timed in rounds: per round one untimed call (caches and thread pools back to this
    mode's state after the other modes ran) and then `inner` timed calls."""
    fn: Callable[[], object]
    repeat: int = 20
    inner: int = 1
    max_time: float | None = None    # stop after this many seconds of sampling (with MIN_SAMPLES)
    samples: list[float] = field(default_factory=list)
    spent: float = 0.0
    error: BaseException | None = None    # what the mode raised while being timed

    @property
    def active(self) -> bool:
        if self.error is not None or len(self.samples) >= max(1, self.repeat):
            return False
        return not (self.max_time is not None and len(self.samples) >= MIN_SAMPLES and self.spent > self.max_time)

    def sample(self) -> None:
        try:
            per_call, spent = timed_round(self.fn, self.inner)
        except Exception as e:   # a mode failing late must not take the others' figures with it
            self.error = e
            return
        self.samples.append(per_call)
        self.spent += spent

    def stats(self) -> tuple[float, float, float, int]:
        """(median, min, max, repeats) of the samples."""
        return statistics.median(self.samples), min(self.samples), max(self.samples), len(self.samples)


class Partner(Protocol):
    def round(self) -> int: ...

    def finish(self) -> None: ...


@dataclass
class RoundLog:
    rounds: int = 0
    load: float | None = None     # the highest 1-minute load average seen while the rounds ran


def run_rounds(samplers: list[Sampler], partners: list[Partner] = (), label: str = "") -> RoundLog:
    """Round after round, every active sampler and every active partner once, until none is active."""
    log = RoundLog(load=load_average())
    live = list(partners)
    total = max([s.repeat for s in samplers] + [1])
    shown = 0.0
    while any(s.active for s in samplers) or live:
        log.rounds += 1
        progress.fraction(log.rounds / total)
        if time.perf_counter() - shown > 1.0:    # a line a second is enough on a log file
            shown = time.perf_counter()
            progress.step(f"{label + ': ' if label else ''}round {log.rounds} of {total}")
        for s in samplers:
            if s.active:
                s.sample()
        live = [p for p in live if p.round() > 0]
        if log.rounds % 8 == 0:
            log.load = _max(log.load, load_average())
    log.load = _max(log.load, load_average())
    for p in partners:
        p.finish()
    return log


def _max(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


# ---- partners: installed by the runner for the duration of one workload ----------------------------
_partner_factories: list[Callable[[str, str], list[Partner]]] = []


@contextlib.contextmanager
def interleaved(factory: Callable[[str, str], list[Partner]]) -> Iterator[None]:
    """Inside the block, `partners_for(workload, case)` asks `factory` for the partners of a case."""
    _partner_factories.append(factory)
    try:
        yield
    finally:
        _partner_factories.remove(factory)


def partners_for(workload: str, case: str) -> list[Partner]:
    """The partners (prepared peers) to time alongside graphflow's modes of this case."""
    return [p for factory in _partner_factories for p in factory(workload, case)]
