"""What a symbolic tensor's value is while the graph is built, when the ops that make it say so
(a Const, the Shape of a fully defined shape, ...): inference reads it, e.g. for Reshape's shape."""
from __future__ import annotations

import numpy as np


def constant_value(t):
    """The value of a symbolic tensor when it is known at graph-build time, else None."""
    op = t.op
    if op.type == "Const":
        return op.attrs["value"]
    if op.type == "Shape" and op.inputs[0].shape.is_fully_defined():
        return np.asarray(op.inputs[0].shape.dims, dtype=op.attrs.get("out_type").np)
    if op.type == "Pack":
        vals = [constant_value(i) for i in op.inputs]
        if all(v is not None for v in vals):
            return np.stack(vals, axis=op.attrs.get("axis", 0))
    if op.type == "StridedSlice":
        v = constant_value(op.inputs[0])
        if v is not None:
            return op.opdef.kernel(v, **op.attrs)
    if op.type == "Cast":
        v = constant_value(op.inputs[0])
        if v is not None:
            return op.opdef.kernel(v, **op.attrs)
    return None
