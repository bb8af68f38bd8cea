"""The Keras 3 progress bar:

    12/45 ━━━━━╺━━━━━━━━━━━━━━ 3s 81ms/step - loss: 0.1234 - accuracy: 0.9000     (running: ETA)
    45/45 ━━━━━━━━━━━━━━━━━━━━ 4s 80ms/step - loss: 0.1021 - accuracy: 0.9312     (done: total time)

The step count is bold and the bar green (done) and grey (to do) on a terminal, where the line
redraws in place (at most every 50 ms); elsewhere (a log file, a pipe) only the final line of each
bar is written, without colour. verbose=2 writes one line per bar when it is done:
`45/45 - 4s - 80ms/step - loss: 0.1021`. After keras.config.disable_interactive_logging() the
lines go to the `graphflow.keras` logger (INFO) instead, never redrawn. As in Keras, values shown
while running are averaged over the steps so far and the final line shows the values given at the
end; the first step (tracing and compiling) is left out of the time per step once later steps have run.
"""
from __future__ import annotations

import os
import sys
import time

import numpy as np

from . import config

BOLD, GREEN, GREY, RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


def format_value(v) -> str:
    v = float(np.mean(np.asarray(v)))
    return f"{v:.4f}" if abs(v) > 1e-3 else f"{v:.4e}"


def format_duration(seconds: float) -> str:
    if seconds > 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds > 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


def per_unit(seconds: float, unit: str) -> str:
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


class Progbar:
    """A progress bar for `target` steps (None if unknown).

    `stateful_metrics`: names whose latest value is shown as is (the others are averaged over the
    steps while the bar runs)."""

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None, unit_name="step",
                 stream=None):
        self.target, self.width, self.verbose, self.interval = target, width, verbose, interval
        self.unit_name = unit_name
        self.stateful = set(stateful_metrics or ())
        self.stream = stream or sys.stdout
        self.dynamic = config.is_interactive_logging_enabled() and (
            (hasattr(self.stream, "isatty") and self.stream.isatty()) or "ipykernel" in sys.modules
            or os.environ.get("GRAPHFLOW_PROGBAR_DYNAMIC") == "1")
        self.start = time.perf_counter()
        self.after_first_step = None
        self.last_update = 0.0
        self.seen = 0
        self._values: dict = {}
        self._last_width = 0
        self._finished = False

    # ---- bookkeeping ---------------------------------------------------------------------------------------
    def _record(self, current, values, finalize):
        for k, v in (values.items() if isinstance(values, dict) else values or []):
            if k in self.stateful or finalize:
                self._values[k] = [v, 1]
            else:
                weight = max(current - self.seen, 1)
                total, count = self._values.get(k, [0.0, 0])
                self._values[k] = [total + float(np.mean(np.asarray(v))) * weight, count + weight]

    def _step_time(self, current, now) -> float:
        if current == 0:
            return 0.0
        if current == 1 or self.after_first_step is None:
            if current == 1:
                self.after_first_step = now
            return (now - self.start) / current
        return (now - self.after_first_step) / (current - 1)

    def _metrics(self) -> str:
        return "".join(f" - {k}: {format_value(total / max(count, 1))}" for k, (total, count) in self._values.items())

    def _count(self, current) -> str:
        digits = len(str(self.target))
        return f"{current:>{digits}}/{self.target}"

    # ---- drawing -------------------------------------------------------------------------------------------
    def update(self, current: int, values=None, finalize: bool | None = None) -> None:
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        if self._finished:
            return
        now = time.perf_counter()
        step_time = self._step_time(current, now) if current > self.seen else self._step_time(self.seen, now)
        self._record(current, values, finalize)
        self.seen = current
        if self.verbose == 2:
            if finalize:
                self._finished = True
                count = self._count(current) if self.target else f"{current}"
                self._write(f"{count} - {now - self.start:.0f}s - {per_unit(step_time, self.unit_name)}"
                            f"{self._metrics()}\n")
            return
        if self.verbose != 1:
            return
        if not finalize and (now - self.last_update < self.interval or not self.dynamic):
            return
        self.last_update = now
        self._draw(current, now, step_time, finalize)

    def _draw(self, current, now, step_time, finalize, note=None):
        colour = self.dynamic
        if self.target:
            done = int(self.width * min(current, self.target) / self.target)
            bar_plain = "━" * self.width
            count = self._count(current)
            green = f"{GREEN}{'━' * done}{RESET}" if done else ""
            grey = f"{GREY}{'━' * (self.width - done)}{RESET}" if done < self.width else ""
            bar = f"{BOLD}{count}{RESET} {green}{grey}" if colour else f"{count} {bar_plain}"
            plain_len = len(count) + 1 + self.width
        else:
            bar = plain = f"{current:7d}/Unknown"
            plain_len = len(plain)
        if note is not None:
            info = f" {note}"
        else:
            shown = now - self.start if finalize or not self.target else step_time * (self.target - current)
            clock = format_duration(shown)
            info = f" {BOLD}{clock}{RESET}" if colour else f" {clock}"
            info += f" {per_unit(step_time, self.unit_name)}{self._metrics()}"
        width = plain_len + len(info) - (len(BOLD) + len(RESET) if colour and note is None else 0)
        line = bar + info
        if self.dynamic:
            line = "\r" + line + " " * max(self._last_width - width, 0)
            self._last_width = width
            if finalize:
                line += "\n"
        else:
            line += "\n"
        if finalize:
            self._finished = True
        self._write(line)

    def note(self, text: str) -> None:
        """Say what is happening before the first step (e.g. compiling), on a terminal only."""
        if self.verbose == 1 and self.dynamic and not self._finished:
            self._draw(self.seen, time.perf_counter(), 0.0, False, note=text)

    def _write(self, text):
        if not config.is_interactive_logging_enabled():
            config.logger.info(text.strip("\r\n"))
            return
        self.stream.write(text)
        self.stream.flush()

    def add(self, n: int, values=None) -> None:
        self.update(self.seen + n, values)
