"""The readable text form of a graph: one line per op, like an SSA listing.

    %x = Placeholder() {dtype=float32, shape=(None, 3)} : f32[?,3]
    %mul = Mul(%x, %c) : f32[?,3]
    %s, %s:1 = Split(%mul) {axis=1, sizes=(1, 2)} : f32[?,1], f32[?,2]
    AssignVariableOp(%mul) {var=v} ^init

Tests assert on it, `graphflow explain` prints it, error messages quote lines of it. An op's
output 0 is `%name`, output k is `%name:k`; `^name` is a control input.
"""
from __future__ import annotations

import numpy as np

_SHORT = {"float16": "f16", "float32": "f32", "float64": "f64", "int8": "i8", "int16": "i16",
          "int32": "i32", "int64": "i64", "uint8": "u8", "bool": "bool", "complex64": "c64", "complex128": "c128"}


def type_str(dtype, shape) -> str:
    """`f32[2,?]`; an unknown rank prints as `f32[*]`."""
    name = _SHORT.get(getattr(dtype, "name", str(dtype)), getattr(dtype, "name", str(dtype)))
    dims = getattr(shape, "dims", shape)
    if dims is None:
        return f"{name}[*]"
    return f"{name}[{','.join('?' if d is None else str(d) for d in dims)}]"


def tensor_ref(t) -> str:
    return f"%{t.op.name}" if t.value_index == 0 else f"%{t.op.name}:{t.value_index}"


def attr_str(value) -> str:
    """A short, deterministic rendering of an attr value (big arrays show only type and shape)."""
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.size <= 8:
            body = np.array2string(arr, separator=", ", threshold=8).replace("\n", "")
            return body if arr.ndim else str(arr[()])
        return f"<{type_str(arr.dtype, arr.shape)}>"
    if hasattr(value, "name") and hasattr(value, "np"):            # DType
        return value.name
    if hasattr(value, "read") and hasattr(value, "write"):         # VariableState
        return value.name
    if hasattr(value, "text_summary"):                            # FusionGroup and friends
        return value.text_summary()
    if isinstance(value, (tuple, list)):
        inner = ", ".join(attr_str(v) for v in value)
        return f"({inner}{',' if len(value) == 1 else ''})" if isinstance(value, tuple) else f"[{inner}]"
    if isinstance(value, float):
        return repr(value)
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    return repr(value) if isinstance(value, str) else str(value)


def op_line(op) -> str:
    """One op as one line."""
    outs = ", ".join(tensor_ref(t) for t in op.outputs)
    args = ", ".join(tensor_ref(t) for t in op.inputs)
    attrs = {k: v for k, v in op.attrs.items() if not k.startswith("_")}
    line = f"{outs} = " if outs else ""
    line += f"{op.type}({args})"
    if attrs:
        line += " {" + ", ".join(f"{k}={attr_str(v)}" for k, v in sorted(attrs.items())) + "}"
    if op.outputs:
        line += " : " + ", ".join(type_str(t.dtype, t.shape) for t in op.outputs)
    if op.control_inputs:
        line += " " + " ".join(f"^{c.name}" for c in op.control_inputs)
    return line


def to_text(graph_or_ops, outputs=None, targets=None) -> str:
    """The whole graph (or a list of ops), one op per line, in graph order.

    `outputs`/`targets` (defaulting to a Program's own) add a closing `return` line.
    """
    ops = graph_or_ops.operations if hasattr(graph_or_ops, "operations") else list(graph_or_ops)
    lines = [op_line(op) for op in ops]
    if outputs is None:
        outputs = getattr(graph_or_ops, "outputs", None)
    if targets is None:
        targets = getattr(graph_or_ops, "targets", None)
    if outputs is not None or targets:
        ret = ", ".join(tensor_ref(t) for t in (outputs or ()))
        if targets:
            ret += (" " if ret else "") + " ".join(f"^{op.name}" for op in targets)
        lines.append(f"return {ret}".rstrip())
    return "\n".join(lines)
