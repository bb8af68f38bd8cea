"""Graph IR: Graph (ops in creation order, which is a topological order), Operation, SymbolicTensor.

Ops are added through `Graph.create_op`, which runs the OpDef's inference so shape and dtype
errors surface where the user built the op, naming that line.
"""
from __future__ import annotations

import contextlib
import re
import threading

from .. import context as ctx_mod
from ..errors import OpError, describe_inputs, format_location, user_frame, without_op_prefix
from ..ops.registry import OpCheckError, OpDef, Spec
from ..ops.static_value import constant_value
from ..shapes import TensorShape
from ..tensor import Tensor, compare
from .export import to_dict

_NAME_RE = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\-/>]*$")


class SymbolicTensor(Tensor):
    """An edge of a graph: output `value_index` of `op`. Has no value until a Session runs it."""

    __slots__ = ("op", "value_index", "_shape", "dtype", "__weakref__")

    def __init__(self, op, value_index, shape, dtype):
        self.op = op
        self.value_index = value_index
        self._shape = shape
        self.dtype = dtype

    @property
    def shape(self) -> TensorShape:
        return self._shape

    def set_shape(self, shape):
        self._shape = self._shape.merge_with(shape)

    @property
    def graph(self):
        return self.op.graph

    @property
    def name(self) -> str:
        return f"{self.op.name}:{self.value_index}"

    @property
    def consumers(self):
        return [op for op in self.op.graph.operations if self in op.inputs]

    @property
    def numpy(self):
        # An AttributeError, as TensorFlow's graph tensors have no `numpy`: `hasattr(t, "numpy")`
        # is the usual test for an eager tensor.
        raise AttributeError(
            f"Cannot call .numpy() on the symbolic tensor {self.name}: it has no value until a "
            "Session runs it (or use eager execution).")

    def eval(self, feed_dict=None, session=None):
        session = session or ctx_mod.default_session()
        if session is None:
            raise ValueError("Cannot evaluate tensor using `eval()`: no default session is registered.")
        return session.run(self, feed_dict)

    def __array__(self, dtype=None, copy=None):
        raise NotImplementedError(
            f"Cannot convert a symbolic tensor ({self.name}) to a numpy array. This error may "
            "indicate that you're trying to pass a Tensor to a NumPy call, which is not supported.")

    def __bool__(self):
        raise TypeError(f"Using a symbolic tensor ({self.name}) as a Python bool is not allowed in "
                        "graph mode: use gf.cond, or run the code eagerly.")

    def __iter__(self):
        raise TypeError(f"Iterating over a symbolic tensor ({self.name}) is not allowed in graph mode.")

    def __eq__(self, other):
        # TF1 graphs compare tensors by identity (so tensors work as dict keys); graphs traced
        # by gf.function compare elementwise, as eager code does.
        if not self.op.graph.building_function:
            return self is other
        return compare("equal", self, other)

    def __ne__(self, other):
        if not self.op.graph.building_function:
            return self is not other
        return compare("not_equal", self, other)

    __hash__ = object.__hash__

    def ref(self):
        return self

    def __repr__(self):
        return f"<tf.Tensor '{self.name}' shape={self._shape} dtype={self.dtype.name}>"

    __str__ = __repr__


class Operation:
    """A node: `type` names its OpDef; `attrs` are Python values; `location` is the user's line."""

    __slots__ = ("graph", "opdef", "name", "inputs", "attrs", "outputs", "control_inputs", "location",
                 "__weakref__")

    def __init__(self, graph, opdef: OpDef, name, inputs, attrs, control_inputs, location):
        self.graph = graph
        self.opdef = opdef
        self.name = name
        self.inputs = tuple(inputs)
        self.attrs = attrs
        self.outputs = ()
        self.control_inputs = tuple(control_inputs)
        self.location = location

    @property
    def type(self) -> str:
        return self.opdef.name

    def get_attr(self, name):
        return self.attrs[name]

    def run(self, feed_dict=None, session=None):
        (session or ctx_mod.default_session()).run(self, feed_dict)

    def where(self) -> str:
        return format_location(self.location)

    def __repr__(self):
        return f"<tf.Operation '{self.name}' type={self.type}>"


class Graph:
    """A dataflow graph. `as_default()` makes ops built in the block land here."""

    def __init__(self):
        self.operations: list[Operation] = []
        self._names: dict[str, int] = {}
        self._by_name: dict[str, Operation] = {}
        self._scope_stack: list[str] = []
        self._control_stack: list[list] = []
        self.collections: dict[str, list] = {}
        self.seed = None
        self.version = 0          # bumped on every new op: compiled plans key on it
        self._lock = threading.RLock()
        self.building_function = False

    # ---- building ------------------------------------------------------------------------------
    def create_op(self, opdef: OpDef, inputs, attrs, name=None) -> Operation:
        for t in inputs:
            if t.graph is not self:
                raise ValueError(f"{opdef.name}: input {t.name} belongs to another graph; tensors must "
                                 f"come from the same graph (at {format_location(user_frame())})")
        specs = [Spec(t.shape, t.dtype, constant_value(t)) for t in inputs]
        try:
            out_specs = opdef.check(specs, attrs)
        except OpCheckError as e:     # TF raises the builder's TypeError/ValueError at the user's line
            message = _message(opdef, name, inputs, e.detail)
            if issubclass(e.kind, OpError):       # TF's error classes take (node_def, op, message)
                raise e.kind(None, opdef.name, message) from None
            raise e.kind(message) from None
        with self._lock:
            op = Operation(self, opdef, self.unique_name(name or opdef.name), inputs, attrs,
                           self._current_control_inputs(), user_frame())
            op.outputs = tuple(SymbolicTensor(op, i, s.shape, s.dtype) for i, s in enumerate(out_specs))
            self.operations.append(op)
            self._by_name[op.name] = op
            self.version += 1
        for tape in ctx_mod.context().tapes:
            tape.record_graph_op(op)
        return op

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        if self._scope_stack and self._scope_stack[-1]:
            name = f"{self._scope_stack[-1]}/{name}"
        base = name
        count = self._names.get(base, 0)
        while name in self._names or name in self._by_name:
            count += 1
            name = f"{base}_{count}"
        if mark_as_used:
            self._names[base] = count
            self._names.setdefault(name, 0)
        return name

    @contextlib.contextmanager
    def name_scope(self, name):
        if name is None or name == "":
            self._scope_stack.append("")
        elif name.endswith("/"):
            self._scope_stack.append(name[:-1])
        else:
            self._scope_stack.append(self.unique_name(name))
        try:
            yield (self._scope_stack[-1] + "/") if self._scope_stack[-1] else ""
        finally:
            self._scope_stack.pop()

    def get_name_scope(self) -> str:
        return self._scope_stack[-1] if self._scope_stack else ""

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        if control_inputs is None:
            saved, self._control_stack = self._control_stack, []
            try:
                yield
            finally:
                self._control_stack = saved
            return
        ops = []
        for c in control_inputs:
            if isinstance(c, Operation):
                ops.append(c)
            elif isinstance(c, SymbolicTensor):
                ops.append(c.op)
            elif hasattr(c, "_graph_op"):
                ops.append(c._graph_op(self))
            elif c is not None:
                raise TypeError(f"control_dependencies expects ops or tensors, got {type(c).__name__}")
        self._control_stack.append(ops)
        try:
            yield
        finally:
            self._control_stack.pop()

    def _current_control_inputs(self):
        return [op for ops in self._control_stack for op in ops]

    @contextlib.contextmanager
    def as_default(self):
        ctx_mod.push_graph(self)
        try:
            yield self
        finally:
            ctx_mod.pop_mode()

    # ---- queries -------------------------------------------------------------------------------
    def get_operations(self) -> list:
        return list(self.operations)

    def get_operation_by_name(self, name: str) -> Operation:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"The name {name!r} refers to an Operation not in the graph.") from None

    def get_tensor_by_name(self, name: str) -> SymbolicTensor:
        if ":" not in name:
            raise ValueError(f"The name {name!r} looks like an Operation name, not a Tensor name "
                             "(Tensor names look like '<op_name>:<output_index>').")
        op_name, index = name.rsplit(":", 1)
        op = self.get_operation_by_name(op_name)
        try:
            return op.outputs[int(index)]
        except (IndexError, ValueError):
            raise KeyError(f"The name {name!r} refers to a Tensor which does not exist: operation "
                           f"{op_name!r} has {len(op.outputs)} outputs.") from None

    def as_graph_element(self, obj):
        if isinstance(obj, str):
            return self.get_tensor_by_name(obj) if ":" in obj else self.get_operation_by_name(obj)
        return obj

    def add_to_collection(self, key, value):
        self.collections.setdefault(key, []).append(value)

    def get_collection(self, key, scope=None):
        items = self.collections.get(key, [])
        if scope:
            items = [v for v in items if getattr(v, "name", "").startswith(scope)]
        return list(items)

    def finalize(self):
        pass

    def as_graph_def(self):
        return to_dict(self)

    def __repr__(self):
        return f"<graphflow.Graph with {len(self.operations)} ops>"


def _message(opdef, name, inputs, detail):
    where = format_location(user_frame())
    detail = without_op_prefix(opdef.name, detail)
    return (f"{opdef.name}{f' ({name})' if name else ''}: {detail}. Inputs: {describe_inputs(inputs)}"
            + (f". Built at {where}" if where else ""))


def global_default_graph() -> Graph:
    """The process's default graph (TF1): where ops go when no graph is pushed in graph mode."""
    return ctx_mod.default_graph()


def reset_default_graph():
    """Clear the global default graph (TF1's tf.compat.v1.reset_default_graph)."""
    if any(g is not None for g in ctx_mod.context().mode_stack):
        raise AssertionError("Do not use reset_default_graph() inside a `with graph.as_default()` block.")
    ctx_mod.set_default_graph(Graph())


def get_default_graph() -> Graph:
    return ctx_mod.current_graph()


ctx_mod.set_default_graph(Graph())     # exists from the start: ops reach it through the context
