"""TF1 variable sharing: variable_scope, get_variable, AUTO_REUSE.

Each graph keeps a store of the variables made by `get_variable`, keyed by their full name
(`outer/inner/v`), and the stack of open variable scopes; both live in graph collections, as in
TF1, so they go away with the graph. A variable scope also opens a name scope for the ops built
inside it (`outer/ns/added`), uniquified as name scopes are, while variable names are not.
"""
from __future__ import annotations

import contextlib
import threading

import numpy as np

from ... import context, dtypes
from ... import variables as variables_mod
from ...ops import api
from ...tensor import Tensor
from . import initializers as init_ops
from .graph_collections import GraphKeys

_STORE = "__variable_store"


class _ReuseMode:
    """The value of `tf.AUTO_REUSE`: create a variable when missing, reuse it when present."""

    def __repr__(self):
        return "AUTO_REUSE"


AUTO_REUSE = _ReuseMode()


class VariableScope:
    """A scope's settings: name, reuse, and defaults (initializer, regularizer, dtype) for get_variable."""

    def __init__(self, reuse, name="", initializer=None, regularizer=None, dtype=dtypes.float32,
                 name_scope="", constraint=None):
        self.name = name
        self.reuse = reuse
        self.initializer = initializer
        self.regularizer = regularizer
        self.dtype = dtypes.as_dtype(dtype)
        self.constraint = constraint
        self.original_name_scope = name_scope

    def reuse_variables(self):
        """From now on, get_variable in this scope returns existing variables."""
        self.reuse = True

    def set_initializer(self, initializer):
        self.initializer = initializer

    def set_regularizer(self, regularizer):
        self.regularizer = regularizer

    def set_dtype(self, dtype):
        self.dtype = dtypes.as_dtype(dtype)

    def get_variable(self, name, *args, **kwargs):
        with variable_scope(self):
            return get_variable(name, *args, **kwargs)

    def __repr__(self):
        return f"<VariableScope {self.name!r} reuse={self.reuse}>"


class _Store:
    """Per graph: variables by full name, the open scopes, and how often each scope name was opened."""

    def __init__(self):
        self.variables: dict[str, object] = {}
        self.scopes = [VariableScope(False)]
        self.opened: dict[str, int] = {}
        self.created: list = []      # eager only: every variable made, so a layer object can keep its own


_eager = threading.local()     # eager code has no graph: its scope stack is per thread


def _store() -> _Store:
    if context.executing_eagerly():
        if not hasattr(_eager, "store"):
            _eager.store = _Store()
        return _eager.store
    found = context.current_graph().collections.setdefault(_STORE, [])
    if not found:
        found.append(_Store())
    return found[0]


def get_variable_scope() -> VariableScope:
    """The innermost open variable scope (the root scope has name '')."""
    return _store().scopes[-1]


@contextlib.contextmanager
def lend_variables(variables: dict):
    """Eager: let get_variable in a reusing scope find `variables` (full name -> variable) in the block."""
    store = _store()
    saved = dict(store.variables)
    store.variables.update(variables)
    try:
        yield
    finally:
        store.variables = saved


def eager_variables_created_since(mark: int) -> list:
    return list(_store().created[mark:])


def eager_mark() -> int:
    return len(_store().created)


def _unique_scope_name(store, parent, prefix):
    full = f"{parent}/{prefix}" if parent else prefix
    if not store.opened.get(full):
        return prefix
    i = 1
    while store.opened.get(f"{full}_{i}"):
        i += 1
    return f"{prefix}_{i}"


@contextlib.contextmanager
def variable_scope(name_or_scope, default_name=None, values=None, initializer=None, regularizer=None,
                   caching_device=None, partitioner=None, custom_getter=None, reuse=None, dtype=None,
                   use_resource=None, constraint=None, auxiliary_name_scope=True):
    """Open a variable scope: get_variable names start with its name, and `reuse` says whether
    get_variable returns existing variables (True), creates new ones (None/False: inherited from the
    enclosing scope) or both (AUTO_REUSE).

    Args:
      name_or_scope: a name (relative to the enclosing scope), a VariableScope (absolute) or None.
      default_name: with name_or_scope=None, a name made unique (`block`, `block_1`, ...).
      initializer, regularizer, dtype, constraint: defaults for get_variable in the scope.
      reuse: True, AUTO_REUSE, or None/False to inherit.
    Yields:
      The VariableScope.
    """
    if name_or_scope is None and default_name is None:
        raise TypeError("If default_name is None then name_or_scope is required")
    if reuse is False:
        reuse = None
    store = _store()
    parent = store.scopes[-1]
    eager = context.executing_eagerly()
    if isinstance(name_or_scope, VariableScope):
        full, base, name = name_or_scope.name, name_or_scope, None
        op_scope = name_or_scope.original_name_scope
    else:
        name = name_or_scope if name_or_scope is not None else _unique_scope_name(store, parent.name, default_name)
        full = f"{parent.name}/{name}" if parent.name else name
        base, op_scope = parent, None
    inherited = parent.reuse if reuse is None else reuse
    if isinstance(name_or_scope, VariableScope) and reuse is None:
        inherited = name_or_scope.reuse or parent.reuse
    with contextlib.ExitStack() as stack:
        if eager or (not auxiliary_name_scope and op_scope is None):
            entered = op_scope or ""
        elif op_scope is not None:
            entered = stack.enter_context(context.current_graph().name_scope(op_scope or None))
        else:
            entered = stack.enter_context(api.name_scope(name))     # relative, uniquified like any name scope
        scope = VariableScope(
            inherited, full, initializer if initializer is not None else base.initializer,
            regularizer if regularizer is not None else base.regularizer,
            dtype if dtype is not None else base.dtype, entered or "",
            constraint if constraint is not None else base.constraint)
        store.opened[full] = store.opened.get(full, 0) + 1
        store.scopes.append(scope)
        try:
            yield scope
        finally:
            store.scopes.pop()


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=None,
                 collections=None, caching_device=None, partitioner=None, validate_shape=True,
                 use_resource=None, custom_getter=None, constraint=None, synchronization=None,
                 aggregation=None):
    """The variable `<scope>/<name>`: created when the scope does not reuse, returned when it does.

    Args:
      name: the name within the current variable scope.
      shape: required unless `initializer` is a tensor or value (which then gives shape and dtype).
      dtype: default: the scope's dtype (float32).
      initializer: an initializer (called with shape and dtype), a tensor, or a value. Default: the
        scope's, else glorot_uniform for floats and zeros for integers and bools.
      regularizer: a function of the variable whose result joins REGULARIZATION_LOSSES.
      trainable: default True (joins TRAINABLE_VARIABLES).
      collections: default [GLOBAL_VARIABLES].
    Raises:
      ValueError: the variable exists and the scope does not reuse, it is missing and the scope
        reuses (reuse=True), or its shape or dtype differs from the existing one.
    """
    store = _store()
    scope = store.scopes[-1]
    full = f"{scope.name}/{name}" if scope.name else name
    requested_dtype = dtypes.as_dtype(dtype) if dtype is not None else None
    if context.executing_eagerly():
        # TF2 semantics: eager get_variable makes a new variable each time, except the variables a
        # tf.layers object lends the store while it runs again (see layers.Layer.__call__).
        existing = store.variables.get(full) if scope.reuse else None
        if existing is None:
            existing = _create(full, shape, requested_dtype, initializer, scope, trainable, collections, constraint)
            store.created.append(existing)
        return existing
    existing = store.variables.get(full)
    if existing is not None:
        if scope.reuse is None or scope.reuse is False:
            raise ValueError(f"Variable {full} already exists, disallowed. Did you mean to set reuse=True or "
                             "reuse=tf.AUTO_REUSE in VarScope?")
        if shape is not None and not existing.shape.is_compatible_with(_shape_list(shape)):
            raise ValueError(f"Trying to share variable {full}, but specified shape {list(_shape_list(shape))} and "
                             f"found shape {existing.shape}.")
        if requested_dtype is not None and requested_dtype is not existing.dtype:
            raise ValueError(f"Trying to share variable {full}, but specified dtype {requested_dtype.name} and "
                             f"found dtype {existing.dtype.name}.")
        return existing
    if scope.reuse is True:
        raise ValueError(f"Variable {full} does not exist, or was not created with tf.get_variable(). Did you "
                         "mean to set reuse=tf.AUTO_REUSE in VarScope?")
    variable = _create(full, shape, requested_dtype, initializer, scope, trainable, collections, constraint)
    regularizer = regularizer if regularizer is not None else scope.regularizer
    if regularizer is not None:
        with api.name_scope(full + "/Regularizer/"):
            loss = regularizer(variable)
        if loss is not None:
            context.current_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
    store.variables[full] = variable
    return variable


def _shape_list(shape):
    if hasattr(shape, "as_list"):
        return shape.as_list()
    if isinstance(shape, (int, np.integer)):
        return [int(shape)]
    return [None if d is None else int(getattr(d, "value", d)) for d in shape]


def _create(full, shape, dtype, initializer, scope, trainable, collections, constraint):
    initializer = initializer if initializer is not None else scope.initializer
    given_value = initializer is not None and not callable(initializer) or isinstance(initializer, Tensor)
    if given_value:
        value = initializer
        if shape is not None:
            raise ValueError(f"If initializer is a constant, do not specify shape (variable {full}).")
        if isinstance(value, Tensor):
            dtype = dtype or value.dtype
            initial_value = lambda: api.cast(value, dtype)  # noqa: E731
        else:
            # the value's own dtype, as TensorFlow's get_variable (a Python int is int32, np.int64 int64)
            initial_value = lambda: api.constant(value, dtype=dtype)  # noqa: E731
    else:
        if shape is None:
            raise ValueError(f"The shape of the new variable {full} must be known: pass shape= or a tensor "
                             "initializer.")
        dtype = dtype or scope.dtype
        if initializer is None:
            initializer = init_ops.glorot_uniform_initializer() if dtype.is_floating else init_ops.zeros_initializer()
        if isinstance(initializer, type):
            initializer = initializer()
        dims = _shape_list(shape)
        if any(d is None for d in dims):
            raise ValueError(f"Shape of a new variable ({full}) must be fully defined, but instead was {dims}.")
        initial_value = lambda: initializer(dims, dtype=dtype)  # noqa: E731
    trainable = True if trainable is None else trainable
    if collections is not None and GraphKeys.LOCAL_VARIABLES in collections:
        trainable = trainable and GraphKeys.TRAINABLE_VARIABLES in collections
    parent, _, base = full.rpartition("/")
    if context.executing_eagerly():
        with context.eager_name_scope(""):         # named by variable scopes only, as TensorFlow's get_variable
            return variables_mod.Variable(initial_value, trainable=trainable, name=full, dtype=dtype,
                                          constraint=constraint)
    graph = context.current_graph()
    with graph.name_scope(None), graph.name_scope(parent + "/" if parent else None):
        return variables_mod.Variable(initial_value, trainable=trainable, name=base, dtype=dtype,
                                      collections=collections, constraint=constraint)
