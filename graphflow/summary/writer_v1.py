"""gf.compat.v1.summary (TF1): summary ops that return serialized Summary protos (string tensors),
merge/merge_all, and FileWriter, which writes what `sess.run(merged)` returned and the graph."""
from __future__ import annotations

import os

import numpy as np

from .. import context as ctx_mod
from ..ops import dispatch, registry
from ..ops.convert import convert_to_tensor
from . import encode
from .event_writer import EventWriter
from .graph_def import graph_def

SUMMARIES = "summaries"          # the graph collection TF1's summary ops join (tf.GraphKeys.SUMMARIES)


class _Encoder:
    """The `encode` attr of an EncodeSummary op: value -> serialized Summary."""

    __slots__ = ("tag", "fn", "params")

    def __init__(self, tag, fn, params=()):
        self.tag, self.fn, self.params = tag, fn, params

    def __call__(self, value) -> bytes:
        return self.fn(self.tag, value, *self.params).SerializeToString()

    def __repr__(self):
        return f"{self.fn.__name__}({self.tag!r})"


def _summary_op(name, tensor, fn, params, collections):
    scope = "" if ctx_mod.executing_eagerly() else ctx_mod.current_graph().get_name_scope()
    tag = f"{scope}/{name}" if scope else name
    out = dispatch.apply(registry.get("EncodeSummary"), (convert_to_tensor(tensor),),
                         {"encode": _Encoder(tag, fn, params)}, name)
    if not ctx_mod.executing_eagerly():
        for key in (collections if collections is not None else [SUMMARIES]):
            ctx_mod.current_graph().add_to_collection(key, out)
    return out


def scalar(name, tensor, collections=None, family=None):
    """A string tensor: the serialized Summary holding `tensor` (a scalar) under `name`."""
    return _summary_op(name, tensor, encode.scalar_v1, (), collections)


def histogram(name, values, collections=None, family=None):
    """A string tensor: TF1's histogram (exponential buckets) of `values`."""
    return _summary_op(name, values, encode.histogram_v1, (), collections)


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """A string tensor: up to `max_outputs` images of a [k, height, width, channels] tensor as PNGs."""
    return _summary_op(name, tensor, encode.image_v1, (max_outputs,), collections)


def text(name, tensor, collections=None):
    if not hasattr(tensor, "dtype"):
        from ..eager.tensor import EagerTensor
        tensor = EagerTensor(np.array(tensor, dtype=object))
    return _summary_op(name, tensor, encode.text_v1, (), collections)


def merge(inputs, collections=None, name=None):
    """One string tensor: the Summaries of `inputs` merged into one."""
    out = dispatch.apply(registry.get("MergeSummary"), tuple(convert_to_tensor(t) for t in inputs), {},
                         name or "Merge/MergeSummary")
    if collections and not ctx_mod.executing_eagerly():
        for key in collections:
            ctx_mod.current_graph().add_to_collection(key, out)
    return out


def merge_all(key=SUMMARIES, scope=None, name=None):
    """Merge every summary of the default graph's `key` collection; None when there is none (as TF1)."""
    summaries = ctx_mod.current_graph().get_collection(key, scope)
    return merge(summaries, name=name) if summaries else None


class FileWriter:
    """Writes Summary protos and graphs to an event file in `logdir` (tf.compat.v1.summary.FileWriter)."""

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None, filename_suffix=None,
                 session=None):
        self._logdir = os.fspath(logdir)
        self._options = dict(max_queue=max_queue, flush_secs=flush_secs, filename_suffix=filename_suffix or "")
        self._writer = EventWriter(self._logdir, **self._options)
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def get_logdir(self) -> str:
        return self._logdir

    def add_summary(self, summary, global_step=None):
        """`summary`: what `sess.run` of a summary op returned (bytes), or a Summary proto."""
        self._writer.add_summary(summary, global_step)

    def add_event(self, event):
        self._writer.add_event(event)

    def add_graph(self, graph=None, global_step=None, graph_def=None):
        """Write `graph` (a Graph, e.g. `sess.graph`) or a GraphDef for TensorBoard's graph tab."""
        if graph is not None and graph_def is not None:
            raise ValueError("add_graph: give a graph or a graph_def, not both")
        proto = graph_def if graph_def is not None else _graph_proto(graph)
        self._writer.add_graph_def(proto, global_step)

    def flush(self):
        self._writer.flush()

    def close(self):
        self._writer.close()

    def reopen(self):
        if self._writer.closed:
            self._writer = EventWriter(self._logdir, **self._options)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _graph_proto(graph):
    if hasattr(graph, "SerializeToString"):
        return graph
    if not hasattr(graph, "get_operations"):
        raise TypeError(f"add_graph: expected a Graph (e.g. sess.graph) or a GraphDef, got {type(graph).__name__}")
    return graph_def(graph)
