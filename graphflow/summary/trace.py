"""gf.summary.trace_on / trace_export / trace_off: the graphs of the gf.functions traced in between,
written to the default writer for TensorBoard's graph tab."""
from __future__ import annotations

import threading
import warnings

from ..function import tracing
from .graph_def import graph_def
from .writer_v2 import _state, get_step

_lock = threading.Lock()
_recorded: list = []        # ConcreteFunctions traced since trace_on


def _record(concrete_function) -> None:
    with _lock:
        _recorded.append(concrete_function)


def trace_on(graph: bool = True, profiler: bool = False, profiler_outdir=None) -> None:
    """Start recording the graph of every gf.function traced from now on (profiling is not
    available: graphflow has no profiler, so `profiler=True` only warns)."""
    if profiler:
        warnings.warn("gf.summary.trace_on: graphflow has no profiler; only graphs are recorded", stacklevel=2)
    if graph and _record not in tracing.trace_listeners:
        tracing.trace_listeners.append(_record)


def trace_off() -> None:
    """Stop recording and forget what was recorded."""
    if _record in tracing.trace_listeners:
        tracing.trace_listeners.remove(_record)
    with _lock:
        _recorded.clear()


def trace_export(name: str, step=None, profiler_outdir=None) -> None:
    """Write the recorded graphs to the default writer at `step`, then stop recording (as TF).
    Several traced functions are written as one graph, each under its own name scope."""
    writer = _state.writers[-1] if _state.writers else None
    step = get_step() if step is None else step
    if step is None:
        raise ValueError("trace_export: no step given and none set with gf.summary.experimental.set_step()")
    with _lock:
        functions = list(_recorded)
    if writer is None:
        warnings.warn("gf.summary.trace_export: no default summary writer; nothing written", stacklevel=2)
    elif functions:
        writer.add_graph_def(_combined(functions), int(step))
    else:
        warnings.warn("gf.summary.trace_export: no gf.function was traced since trace_on", stacklevel=2)
    trace_off()


def _combined(functions):
    if len(functions) == 1:
        return graph_def(functions[0].graph)
    from tensorboard.compat.proto import graph_pb2
    out = graph_pb2.GraphDef()
    for cf in functions:
        part = graph_def(cf.graph)
        for node in part.node:
            node.name = f"{cf.name}/{node.name}"
            node.input[:] = [f"^{cf.name}/{i[1:]}" if i.startswith("^") else f"{cf.name}/{i}" for i in node.input]
        out.node.extend(part.node)
    return out
