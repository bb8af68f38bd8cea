"""Progress of a benchmark run (which workload, which mode), shown on stderr by the CLI.

Workload modules call `step("W1 eager")` before each mode; the runner decides where it goes
(a one-line display on stderr, nothing with --quiet). Without a listener a step costs nothing.
"""
from __future__ import annotations

import contextlib
import sys
import time
from typing import Callable, Iterator, TextIO

_listeners: list[Callable[[str], None]] = []


def step(message: str) -> None:
    """Announce what is about to run."""
    for listener in _listeners:
        listener(message)


def fraction(done: float) -> None:
    """How far the current workload's timing has come (0..1), for the ETA."""
    for listener in _listeners:
        tell = getattr(listener, "fraction", None)
        if tell is not None:
            tell(done)


@contextlib.contextmanager
def listening(listener: Callable[[str], None] | None) -> Iterator[None]:
    """Send `step` messages to `listener` inside the block."""
    if listener is None:
        yield
        return
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


# Rough seconds of each workload in the default suite, so the ETA weighs W5's epochs above W2's
# microseconds; a workload not listed counts as DEFAULT_SECONDS. --full takes about FULL_FACTOR times
# longer, and every peer adds about PEER_SHARE of graphflow's time.
EXPECTED_SECONDS = {"W1": 10, "W2": 8, "W3": 12, "W4": 15, "W5": 30, "W6": 20, "W9": 10}
DEFAULT_SECONDS = 15
FULL_FACTOR = 4
PEER_SHARE = 0.5


class SuiteProgress:
    """Turns step messages into "[k of n] message, ETA m:ss" for a listener (the stderr line)."""

    def __init__(self, listener: Callable[[str], None], workloads: list[str], quick: bool = True, peers: int = 0,
                 clock: Callable[[], float] = time.perf_counter):
        scale = (1 if quick else FULL_FACTOR) * (1 + PEER_SHARE * peers)
        self.weights = [EXPECTED_SECONDS.get(w, DEFAULT_SECONDS) * scale for w in workloads]
        self.listener, self.clock = listener, clock
        self.start = clock()
        self.k = 0
        self.within = 0.0

    def start_workload(self, k: int) -> None:
        self.k, self.within = k, 0.0

    def fraction(self, done: float) -> None:
        self.within = min(max(done, 0.0), 1.0)

    def eta(self) -> float:
        """Seconds left: the expected time of what remains, scaled by how fast the run has gone so far."""
        done = sum(self.weights[:self.k]) + self.weights[self.k] * self.within if self.weights else 0.0
        left = sum(self.weights) - done
        elapsed = self.clock() - self.start
        if done <= 0 or elapsed < 5:      # nothing measured yet: the estimate, less the time gone
            return max(0.0, left - elapsed)
        return max(0.0, left * elapsed / done)

    def __call__(self, message: str) -> None:
        n = len(self.weights)
        self.listener(f"[{min(self.k + 1, n)} of {n}] {message} (ETA {_clock(self.eta())})")


def _clock(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


class StderrProgress:
    """One status line, rewritten in place on a terminal, one line per step otherwise."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.perf_counter()
        self._width = 0

    def __call__(self, message: str) -> None:
        text = f"[{time.perf_counter() - self.start:6.1f}s] {message}"
        if self.tty:
            pad = max(0, self._width - len(text))
            self.stream.write("\r" + text + " " * pad)
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
