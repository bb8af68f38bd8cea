"""What a symbolic tensor's value is while the graph is built, when the op that makes it says so
(`OpDef.static_value`: a Const, the Shape of a fully defined shape, ...): inference reads it, e.g.
for Reshape's shape. The rules below are the values of the ops that declare one."""
from __future__ import annotations

import numpy as np

from .registry import CONSTANT


def constant_value(t):
    """The value of a symbolic tensor when it is known at graph-build time, else None."""
    rule = t.op.opdef.static_value
    return None if rule is None else rule(t.op)


def literal(t):
    """The array a constant op holds for `t` (no inference: only what is written in the graph)."""
    op = t.op
    return op.attrs["value"] if op.opdef.source == CONSTANT else None


def value_attr(op):
    """Const: the array in its attrs."""
    return op.attrs["value"]


def static_shape(op):
    """Shape: its input's shape, when fully defined."""
    shape = op.inputs[0].shape
    if not shape.is_fully_defined():
        return None
    return np.asarray(shape.dims, dtype=op.attrs.get("out_type").np)


def stacked_values(op):
    """Pack: the stacked values of its inputs, when all are known."""
    vals = [constant_value(i) for i in op.inputs]
    if all(v is not None for v in vals):
        return np.stack(vals, axis=op.attrs.get("axis", 0))
    return None


def kernel_of_known_input(op):
    """One-input ops cheap to evaluate (StridedSlice, Cast): the kernel over the known value."""
    v = constant_value(op.inputs[0])
    return None if v is None else op.opdef.kernel(v, **op.attrs)


def static_rank(op):
    """Rank: its input's rank, when known (as TensorFlow's constant_value of tf.rank)."""
    rank = op.inputs[0].shape.rank
    return None if rank is None else np.int32(rank)


# Integer values at most this long are shape-like (a dim, an axis, a perm of up to 8 axes...);
# arithmetic over them is computed while the graph is built, as TensorFlow's shape inference
# evaluates small constant subgraphs. Longer or float values are left to constant folding.
_SHAPE_LIKE_SIZE = 8


def small_integer_arithmetic(op):
    """Elementwise integer ops over known shape-like inputs (`gf.shape(x)[0] - 1`, `gf.rank(x) - 1`)."""
    out = op.outputs[0]
    if not (out.dtype.is_integer and out.shape.is_fully_defined() and out.shape.num_elements() <= _SHAPE_LIKE_SIZE):
        return None
    values = []
    for t in op.inputs:
        if not t.shape.is_fully_defined() or t.shape.num_elements() > _SHAPE_LIKE_SIZE:
            return None
        v = constant_value(t)
        if v is None:
            return None
        values.append(np.asarray(v))
    with np.errstate(all="ignore"):
        return np.asarray(op.opdef.kernel(*values, **op.attrs), dtype=out.dtype.np)


def static_int(v, what: str) -> int:
    """`v` (a Python number or a tensor whose value the graph fixes) as an int, for an argument
    that shapes the graph (a window length, an output size); ValueError naming `what` otherwise."""
    from .convert import python_value  # convert builds on the registry this module serves
    v = python_value(v)
    if hasattr(v, "op"):
        v = constant_value(v)
        if v is None:
            raise ValueError(f"{what} must be known when the graph is built")
    return int(v)
