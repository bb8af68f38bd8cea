"""TF1's Session: run fetches (nested lists/tuples/dicts of tensors, ops, variables) with feeds.

Each distinct (fetches, feeds) pair is planned once: pruned, optimised and compiled by the
pipeline in `graphflow.compiler` (or interpreted with the reference kernels when
`optimize=False`), then cached, so repeated `run` calls cost a dictionary lookup and the plan.
"""
from __future__ import annotations

import numpy as np

from .. import context as ctx_mod
from .. import dtypes, threading_config
from ..compiler import compile_plan
from ..errors import format_location
from ..ops.indexed_slices import IndexedSlices, IndexedSlicesValue
from .graph import Graph, Operation, SymbolicTensor, global_default_graph
from .interpreter import InterpreterPlan

_ctx = ctx_mod.context()
get_default_session = ctx_mod.default_session


class Session:
    """Runs parts of one graph. Use as a context manager to make it the default session."""

    def __init__(self, target="", graph=None, config=None, optimize=True):
        self.graph: Graph = graph if graph is not None else ctx_mod.current_graph()
        if config is not None:
            threading_config.apply_session_config(config)
        self.optimize = optimize
        self._plans = {}
        self._feed_specs = {}        # fed tensor -> (numpy dtype, static dims): the fast feed check
        self._closed = False

    # ---- context manager --------------------------------------------------------------------------
    def __enter__(self):
        _ctx.sessions.append(self)
        self._graph_ctx = self.graph.as_default()
        self._graph_ctx.__enter__()
        return self

    def __exit__(self, *exc):
        self._graph_ctx.__exit__(*exc)
        _ctx.sessions.pop()
        self.close()

    def close(self):
        self._closed = True
        self._plans.clear()

    def as_default(self):
        return self

    # ---- run ------------------------------------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        if type(fetches) is SymbolicTensor and fetches.op.graph is self.graph:   # the common case, fast
            feed_tensors, feed_values = self._feeds(feed_dict)
            key = ((fetches,), (), tuple(feed_tensors))
            plan = self._plans.get(key)
            if plan is None:
                plan = self._plans[key] = self._make_plan((fetches,), (), feed_tensors)
            return _as_output(plan(feed_values)[0])
        leaves, rebuild = _flatten_fetches(fetches, self.graph)
        feed_tensors, feed_values = self._feeds(feed_dict)
        fetch_tensors = tuple(t for t in leaves if isinstance(t, SymbolicTensor))
        fetch_ops = tuple(t for t in leaves if isinstance(t, Operation))
        key = (fetch_tensors, fetch_ops, tuple(feed_tensors))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._make_plan(fetch_tensors, fetch_ops, feed_tensors)
        results = plan(feed_values)
        by_tensor = dict(zip(fetch_tensors, results))
        return rebuild([None if isinstance(t, Operation) else _as_output(by_tensor[t]) for t in leaves])

    def _make_plan(self, fetch_tensors, fetch_ops, feed_tensors):
        if self.optimize:
            return compile_plan(self.graph, fetch_tensors, fetch_ops, feed_tensors)
        return InterpreterPlan(fetch_tensors, fetch_ops, feed_tensors)

    def _feeds(self, feed_dict):
        if not feed_dict:
            return [], []
        tensors, values = [], []
        specs = self._feed_specs
        for key, value in feed_dict.items():
            spec = specs.get(key) if type(key) is SymbolicTensor else None
            if spec is None:
                t = self._feed_key(key)
                if type(key) is SymbolicTensor:
                    specs[key] = (t.dtype.np, t.shape.dims)
            else:
                t = key
                arr = _fast_feed_value(spec, value)     # exact dtype and a fitting shape, or None
                if arr is not None:
                    tensors.append(t)
                    values.append(arr)
                    continue
            tensors.append(t)
            values.append(_feed_value(t, value))
        return tensors, values

    def _feed_key(self, key):
        if isinstance(key, str):
            try:
                key = self.graph.get_tensor_by_name(key)
            except (KeyError, ValueError) as e:
                raise TypeError(f"Cannot interpret feed_dict key {key!r} as a Tensor: {e}") from None
        if hasattr(key, "_as_graph_tensor") and hasattr(key, "_state"):
            raise TypeError("Feeding a Variable is not supported: feed a placeholder, or assign to the variable")
        if not isinstance(key, SymbolicTensor):
            raise TypeError(f"Cannot interpret feed_dict key {key!r} as a Tensor: it is a {type(key).__name__}")
        if key.graph is not self.graph:
            raise TypeError(f"Cannot interpret feed_dict key {key.name} as a Tensor: it is not an element of "
                            "this session's graph.")
        return key


def _fast_feed_value(spec, value):
    """`value` as the array to feed when no conversion or error is possible, else None."""
    dt, dims = spec
    tv = type(value)
    if tv is np.ndarray:
        if value.dtype is not dt:
            return None
        arr = value
    elif tv is float and dt.kind == "f":
        arr = np.asarray(value, dt)
    else:
        return None
    if dims is not None:
        shape = arr.shape
        if len(shape) != len(dims):
            return None
        for d, n in zip(dims, shape):
            if d is not None and d != n:
                return None
    return arr


def _feed_value(t: SymbolicTensor, value):
    if isinstance(value, (SymbolicTensor, Operation)):
        raise TypeError(f"The value of a feed cannot be a graph tensor ({value!r}). Acceptable feed values "
                        "include Python scalars, strings, lists, numpy ndarrays, or TensorHandles.")
    if hasattr(value, "_value") and not isinstance(value, np.ndarray):
        value = value._value
    if t.dtype is dtypes.string:
        arr = dtypes.to_bytes_array(value)
    else:
        arr = np.asarray(value)
    if arr.dtype != t.dtype.np:
        if arr.dtype.kind in "SUO":
            raise TypeError(f"Cannot feed text {value!r} to {t.name} of dtype {t.dtype.name}")
        if arr.dtype.kind == "f" and t.dtype.is_integer:
            raise ValueError(f"Cannot feed a float value to {t.name} of dtype {t.dtype.name}")
        if arr.dtype.kind not in "fiub":
            raise TypeError(f"Cannot feed a value of type {arr.dtype} to {t.name}")
        arr = arr.astype(t.dtype.np)
    if not t.shape.is_compatible_with(arr.shape):
        raise ValueError(f"Cannot feed value of shape {arr.shape} for Tensor {t.name}, which has shape "
                         f"{t.shape} (defined at {format_location(t.op.location)})")
    return arr


def _as_output(v):
    if isinstance(v, np.ndarray) and v.ndim == 0:
        return v[()]
    return v


def _flatten_fetches(fetches, graph):
    """Leaves (tensors/ops) in order, and a function that rebuilds the structure from values."""
    leaves = []

    def visit(f):
        if isinstance(f, (list, tuple)) and not hasattr(f, "_fields"):
            subs = [visit(x) for x in f]
            kind = type(f)
            return lambda vals: kind(s(vals) for s in subs) if kind in (list, tuple) else kind([s(vals) for s in subs])
        if hasattr(f, "_fields"):   # namedtuple
            subs = [visit(x) for x in f]
            kind = type(f)
            return lambda vals: kind(*[s(vals) for s in subs])
        if type(f) is IndexedSlices:   # fetched as TF1 does: its parts' values, together
            parts = [visit(x) for x in (f.values, f.indices, f.dense_shape)]
            return lambda vals: IndexedSlicesValue(*[p(vals) for p in parts])
        if isinstance(f, dict):
            subs = {k: visit(v) for k, v in f.items()}
            kind = type(f)
            return lambda vals: kind((k, s(vals)) for k, s in subs.items())
        leaf = _fetch_leaf(f, graph)
        i = len(leaves)
        leaves.append(leaf)
        return lambda vals: vals[i]

    rebuild = visit(fetches)
    return leaves, rebuild


def _fetch_leaf(f, graph):
    if f is None:
        raise TypeError("Fetch argument None has invalid type <class 'NoneType'>")
    if isinstance(f, str):
        f = graph.as_graph_element(f)
    if hasattr(f, "_as_graph_tensor") and hasattr(f, "_state"):
        if f.graph is not None and f.graph is not graph:
            raise ValueError(f"Fetch argument {f.name} is a variable of another graph.")
        cache = f.__dict__.setdefault("_fetch_reads", {})
        if graph not in cache:
            with graph.as_default():
                cache[graph] = f._as_graph_tensor(graph)
        return cache[graph]
    if isinstance(f, (SymbolicTensor, Operation)):
        if f.graph is not graph:
            raise ValueError(f"Fetch argument {f!r} cannot be interpreted as a Tensor: it is not an element "
                             "of this graph.")
        return f
    if hasattr(f, "numpy") and not isinstance(f, np.ndarray):
        raise TypeError(f"Fetch argument {f!r} is an eager tensor; only graph tensors and ops can be fetched.")
    raise TypeError(f"Fetch argument {f!r} has invalid type {type(f)}, must be a string or Tensor.")


class InteractiveSession(Session):
    """A Session that makes itself (and its graph) the default until it is closed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.__enter__()
        self._entered = True

    def close(self):
        if getattr(self, "_entered", False):
            self._entered = False
            self.__exit__(None, None, None)     # leaves the defaults, then closes
        super().close()


_ = (dtypes, global_default_graph)
