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
