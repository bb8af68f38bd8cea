"""graphflow graphs -> TensorBoard's GraphDef, for the graph tab.

One NodeDef per op: its name (name scopes become TensorBoard's collapsible groups), its type (a
fused kernel shows as one node of its own type, listing the ops it replaced), data inputs as
`op:index` and control inputs as `^op`, the output dtypes and shapes, and short attrs as text.
"""
from __future__ import annotations

import numpy as np

_SHORT_ATTR = 200          # characters of an attr's text kept in the picture


def _data_type(dtype) -> int:
    from tensorboard.compat.proto import types_pb2
    return {"float16": types_pb2.DT_HALF, "float32": types_pb2.DT_FLOAT, "float64": types_pb2.DT_DOUBLE,
            "int8": types_pb2.DT_INT8, "int16": types_pb2.DT_INT16, "int32": types_pb2.DT_INT32,
            "int64": types_pb2.DT_INT64, "uint8": types_pb2.DT_UINT8, "bool": types_pb2.DT_BOOL,
            "string": types_pb2.DT_STRING}.get(dtype.name, types_pb2.DT_INVALID)


def _shape_proto(shape):
    from tensorboard.compat.proto import tensor_shape_pb2
    dims = getattr(shape, "dims", None)
    if dims is None:
        return tensor_shape_pb2.TensorShapeProto(unknown_rank=True)
    return tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else d)
                                                  for d in dims])


def _input_name(tensor) -> str:
    return tensor.op.name if tensor.value_index == 0 else f"{tensor.op.name}:{tensor.value_index}"


def _attr_text(value) -> str | None:
    """A readable attr value, or None for what a picture has no use for (callables, state)."""
    if callable(value) or type(value).__name__ in ("VariableState", "FuncGraph", "Program"):
        members = getattr(value, "members", None)
        return None if members is None else " -> ".join(m.opdef.name for m in members)
    if isinstance(value, np.ndarray):
        return np.array2string(value, threshold=16) if value.size <= 64 else f"array{value.shape} {value.dtype}"
    text = str(value)
    return text[:_SHORT_ATTR]


def node_def(op):
    from tensorboard.compat.proto import attr_value_pb2, node_def_pb2
    node = node_def_pb2.NodeDef(name=op.name, op=op.type)
    node.input.extend([_input_name(t) for t in op.inputs] + [f"^{c.name}" for c in op.control_inputs])
    if op.outputs:
        node.attr["T"].CopyFrom(attr_value_pb2.AttrValue(type=_data_type(op.outputs[0].dtype)))
        shapes = attr_value_pb2.AttrValue.ListValue(shape=[_shape_proto(t.shape) for t in op.outputs])
        node.attr["_output_shapes"].CopyFrom(attr_value_pb2.AttrValue(list=shapes))
    attrs = op.attrs if isinstance(op.attrs, dict) else {}
    for key, value in sorted(attrs.items()):
        text = _attr_text(value)
        if text is not None and key not in node.attr:
            node.attr[key].CopyFrom(attr_value_pb2.AttrValue(s=text.encode()))
    return node


def graph_def(graph):
    """The GraphDef of a Graph, a FuncGraph or a compiler Program (ops in creation order)."""
    from tensorboard.compat.proto import graph_pb2, versions_pb2
    return graph_pb2.GraphDef(node=[node_def(op) for op in graph.get_operations()],
                              versions=versions_pb2.VersionDef(producer=22))
