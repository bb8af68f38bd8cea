"""KerasTensor and Node: the symbolic layer graph recorded when layers are called on `Input`s.

A KerasTensor is only a shape and a dtype plus where it came from (`_keras_history`: layer,
node index, output index). A Node is one call of a layer on KerasTensors. Functional models
replay their nodes in order on real tensors.
"""
from __future__ import annotations

from . import nest


class KerasTensor:
    """A symbolic placeholder: what a layer will receive, with a batch dimension of None."""

    __slots__ = ("shape", "dtype", "name", "_keras_history", "sparse")

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype if isinstance(dtype, str) else dtype.name
        self.name = name
        self._keras_history = None
        self.sparse = False

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def node(self):
        layer, node_index, _ = self._keras_history
        return layer._inbound_nodes[node_index]

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"A KerasTensor ({self.name}) is symbolic: it has no value. It stands for the "
                        "input of a model being built; call the model on data to get values.")

    def __bool__(self):
        raise TypeError(f"A KerasTensor ({self.name}) cannot be used as a Python bool.")

    # Operators on symbolic inputs become small layers, as Keras allows (x + y, x * 2, x[:, 0]).
    def __add__(self, other):
        return _binary(lambda a, b: a + b, self, other, "add")

    def __radd__(self, other):
        return _binary(lambda a, b: b + a, self, other, "add")

    def __sub__(self, other):
        return _binary(lambda a, b: a - b, self, other, "subtract")

    def __rsub__(self, other):
        return _binary(lambda a, b: b - a, self, other, "subtract")

    def __mul__(self, other):
        return _binary(lambda a, b: a * b, self, other, "multiply")

    def __rmul__(self, other):
        return _binary(lambda a, b: b * a, self, other, "multiply")

    def __truediv__(self, other):
        return _binary(lambda a, b: a / b, self, other, "divide")

    def __matmul__(self, other):
        return _binary(lambda a, b: a @ b, self, other, "matmul")

    def __neg__(self):
        return _op_layer()(lambda a: -a, name="negative")(self)

    def __getitem__(self, key):
        return _op_layer()(lambda a: a[key], name="get_item")(self)


# The layer that records an operator on a KerasTensor lives in layers.core, which builds on this
# module; it registers itself here when it is defined instead of this module importing it back.
_OP_LAYER: list = []


def register_op_layer(cls) -> None:
    _OP_LAYER[:] = [cls]


def _op_layer():
    return _OP_LAYER[0]


def _binary(fn, a, b, name):
    OpLambda = _op_layer()
    if isinstance(b, KerasTensor):
        return OpLambda(lambda xs: fn(xs[0], xs[1]), name=name)([a, b])
    return OpLambda(lambda x: fn(x, b), name=name)(a)


def is_keras_tensor(x) -> bool:
    return type(x) is KerasTensor


def has_keras_tensor(structure) -> bool:
    if type(structure) is KerasTensor:
        return True
    if isinstance(structure, (list, tuple, dict)):
        return nest.any_leaf(is_keras_tensor, structure)
    return False


class Node:
    """One call of `layer` on symbolic inputs: `args`/`kwargs` hold KerasTensors, `outputs` too."""

    def __init__(self, layer, args=(), kwargs=None, outputs=None):
        self.layer = layer
        self.args = args
        self.kwargs = kwargs or {}
        self.outputs = outputs
        self.input_tensors = [t for t in nest.flatten([list(args), self.kwargs]) if is_keras_tensor(t)]
        self.output_tensors = [t for t in nest.flatten(outputs) if is_keras_tensor(t)]
        self.index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, t in enumerate(self.output_tensors):
            t._keras_history = (layer, self.index, i)
            if t.name is None:
                t.name = layer.name if len(self.output_tensors) == 1 else f"{layer.name}_{i}"

    @property
    def parent_nodes(self) -> list:
        return [t.node for t in self.input_tensors if t._keras_history is not None]

    @property
    def is_input(self) -> bool:
        return not self.input_tensors


def get_source_inputs(tensor) -> list:
    """The `Input` tensors a symbolic tensor was computed from, each once, in the order first met.

    A value that is not a KerasTensor with a history is returned as is (Keras does the same)."""
    if not is_keras_tensor(tensor) or tensor._keras_history is None:
        return tensor
    node = tensor.node
    if node.is_input:
        return [tensor]
    sources: list = []
    for t in node.input_tensors:
        for s in get_source_inputs(t):
            if all(s is not seen for seen in sources):
                sources.append(s)
    return sources
