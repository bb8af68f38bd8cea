"""gf.summary (TF2): file writers, the default-writer stack, the step, record_if and the summary
functions. Each summary is one WriteSummary op (graphflow/ops/summary.py): run now in eager code,
added to the graph in a gf.function, where it writes whenever the step runs."""
from __future__ import annotations

import contextlib
import os
import threading
from typing import Callable, Optional

from .. import context as ctx_mod
from .. import dtypes
from ..ops import dispatch, registry
from ..ops.api import cast, constant
from ..ops.convert import convert_to_tensor
from . import encode
from .event_writer import EventWriter


class _State(threading.local):
    def __init__(self):
        self.writers: list = []           # the `as_default` stack; the last is the default writer
        self.record_if: list = []         # conditions: bool, tensor or callable
        self.step = None                  # int, tensor or Variable (experimental.set_step)


_state = _State()


class _Sink:
    """What a WriteSummary op calls: encode the value under `tag` and queue it on the writer."""

    __slots__ = ("writer", "tag", "encoder", "params")

    def __init__(self, writer, tag, encoder, params):
        self.writer, self.tag, self.encoder, self.params = writer, tag, encoder, params

    def __call__(self, step, value):
        self.writer._events().add_summary(self.encoder(self.tag, value, *self.params), step)

    def __repr__(self):
        return f"summary {self.tag!r} -> {self.writer.logdir}"


class SummaryWriter:
    """Writes summaries to one event file in `logdir` (tf.summary.SummaryWriter). The file opens
    at the first write, so a writer that never records leaves no file."""

    def __init__(self, logdir: str, max_queue: int = 10, flush_millis: int = 120_000, filename_suffix: str = ".v2"):
        self.logdir = os.fspath(logdir)
        self._options = dict(max_queue=max_queue, flush_secs=flush_millis / 1000.0, filename_suffix=filename_suffix)
        self._writer: Optional[EventWriter] = None
        self._sinks: dict = {}
        self._lock = threading.Lock()
        self._closed = False

    def _events(self) -> EventWriter:
        if self._writer is None:
            with self._lock:
                if self._closed:
                    raise RuntimeError(f"the summary writer for {self.logdir!r} is closed")
                if self._writer is None:
                    self._writer = EventWriter(self.logdir, **self._options)
        return self._writer

    def init(self):
        self._events()

    def sink(self, tag, encoder, params) -> _Sink:
        key = (tag, encoder, params)
        sink = self._sinks.get(key)
        if sink is None:
            sink = self._sinks[key] = _Sink(self, tag, encoder, params)
        return sink

    @contextlib.contextmanager
    def as_default(self, step=None):
        """Make this the default writer (and `step` the default step) inside the block."""
        _state.writers.append(self)
        old_step = _state.step
        if step is not None:
            _state.step = step
        try:
            yield self
        finally:
            _state.writers.pop()
            if step is not None:
                _state.step = old_step
            self.flush()

    def set_as_default(self, step=None):
        _state.writers.append(self)
        if step is not None:
            _state.step = step

    def add_graph_def(self, graph_def, step=None):
        self._events().add_graph_def(graph_def, step)

    def flush(self):
        if self._writer is not None:
            self._writer.flush()

    def close(self):
        with self._lock:
            self._closed = True
            if self._writer is not None:
                self._writer.close()

    def __repr__(self):
        return f"<SummaryWriter logdir={self.logdir!r}>"


class _NoopWriter(SummaryWriter):
    """tf.summary.create_noop_writer: a default writer that records nothing."""

    def __init__(self):
        super().__init__("")

    def _events(self):
        raise RuntimeError("the no-op summary writer has no file")

    def flush(self):
        pass


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None, name=None,
                       experimental_trackable=False, experimental_mesh=None) -> SummaryWriter:
    """A SummaryWriter for `logdir` (queue of 10 events, flushed every 2 minutes by default)."""
    if logdir is None:
        raise ValueError("create_file_writer: logdir cannot be None")
    return SummaryWriter(logdir, 10 if max_queue is None else max_queue,
                         120_000 if flush_millis is None else flush_millis,
                         ".v2" if filename_suffix is None else filename_suffix)


def create_noop_writer() -> SummaryWriter:
    return _NoopWriter()


def flush(writer=None, name=None):
    writer = writer or (_state.writers[-1] if _state.writers else None)
    if writer is not None:
        writer.flush()


# ---- the step and record_if --------------------------------------------------------------------------

def get_step():
    return _state.step


def set_step(step):
    _state.step = step


@contextlib.contextmanager
def record_if(condition):
    """Record summaries inside the block only when `condition` holds (bool, bool tensor or callable)."""
    _state.record_if.append(condition)
    try:
        yield
    finally:
        _state.record_if.pop()


def should_record_summaries():
    """True when there is a default writer and every record_if condition holds (a tensor when one is)."""
    writer = _state.writers[-1] if _state.writers else None
    if writer is None or isinstance(writer, _NoopWriter):
        return False
    result = True
    for condition in _state.record_if:
        value = condition() if callable(condition) else condition
        if isinstance(value, (bool, int)) or type(value).__name__ == "bool_":
            if not value:
                return False
            continue
        value = convert_to_tensor(value)
        result = value if result is True else _and(result, value)
    return result


def _and(a, b):
    from ..ops.api import logical_and
    return logical_and(a, b)


# ---- writing -----------------------------------------------------------------------------------------

def _tag(name: str) -> str:
    if ctx_mod.executing_eagerly():
        scope = ctx_mod.context().eager_name_scope.rstrip("/")
    else:
        scope = ctx_mod.current_graph().get_name_scope()
    return f"{scope}/{name}" if scope else name


def _step_tensor(step):
    step = _state.step if step is None else step
    if step is None:
        raise ValueError("No step set. Please specify one either through the `step` argument or through "
                         "gf.summary.experimental.set_step()")
    t = convert_to_tensor(step)
    if not t.dtype.is_integer:
        raise TypeError(f"the summary step must be an integer, got {t.dtype.name}")
    return t if t.dtype is dtypes.int64 else cast(t, dtypes.int64)


def write(tag: str, value, encoder: Callable, params: tuple, step=None):
    """Queue `encoder(tag, value, *params)` at `step` on the default writer when recording;
    returns a bool tensor saying whether it was written (False without a default writer)."""
    condition = should_record_summaries()
    if condition is False:
        return constant(False)
    writer = _state.writers[-1]
    step_t = _step_tensor(step)
    condition_t = convert_to_tensor(condition) if condition is not True else constant(True)
    sink = writer.sink(_tag(tag), encoder, params)
    return dispatch.apply(registry.get("WriteSummary"), (condition_t, step_t, convert_to_tensor(value)),
                          {"sink": sink}, "write_summary")


def scalar(name, data, step=None, description=None):
    """Write a scalar summary (TensorBoard's Scalars tab)."""
    return write(name, data, encode.scalar_v2, (description,), step)


def histogram(name, data, step=None, buckets=None, description=None):
    """Write a histogram of `data` in `buckets` equal-width buckets (default 30), as TF2 does."""
    return write(name, data, encode.histogram_v2, (buckets, description), step)


def image(name, data, step=None, max_outputs=3, description=None):
    """Write up to `max_outputs` images from a [k, height, width, channels] tensor."""
    return write(name, data, encode.image_v2, (max_outputs, description), step)


def text(name, data, step=None, description=None):
    """Write a string (or strings) for TensorBoard's Text tab."""
    import numpy as np

    from ..eager.tensor import EagerTensor
    value = data if isinstance(data, EagerTensor) or hasattr(data, "op") else EagerTensor(np.array(data, dtype=object))
    return write(name, value, encode.text_v2, (description,), step)
