"""gf.profiler.experimental: start/stop a profiling session, name regions with Trace (TensorFlow's
tf.profiler.experimental API). One session at a time per process.

    gf.profiler.experimental.start("logdir")
    with gf.profiler.experimental.Trace("train", step_num=step):
        train_step(x, y)
    gf.profiler.experimental.stop()      # writes logdir/plugins/profile/<run>/<host>.trace.json
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Optional

from ..errors import AlreadyExistsError, UnavailableError
from . import hooks
from .recorder import TRACE, Recorder

_lock = threading.Lock()
_session: list = [None]      # (Recorder, undo) while profiling


@dataclass
class ProfilerOptions:
    """Accepted as in TensorFlow; graphflow records host (CPU) events at one level of detail."""
    host_tracer_level: int = 2
    python_tracer_level: int = 0
    device_tracer_level: int = 1
    delay_ms: Optional[int] = None


def start(logdir: str, options: Optional[ProfilerOptions] = None) -> None:
    """Start recording every eager op, interpreted graph op and compiled kernel until `stop()`.

    Plans compiled before `start` record one event per call; plans compiled while profiling also
    record each kernel. Raises AlreadyExistsError when a session is running.
    """
    with _lock:
        if _session[0] is not None:
            raise AlreadyExistsError(None, None, "Another profiler is running.")
        rec = Recorder(str(logdir))
        _session[0] = (rec, hooks.install(rec))


def stop(save: bool = True) -> Optional[str]:
    """Stop the session and write its trace (unless `save=False`); returns the trace file's path.

    Raises UnavailableError when no session is running.
    """
    with _lock:
        if _session[0] is None:
            raise UnavailableError(None, None, "Cannot export profiling results. No profiler is running.")
        rec, undo = _session[0]
        _session[0] = None
        undo()
        rec.stop_ns = time.perf_counter_ns()
    return rec.save() if save else None


def recording() -> bool:
    return _session[0] is not None


class Trace:
    """A named region in the trace (`with Trace("train", step_num=3):`); keyword arguments become the
    event's args. Costs one check when no session runs."""

    def __init__(self, name: str, **kwargs):
        self.name, self.args = name, kwargs

    def __enter__(self):
        self._t0 = time.perf_counter_ns()
        return self

    def __exit__(self, *exc):
        session = _session[0]
        if session is not None:
            session[0].add(self.name, TRACE, self._t0, time.perf_counter_ns(), self.args or None)
        return False


class Profile:
    """`with Profile(logdir):` is start(logdir) ... stop()."""

    def __init__(self, logdir: str, options: Optional[ProfilerOptions] = None):
        self.logdir, self.options = logdir, options

    def __enter__(self):
        start(self.logdir, self.options)
        return self

    def __exit__(self, *exc):
        stop()
        return False
