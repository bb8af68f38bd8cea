"""The ONNX graph under construction: unique value names, nodes, initializers, nested scopes for
If/Loop bodies. Emitters (onnx/mapping.py) only call `node` and `const`; they never touch protos."""
from __future__ import annotations

import itertools

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ..errors import format_location


class ExportError(ValueError):
    """An op (or a case of one) has no ONNX form; the message names the op and the user's line."""


def export_error(op, reason: str) -> ExportError:
    where = format_location(getattr(op, "location", None))
    return ExportError(f"{op.type} ({op.name}) cannot be exported to ONNX: {reason}"
                       + (f". Defined at {where}" if where else ""))


def onnx_dtype(dtype) -> int:
    """ONNX element type of a graphflow DType (or numpy dtype)."""
    return helper.np_dtype_to_tensor_dtype(np.dtype(getattr(dtype, "np", dtype)))


class Scope:
    """The nodes of one graph body (the main graph, or an If branch / Loop body)."""

    def __init__(self):
        self.nodes: list = []


class ModelBuilder:
    """Names and nodes of the model being exported; initializers are model-wide (visible to every
    nested body, as ONNX's outer-scope rule allows)."""

    def __init__(self, opset: int):
        self.opset = opset
        self.initializers: list = []
        self._consts: dict = {}
        self._names = set()
        self._counter = itertools.count()
        self.scopes = [Scope()]

    def name(self, hint: str) -> str:
        base = "".join(c if c.isalnum() or c in "_./:" else "_" for c in hint) or "v"
        name = base
        while name in self._names:
            name = f"{base}_{next(self._counter)}"
        self._names.add(name)
        return name

    def reserve(self, names) -> None:
        """Names the caller chose (graph inputs and outputs): generated names avoid them."""
        self._names.update(names)

    def node(self, op_type: str, inputs, n_out: int = 1, name: str = "", **attrs) -> list:
        """Append an ONNX node; returns its output names."""
        outs = [self.name(f"{name or op_type}:{i}") for i in range(n_out)]
        self.scopes[-1].nodes.append(helper.make_node(op_type, list(inputs), outs, name=self.name(name or op_type),
                                                      **attrs))
        return outs

    def one(self, op_type: str, *inputs, **attrs) -> str:
        return self.node(op_type, inputs, **attrs)[0]

    def const(self, value, dtype=None, hint: str = "const") -> str:
        """An initializer holding `value` (small identical constants are shared)."""
        array = np.asarray(value, dtype=dtype)
        key = (array.dtype.str, array.shape, array.tobytes()) if array.size <= 64 else None
        if key is not None and key in self._consts:
            return self._consts[key]
        name = self.name(hint)
        self.initializers.append(numpy_helper.from_array(array.copy(order="C"), name))
        if key is not None:
            self._consts[key] = name
        return name

    def ints(self, values) -> str:
        return self.const(np.asarray(values, np.int64).reshape(-1), hint="ints")

    def cast(self, value: str, dtype) -> str:
        return self.one("Cast", value, to=onnx_dtype(dtype))

    def push(self) -> Scope:
        self.scopes.append(Scope())
        return self.scopes[-1]

    def pop(self) -> Scope:
        return self.scopes.pop()


def value_info(name: str, dtype, dims) -> object:
    """A graph input/output declaration; None dims stay dynamic (named after their position)."""
    shape = None if dims is None else [d if d is not None else f"{name}_dim{i}" for i, d in enumerate(dims)]
    return helper.make_tensor_value_info(name, onnx_dtype(dtype), shape)


BOOL = TensorProto.BOOL
