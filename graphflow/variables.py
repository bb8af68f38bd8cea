"""gf.Variable: mutable state usable wherever a tensor is, in eager mode and in graphs.

Its value lives in a `VariableState`. In eager mode the value is set now; in graph mode the
variable gets an initializer op that `global_variables_initializer` groups, as in TF1.
"""
from __future__ import annotations

import contextlib
import itertools
import threading

import numpy as np

from . import context as ctx_mod
from . import dtypes
from .eager.tensor import EagerTensor, _numpy_repr
from .ops import api, convert, dispatch
from .ops.indexed_slices import IndexedSlices
from .ops.registry import get
from .ops.state import VariableState
from .shapes import TensorShape
from .tensor import OperatorsMixin

_ctx = ctx_mod.context()
_READ, _ASSIGN, _ASSIGN_ADD, _ASSIGN_SUB = (get("ReadVariableOp"), get("AssignVariableOp"),
                                            get("AssignAddVariableOp"), get("AssignSubVariableOp"))
_eager_names = itertools.count()
GLOBAL_VARIABLES, TRAINABLE_VARIABLES = "variables", "trainable_variables"
# Mixed precision: while a Keras layer with a float16 compute dtype runs, the float variables it
# marked `_autocast` read as that dtype (TF's AutoCastVariable); the variable itself stays float32.
_AUTOCAST = [None]


@contextlib.contextmanager
def autocast_scope(dtype):
    """Inside: autocast variables of another float dtype read as `dtype` (None: as they are)."""
    previous = _AUTOCAST[0]
    _AUTOCAST[0] = dtype
    try:
        yield
    finally:
        _AUTOCAST[0] = previous


def _autocast(var, t):
    target = _AUTOCAST[0]
    dtype = var._state.dtype
    if target is None or target is dtype or not var._autocast or not dtype.is_floating:
        return t
    return api.cast(t, target)


_creators = threading.local()
_creators.stack = []


class _Created:
    """What the innermost next_creator returns: the arguments the variable is built with."""

    def __init__(self, kwargs):
        self.kwargs = kwargs


def _through_creators(kwargs: dict) -> dict:
    """Pass a new variable's arguments through the active variable_creator_scope creators (innermost
    first); each calls next_creator(**kwargs), possibly with changed arguments."""
    def chain(i):
        def next_creator(**kw):
            if i < 0:
                return _Created(kw)
            return _creators.stack[i](chain(i - 1), **kw)
        return next_creator
    out = chain(len(_creators.stack) - 1)(**kwargs)
    if not isinstance(out, _Created):
        raise TypeError("variable_creator_scope: a creator must return what next_creator(**kwargs) returns "
                        "(graphflow's creators may change a variable's arguments, not replace it)")
    return out.kwargs


@contextlib.contextmanager
def variable_creator_scope(variable_creator):
    """Within the block, every new Variable's arguments go through
    variable_creator(next_creator, **kwargs), which calls next_creator(**kwargs) to continue."""
    if not hasattr(_creators, "stack"):
        _creators.stack = []
    _creators.stack.append(variable_creator)
    try:
        yield
    finally:
        _creators.stack.pop()


def _create_in_init_scope(var, *args, **kwargs) -> None:
    """Build `var` outside the function being traced (as TensorFlow lifts variable creation out of
    tf.function): created once, its value persists across calls instead of being re-initialised."""
    graph = ctx_mod.current_graph()
    home = graph
    while getattr(home, "lift_captures", False) and home.outer_graph is not None:
        home = home.outer_graph          # a cond/while body: the function being traced owns the variable
    if hasattr(home, "created_variables"):
        home.created_variables.append(var)
    scope = graph.get_name_scope()      # the function's own scopes name it, as in TensorFlow
    try:
        with ctx_mod.init_scope(), ctx_mod.eager_name_scope(scope + "/" if scope else ""):
            Variable.__init__(var, *args, **kwargs)
    except TypeError as e:
        raise ValueError(f"A variable created inside the function {graph.name!r} being traced must get an initial "
                         f"value that does not depend on the function's arguments ({e}). Create it outside the "
                         "function, or pass a callable or a constant as initial_value.") from None


class Variable(OperatorsMixin):
    """A variable: `assign`, `assign_add`, `assign_sub`, `read_value`, `numpy` (eager)."""

    _autocast = False          # a Keras layer's weight: reads follow the layer's compute dtype

    def __init__(self, initial_value=None, trainable=True, name=None, dtype=None, shape=None,
                 validate_shape=True, **unused):
        if getattr(_creators, "stack", None):
            args = _through_creators(dict(initial_value=initial_value, trainable=trainable, name=name, dtype=dtype,
                                          shape=shape, validate_shape=validate_shape, **unused))
            initial_value, trainable, name, dtype, shape, validate_shape = (
                args.pop(k) for k in ("initial_value", "trainable", "name", "dtype", "shape", "validate_shape"))
            unused = args
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        if not _ctx.eager and getattr(ctx_mod.current_graph(), "building_function", False):
            return _create_in_init_scope(self, initial_value, trainable, name, dtype, shape,
                                         validate_shape, **unused)
        if callable(initial_value):
            if _ctx.eager:
                initial_value = initial_value()
            else:   # as TF1: an initializer never waits for the control dependencies around it
                with ctx_mod.current_graph().control_dependencies(None):
                    initial_value = initial_value()
        if dtype is not None:
            dtype = dtypes.as_dtype(dtype)
        self.trainable = bool(trainable)
        constraint = unused.get("constraint")
        if constraint is not None and not callable(constraint):
            raise ValueError(f"The `constraint` argument must be a callable. Received: {constraint}")
        self._constraint = constraint
        if _ctx.eager:
            init = convert.convert_to_tensor(initial_value, dtype=dtype, dtype_hint=dtype)
            self._graph = None
            base = name or "Variable"
            self._name = f"{_ctx.eager_name_scope}{base}:0"
            value = np.array(init._value, copy=True)
            self._state = VariableState(self._name, shape if shape is not None else value.shape,
                                        dtypes.from_numpy(value.dtype), value)
            self.initializer = None
            for hook in _ctx.variable_hooks:
                hook(self)
        else:
            graph = ctx_mod.current_graph()
            with graph.control_dependencies(None):
                init = convert.convert_to_tensor(initial_value, dtype=dtype)
            op_name = graph.unique_name(name or "Variable")
            self._graph = graph
            self._name = f"{op_name}:0"
            self._state = VariableState(self._name, shape if shape is not None else init.shape,
                                        init.dtype)
            with graph.name_scope(op_name + "/"), graph.control_dependencies(None):
                self.initializer = dispatch.apply(_ASSIGN, (init,), {"var": self._state}, name="Assign").op
            self._initial_value = init
            # TF1: `collections` replaces the default [GLOBAL_VARIABLES] (trainable ones are always
            # also TRAINABLE_VARIABLES), so metric and local variables stay out of the global list.
            keys = [GLOBAL_VARIABLES] if unused.get("collections") is None else list(unused["collections"])
            if self.trainable and TRAINABLE_VARIABLES not in keys:
                keys.append(TRAINABLE_VARIABLES)
            for key in keys:
                graph.add_to_collection(key, self)
        for tape in _ctx.tapes:
            tape.note_variable_created(self)

    # ---- identity --------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def constraint(self):
        """The projection a Keras optimizer applies after each update (`constraint=` at creation), or None."""
        return getattr(self, "_constraint", None)

    @property
    def dtype(self) -> dtypes.DType:
        return self._state.dtype

    @property
    def shape(self) -> TensorShape:
        return self._state.shape

    @property
    def ndim(self):
        return self._state.shape.rank

    def get_shape(self):
        return self.shape

    @property
    def graph(self):
        return self._graph

    @property
    def op(self):
        return self.initializer

    @property
    def initial_value(self):
        return self._initial_value

    def ref(self):
        return self

    __hash__ = object.__hash__

    def __eq__(self, other):
        if _ctx.eager or self._graph is not None:
            return api.equal(self, other)
        return self is other

    def __ne__(self, other):
        return api.not_equal(self, other)

    # ---- reading ---------------------------------------------------------------------------------
    def _as_eager_tensor(self):
        for tape in _ctx.tapes:
            tape.note_variable_read(self)
        t = EagerTensor(self._state.read())
        if _ctx.tapes:
            for tape in _ctx.tapes:
                tape.record_variable_read(self, t)
        return t if _AUTOCAST[0] is None else _autocast(self, t)

    def _as_graph_tensor(self, graph):
        for tape in _ctx.tapes:
            tape.note_variable_read(self)
        t = dispatch.apply(_READ, (), {"var": self._state}, name=self._name.split(":")[0] + "/read")
        for tape in _ctx.tapes:
            tape.record_variable_read(self, t)
        return t if _AUTOCAST[0] is None else _autocast(self, t)

    def value(self):
        return convert.convert_to_tensor(self)

    def read_value(self):
        return convert.convert_to_tensor(self)

    def numpy(self):
        if not _ctx.eager and self._graph is not None:
            raise NotImplementedError("numpy() is only available when eager execution is enabled.")
        v = self._state.read()
        return np.array(v, copy=True)[()] if np.ndim(v) == 0 else np.array(v, copy=True)

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self.numpy())
        return a if dtype is None else a.astype(dtype)

    def __bool__(self):
        return bool(self.numpy())

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __len__(self):
        return self.shape[0]

    def __iter__(self):
        return iter(self.read_value())

    def eval(self, session=None):
        return (session or ctx_mod.default_session()).run(self)

    # ---- writing ---------------------------------------------------------------------------------
    def _update(self, opdef, value, read_value):
        if _ctx.eager:
            value = convert.convert_to_tensor(value, dtype=self.dtype)
            opdef.kernel(value._value, var=self._state)
            return self if read_value else None
        value = convert.convert_to_tensor(value, dtype=self.dtype)
        return dispatch.apply(opdef, (value,), {"var": self._state},
                              name=self._name.split(":")[0] + "/" + opdef.name.replace("VariableOp", ""))

    def assign(self, value, use_locking=None, name=None, read_value=True):
        return self._update(_ASSIGN, value, read_value)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return self._update(_ASSIGN_ADD, delta, read_value)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return self._update(_ASSIGN_SUB, delta, read_value)

    # ---- sparse writing: rows named by an IndexedSlices, or elements by index tuples -------------
    def _scatter(self, op: str, mode: str, indices, updates, name):
        indices = convert.convert_to_tensor(indices)
        updates = convert.convert_to_tensor(updates, dtype=self.dtype)
        out = dispatch.apply(get(op), (indices, updates), {"var": self._state, "mode": mode},
                             name=name or self._name.split(":")[0] + "/Scatter")
        return self if _ctx.eager else out

    def _scatter_rows(self, mode: str, sparse_delta, name):
        if not isinstance(sparse_delta, IndexedSlices):
            raise TypeError(f"Variable.scatter_{mode} of {self._name}: sparse_delta is not IndexedSlices: "
                            f"{sparse_delta!r}")
        return self._scatter("ResourceScatter", mode, sparse_delta.indices, sparse_delta.values, name)

    def scatter_update(self, sparse_delta, use_locking=False, name=None):
        """Set the rows `sparse_delta.indices` to `sparse_delta.values`; returns the variable (eager)."""
        return self._scatter_rows("update", sparse_delta, name)

    def scatter_add(self, sparse_delta, use_locking=False, name=None):
        return self._scatter_rows("add", sparse_delta, name)

    def scatter_sub(self, sparse_delta, use_locking=False, name=None):
        return self._scatter_rows("sub", sparse_delta, name)

    def scatter_mul(self, sparse_delta, use_locking=False, name=None):
        return self._scatter_rows("mul", sparse_delta, name)

    def scatter_div(self, sparse_delta, use_locking=False, name=None):
        return self._scatter_rows("div", sparse_delta, name)

    def scatter_max(self, sparse_delta, use_locking=False, name=None):
        return self._scatter_rows("max", sparse_delta, name)

    def scatter_min(self, sparse_delta, use_locking=False, name=None):
        return self._scatter_rows("min", sparse_delta, name)

    def scatter_nd_update(self, indices, updates, name=None):
        """Set the elements (or slices) at the index tuples in `indices`' last axis to `updates`."""
        return self._scatter("ResourceScatterNd", "update", indices, updates, name)

    def scatter_nd_add(self, indices, updates, name=None):
        return self._scatter("ResourceScatterNd", "add", indices, updates, name)

    def scatter_nd_sub(self, indices, updates, name=None):
        return self._scatter("ResourceScatterNd", "sub", indices, updates, name)

    def batch_scatter_update(self, sparse_delta, use_locking=False, name=None):
        """var[i, ..., j, indices[i, ..., j, k]] = values[i, ..., j, k]: a row update per batch entry,
        the batch being the variable's leading dimensions."""
        if not isinstance(sparse_delta, IndexedSlices):
            raise TypeError(f"Variable.batch_scatter_update of {self._name}: sparse_delta is not IndexedSlices: "
                            f"{sparse_delta!r}")
        indices = convert.convert_to_tensor(sparse_delta.indices)
        if indices.shape.rank == 1:
            return self._scatter_rows("update", sparse_delta, name)
        batch = api.shape(indices, out_type=indices.dtype)[:-1]
        grids = api.meshgrid(*[api.range(n, dtype=indices.dtype) for n in api.unstack(batch)], indexing="ij")
        tuples = api.stack([api.broadcast_to(api.expand_dims(g, -1), api.shape(indices)) for g in grids]
                           + [indices], axis=-1)
        return self._scatter("ResourceScatterNd", "update", tuples, sparse_delta.values, name)

    def __repr__(self):
        if _ctx.eager and self._graph is None and self._state.value is not None:
            return (f"<tf.Variable '{self._name}' shape={self.shape} dtype={self.dtype.name}, "
                    f"numpy={_numpy_repr(self.numpy())}>")
        return f"<tf.Variable '{self._name}' shape={self.shape} dtype={self.dtype.name}>"


def global_variables(scope=None):
    return ctx_mod.current_graph().get_collection(GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None):
    return ctx_mod.current_graph().get_collection(TRAINABLE_VARIABLES, scope)


def global_variables_initializer():
    """One op that runs every variable initializer of the default graph."""
    return api.group(*[v.initializer for v in global_variables()], name="init")


def variables_initializer(var_list, name="init"):
    return api.group(*[v.initializer for v in var_list], name=name)


def is_variable(x) -> bool:
    """True for a gf.Variable (tapes, gf.function and control flow treat variables as state)."""
    return isinstance(x, Variable)
