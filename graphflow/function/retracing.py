"""Warn when a gf.function retraces on most of its calls (TensorFlow's retracing warning)."""
from __future__ import annotations

import logging
import threading
import weakref

_log = logging.getLogger("graphflow")

_WARN_THRESHOLD, _WARN_HISTORY, _WARN_MAX = 5, 10, 2   # TensorFlow's figures


class RetraceDetector:
    """Warns when most of the recent calls of a Python function traced (shared by every
    gf.function made from the same code, so re-creating the function in a loop is caught)."""

    def __init__(self):
        self.calls_per_trace: list[int] = []
        self.call_count = 0
        self.warnings = 0
        self.lock = threading.Lock()

    def traced(self, untraced_calls: int, fn) -> None:
        with self.lock:
            if untraced_calls:
                if not self.calls_per_trace:
                    self.calls_per_trace.append(0)
                self.calls_per_trace[-1] += untraced_calls
                self.call_count += untraced_calls
            self.call_count += 1
            self.calls_per_trace.append(1)
            while self.calls_per_trace and self.call_count - self.calls_per_trace[0] > _WARN_HISTORY:
                self.call_count -= self.calls_per_trace.pop(0)
            if self.warnings >= _WARN_MAX or len(self.calls_per_trace) < _WARN_THRESHOLD:
                return
            self.warnings += 1
        _log.warning(
            "%d out of the last %d calls to %s triggered tf.function retracing. Tracing is expensive and the "
            "excessive number of tracings could be due to (1) creating @tf.function repeatedly in a loop, "
            "(2) passing tensors with different shapes, (3) passing Python objects instead of tensors. For (1), "
            "please define your @tf.function outside of the loop. For (2), @tf.function has "
            "reduce_retracing=True option that can avoid unnecessary retracing. For (3), please refer to "
            "graphflow's docs/function.md (controlling retracing) for more details.",
            len(self.calls_per_trace), self.call_count, fn)


_detectors: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_detectors_lock = threading.Lock()


def detector_for(fn) -> RetraceDetector:
    target = fn
    while hasattr(target, "__wrapped__"):
        target = target.__wrapped__
    target = getattr(target, "__func__", target)
    key = getattr(target, "__code__", target)
    with _detectors_lock:
        try:
            det = _detectors.get(key)
            if det is None:
                det = _detectors[key] = RetraceDetector()
            return det
        except TypeError:          # not weak-referenceable: one detector per gf.function
            return RetraceDetector()
