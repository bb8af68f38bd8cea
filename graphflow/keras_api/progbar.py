"""The Keras-style progress bar:

    12/45 [=======>......................] - ETA: 0s - loss: 0.1234 - accuracy: 0.9000
    45/45 [==============================] - 0s 2ms/step - loss: 0.1021 - accuracy: 0.9312

verbose=2 prints only the final line of each epoch: `45/45 - 0s - loss: ... - 87ms/epoch - 2ms/step`.
On a terminal the bar redraws in place (at most every 50 ms); elsewhere only the final line is printed.
"""
from __future__ import annotations

import os
import sys
import time

import numpy as np


def format_value(v) -> str:
    v = float(np.asarray(v))
    return f"{v:.4f}" if abs(v) > 1e-3 or v == 0 else f"{v:.4e}"


def _format_time(seconds: float) -> str:
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


def _per_unit(seconds: float, unit: str) -> str:
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


class Progbar:
    """A progress bar for `target` steps (None if unknown)."""

    def __init__(self, target, width=30, verbose=1, interval=0.05, unit_name="step", stream=None):
        self.target, self.width, self.verbose, self.interval = target, width, verbose, interval
        self.unit_name = unit_name
        self.stream = stream or sys.stdout
        self.dynamic = (hasattr(self.stream, "isatty") and self.stream.isatty()) or "ipykernel" in sys.modules \
            or os.environ.get("GRAPHFLOW_PROGBAR_DYNAMIC") == "1"
        self.start = time.perf_counter()
        self.last_update = 0.0
        self.seen = 0
        self._last_width = 0
        self._finished = False

    def _values(self, values) -> str:
        if not values:
            return ""
        return "".join(f" - {k}: {format_value(v)}" for k, v in dict(values).items())

    def update(self, current: int, values=None, finalize: bool | None = None) -> None:
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self.seen = current
        if self.verbose == 0 or self._finished:
            return
        now = time.perf_counter()
        elapsed = now - self.start
        if self.verbose == 2:
            if finalize:
                self._finished = True
                per = elapsed / max(current, 1)
                line = f"{current}/{self.target or current} - {_format_time(elapsed)}{self._values(values)}" \
                       f" - {elapsed * 1e3:.0f}ms/epoch - {_per_unit(per, self.unit_name)}"
                self.stream.write(line + "\n")
                self.stream.flush()
            return
        if not finalize and (now - self.last_update < self.interval or not self.dynamic):
            return
        self.last_update = now
        target = self.target
        if target is not None:
            digits = len(str(target))
            bar = f"{current:>{digits}}/{target} ["
            filled = int(self.width * min(current, target) / target) if target else self.width
            if filled > 0:
                bar += "=" * (filled - 1) + (">" if current < target else "=")
            bar += "." * (self.width - filled) + "]"
        else:
            bar = f"{current:7d}/Unknown"
        per = elapsed / max(current, 1)
        if finalize:
            self._finished = True
            info = f" - {_format_time(elapsed)} {_per_unit(per, self.unit_name)}"
        else:
            eta = per * ((target or current) - current)
            info = f" - ETA: {_format_time(eta)}"
        line = bar + info + self._values(values)
        if self.dynamic:
            pad = max(self._last_width - len(line), 0)
            self.stream.write("\r" + line + " " * pad)
            self._last_width = len(line)
            if finalize:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def add(self, n: int, values=None) -> None:
        self.update(self.seen + n, values)
