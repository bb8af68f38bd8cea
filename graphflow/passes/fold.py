"""Constant folding: evaluate, at compile time, ops whose inputs are all constants.

Never folds stateful or random ops (`OpDef.foldable`), ops carrying sub-graphs or callables,
or anything whose result would be larger than `config.fold_max_elements` and than its inputs
together (folding must not blow up memory: `fill([4096, 4096], 0.)` stays an op). Shape, Size
and Rank fold whenever their input's shape is static. Folding only evaluates ops whose inputs
are all constant, so it never reassociates: `(x + 1) + 1` keeps both adds.
"""
from __future__ import annotations

import numpy as np

from ..graph.graph import Graph
from ..ops.registry import SOURCE, Spec, get
from ..ops.static_value import literal
from ..shapes import TensorShape
from .pattern import P, Rules
from .program import Program, rebuild


def _foldable(op) -> bool:
    d = op.opdef
    if not d.foldable or d.stateful or d.kind == SOURCE or not op.outputs:
        return False
    return not any(isinstance(v, Graph) or (callable(v) and not isinstance(v, type)) for v in op.attrs.values())


def _out_type(op):
    out_type = op.attrs.get("out_type")
    return out_type.np if out_type is not None else np.int32


def _rank(ctx, op, x):
    dims = x.shape.dims
    return None if dims is None else [np.asarray(np.int32(len(dims)))]


def _shape(ctx, op, x):
    return [np.asarray(x.shape.dims, dtype=_out_type(op))] if x.shape.is_fully_defined() else None


def _size(ctx, op, x):
    if not x.shape.is_fully_defined():
        return None
    return [np.asarray(int(np.prod(x.shape.dims, dtype=np.int64)), dtype=_out_type(op))]


X = P.var("x")

# Ops that fold without constant inputs: their value is in the input's static shape.
SHAPE_FOLDS = Rules([
    # pattern        value              why it is known now
    (P("Rank", X),   _rank,             "the input's rank is static"),
    (P("Shape", X),  _shape,            "the input's shape is fully defined"),
    (P("Size", X),   _size,             "the input's shape is fully defined"),
])


def _as_declared(value, t):
    """The kernel's result as an array of the tensor's declared dtype and shape, or None."""
    try:
        arr = np.asarray(value)
    except Exception:  # noqa: BLE001
        return None
    if arr.dtype != t.dtype.np:
        if arr.dtype.kind != t.dtype.np.kind:
            return None
        arr = arr.astype(t.dtype.np)
    if t.shape.dims is not None and (len(t.shape.dims) != arr.ndim or
                                     any(d is not None and d != n for d, n in zip(t.shape.dims, arr.shape))):
        return None
    return arr


def fold_op(op, inputs, cap):
    """The folded output arrays of `op` (inputs: tensors of the new program), or None."""
    hit = SHAPE_FOLDS.first(None, op, inputs)
    if hit is not None:
        return hit[0]
    values = [literal(t) for t in inputs]
    if not _foldable(op) or any(v is None for v in values):
        return None
    limit = max(cap, sum(int(np.size(v)) for v in values))
    for t in op.outputs:
        n = t.shape.num_elements()
        if n is not None and n > limit:
            return None
    try:
        with np.errstate(all="ignore"):
            out = op.opdef.compute(*values, **op.attrs)
    except Exception:  # noqa: BLE001  (the error is raised at run time, where it belongs)
        return None
    outs = [out] if len(op.outputs) == 1 and op.opdef.num_outputs == 1 else list(out)
    if len(outs) != len(op.outputs):
        return None
    arrays = [_as_declared(v, t) for v, t in zip(outs, op.outputs)]
    if any(a is None or a.size > limit for a in arrays):
        return None
    return [np.array(a) for a in arrays]        # own copies: kernels may return views of inputs


def _candidate(op) -> bool:
    if SHAPE_FOLDS.first(None, op, op.inputs) is not None:
        return True
    return _foldable(op) and all(literal(t) is not None for t in op.inputs)


def run(graph: Program, config):
    if not any(_candidate(op) for op in graph.operations):     # nothing to fold: no copy
        return graph, {"folded": 0}
    cap = config.fold_max_elements
    count = [0]

    def visit(new, op, inputs):
        arrays = fold_op(op, inputs, cap)
        if arrays is None:
            return None
        count[0] += 1
        outs = []
        for i, (a, t) in enumerate(zip(arrays, op.outputs)):
            c = new.emit(_const_def(), (), {"value": a}, name=op.name if i == 0 else f"{op.name}_{i}",
                         specs=[Spec(TensorShape(a.shape), t.dtype)], location=op.location)
            outs.append(c.outputs[0])
        return outs

    new = rebuild(graph, visit)
    return (new if count[0] else graph), {"folded": count[0]}


def _const_def():
    return get("Const")
