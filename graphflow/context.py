"""Execution-mode state: eager or graph, per thread, plus the stack of active gradient tapes, the
default session, and `init_scope`, which steps out of every function being traced to the outermost mode.

The ground floor: it holds the graph being built and the process's default graph as opaque
objects (graph/graph.py creates and resets the default graph), so ops can build into a graph
without importing the graph module."""
from __future__ import annotations

import contextlib
import threading


class _Context(threading.local):
    def __init__(self):
        self.mode_stack = []        # entries: None for eager, or a Graph being built
        self.eager = _global_eager
        self.tapes = []             # active GradientTapes, innermost last
        self.run_functions_eagerly = False
        self.control_dependencies = []
        self.sessions = []          # default sessions (`with sess:`), innermost last
        self.variable_hooks = []    # called with each new eager variable (gf.distribute broadcasts it)
        self.eager_name_scope = ""  # gf.name_scope while executing eagerly: "" or "outer/inner/"


_global_eager = True
_default_graph = None    # the process's default graph (TF1), set by graph/graph.py
_ctx = _Context()


def context() -> _Context:
    return _ctx


def _refresh():
    _ctx.eager = (_ctx.mode_stack[-1] is None) if _ctx.mode_stack else _global_eager


def executing_eagerly() -> bool:
    """True when ops run immediately (TF2 default), False while a graph is being built."""
    return _ctx.eager


def disable_eager_execution():
    """Process-wide switch to TF1 define-and-run."""
    global _global_eager
    _global_eager = False
    _refresh()


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    global _global_eager
    _global_eager = True
    _refresh()


def push_graph(graph):
    _ctx.mode_stack.append(graph)
    _refresh()


def push_eager():
    _ctx.mode_stack.append(None)
    _refresh()


def pop_mode():
    _ctx.mode_stack.pop()
    _refresh()


def current_graph():
    """The graph being built: the innermost pushed graph, else the global default graph."""
    for entry in reversed(_ctx.mode_stack):
        if entry is not None:
            return entry
    return _default_graph


def default_graph():
    """The process's default graph (TF1's), whatever graph is being built now."""
    return _default_graph


def set_default_graph(graph) -> None:
    global _default_graph
    _default_graph = graph


def default_session():
    """The innermost session entered with `with session:` on this thread, or None."""
    sessions = _ctx.sessions
    return sessions[-1] if sessions else None


@contextlib.contextmanager
def eager_mode():
    """Run the block eagerly, whatever the process-wide mode."""
    push_eager()
    try:
        yield
    finally:
        pop_mode()


@contextlib.contextmanager
def graph_mode(graph=None):
    """Build a graph in the block (the default graph unless one is given)."""
    if graph is None:
        graph = _default_graph
    push_graph(graph)
    try:
        yield graph
    finally:
        pop_mode()


@contextlib.contextmanager
def eager_name_scope(name):
    """TensorFlow 2's name_scope when executing eagerly: it names the variables created in it
    ("" resets to the top, a name ending in "/" is absolute, any other nests). Yields the scope."""
    old = _ctx.eager_name_scope
    if not name:
        scope = ""
    elif name.endswith("/"):
        scope = name
    else:
        scope = f"{old}{name}/"
    _ctx.eager_name_scope = scope
    try:
        yield scope
    finally:
        _ctx.eager_name_scope = old


@contextlib.contextmanager
def init_scope():
    """Run the block in the outermost context: eagerly, or in the outermost non-function graph,
    with tapes paused (TensorFlow's tf.init_scope), e.g. to create state inside a traced function."""
    target = _outermost_context()
    saved = _ctx.tapes
    _ctx.tapes = []
    if target is None:
        push_eager()
    else:
        push_graph(target)
    try:
        yield
    finally:
        pop_mode()
        _ctx.tapes = saved


def _outermost_context():
    """None for eager, else the graph that is not a function body and encloses the current one."""
    for entry in reversed(_ctx.mode_stack):
        if entry is None or not getattr(entry, "building_function", False):
            return entry
        outer = entry
        while getattr(outer, "building_function", False) and getattr(outer, "outer_graph", None) is not None:
            outer = outer.outer_graph
        if not getattr(outer, "building_function", False):
            return outer
    if _global_eager:
        return None
    return _default_graph
