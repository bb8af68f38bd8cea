"""Gradients of the segment reductions and cumulative ops (ops/segment.py), TensorFlow's formulas."""
from __future__ import annotations

from . import api as gf
from .registry import set_gradient
from .segment import segment_reduce


def _gather_rows(g, ids, num, checked):
    """g[ids]; with `checked`, 0 for ids outside [0, num) (the rows the forward op dropped)."""
    if not checked:
        return gf.gather(g, ids)
    valid = gf.logical_and(gf.greater_equal(ids, gf.zeros_like(ids)), gf.less(ids, gf.cast(num, ids.dtype)))
    rows = gf.gather(g, gf.where(valid, ids, gf.zeros_like(ids)))
    for _ in range((rows.shape.rank or 0) - (ids.shape.rank or 0)):
        valid = gf.expand_dims(valid, -1)
    return gf.where(valid, rows, gf.zeros_like(rows))


def _segment_grad(unsorted):
    def grad(op, g):
        data, ids = op.inputs[:2]
        kind = op.attrs["kind"]
        num = op.inputs[2] if unsorted else None
        none = (None,) * (len(op.inputs) - 1)     # ids and num_segments have no gradient
        y = op.outputs[0]
        n = gf.shape(y)[0]

        def again(k, d):
            return segment_reduce(k, d, ids, num)

        def rows(t):
            return _gather_rows(t, ids, n, unsorted)
        if kind == "sum":
            return (rows(g),) + none
        if kind == "mean":
            count = again("sum", gf.ones_like(gf.cast(ids, data.dtype)))
            count = gf.maximum(count, gf.ones_like(count))
            for _ in range((y.shape.rank or 1) - 1):
                count = gf.expand_dims(count, -1)
            return (rows(gf.divide(g, count)),) + none
        if kind in ("max", "min"):
            chosen = gf.equal(data, rows(y))
            picks = again("sum", gf.cast(chosen, data.dtype))
            return (gf.where(chosen, rows(gf.divide_no_nan(g, picks)), gf.zeros_like(data)),) + none
        # prod: y / x where x != 0; where x is its segment's only zero, the product of the others
        zero = gf.equal(data, gf.zeros_like(data))
        zeros_in = again("sum", gf.cast(zero, data.dtype))
        g = gf.where(gf.greater(zeros_in, gf.ones_like(zeros_in)), gf.zeros_like(g), g)
        nonzero = gf.where(zero, gf.ones_like(data), data)
        partial = gf.where(zero, rows(again("prod", nonzero)), gf.divide(rows(y), nonzero))
        return (gf.multiply(rows(g), partial),) + none
    return grad


set_gradient("SegmentReduce")(_segment_grad(unsorted=False))
set_gradient("UnsortedSegmentReduce")(_segment_grad(unsorted=True))


@set_gradient("Cumsum")
def _cumsum_grad(op, g):
    a = op.attrs
    return (gf.cumsum(g, a["axis"], exclusive=a.get("exclusive", False), reverse=not a.get("reverse", False)),)


@set_gradient("Cumprod")
def _cumprod_grad(op, g):
    """TensorFlow's formula: cumsum(y g) in the other direction, divided by x (NaN where x is 0)."""
    a = op.attrs
    x, y = op.inputs[0], op.outputs[0]
    out = gf.cumsum(gf.multiply(y, g), a["axis"], exclusive=a.get("exclusive", False),
                         reverse=not a.get("reverse", False))
    return (gf.divide(out, x),)


