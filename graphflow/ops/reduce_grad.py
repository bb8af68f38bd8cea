"""Gradients of the reductions: broadcast the output gradient back over the reduced axes.

Max/Min share a tie's gradient equally among the tied elements and Prod multiplies running products
(no division), so zeros and infinities give TensorFlow's numbers.
"""
from __future__ import annotations

from . import api as gf
from .grad_ops import dims, scatter_nd, shape_of
from .infer import normalize_axes
from .registry import set_gradient


def _axes(op):
    d = dims(op.inputs[0])
    if d is None:
        raise NotImplementedError(f"The gradient of {op.type} needs the rank of its input to be known")
    return normalize_axes(op.attrs.get("axis"), len(d))


def _kept_shape(x, axes):
    """x's shape with the reduced axes set to 1 (a list when static, else a tensor)."""
    d = dims(x)
    if None not in d:
        return [1 if i in axes else n for i, n in enumerate(d)]
    mask = [i in axes for i in range(len(d))]
    s = gf.shape(x)
    return gf.where(gf.constant(mask), gf.ones_like(s), s)


def _keep(t, op, axes, for_broadcast=False):
    """The reduced value `t` with its reduced axes restored as size 1 (as keepdims=True).

    With `for_broadcast`, leading reduced axes are left out: broadcasting adds them back."""
    if op.attrs.get("keepdims") or not axes:
        return t
    if for_broadcast and axes == tuple(range(len(axes))):
        return t
    return gf.reshape(t, _kept_shape(op.inputs[0], axes))


def _broadcast_back(g, op, axes):
    x = op.inputs[0]
    if len(axes) == len(dims(x)):
        # A full reduction (a loss): two elementwise ops, cheaper eagerly than broadcast_to and fusable.
        return gf.multiply(gf.ones_like(x), g)
    return gf.broadcast_to(_keep(g, op, axes, for_broadcast=True), shape_of(x))


def _unknown_rank_broadcast_back(g, op):
    """The output gradient spread over x when x's rank is only known at run time (TF1 scripts
    reduce `placeholder("float")`): the reduced axes of x's shape become 1, then broadcast."""
    x = op.inputs[0]
    axis = op.attrs.get("axis")
    if axis is None or op.attrs.get("keepdims"):
        return gf.multiply(gf.ones_like(x), g)
    shape = gf.shape(x)
    rank = gf.shape(shape)
    axes = gf.constant([axis] if isinstance(axis, int) else list(axis), dtype=shape.dtype)
    axes = gf.add(axes, gf.multiply(gf.cast(gf.less(axes, 0), shape.dtype), rank))   # negative axes
    reduced = scatter_nd(gf.expand_dims(axes, 1), gf.ones_like(axes), rank)
    kept = gf.subtract(shape, gf.multiply(gf.minimum(reduced, 1), gf.subtract(shape, 1)))
    return gf.broadcast_to(gf.reshape(g, kept), shape)


@set_gradient("Sum")
def _sum_grad(op, g):
    if dims(op.inputs[0]) is None:
        return (_unknown_rank_broadcast_back(g, op),)
    return (_broadcast_back(g, op, _axes(op)),)


def _count(op, axes):
    x, y = op.inputs[0], op.outputs[0]
    d = dims(x)
    if all(d[a] is not None for a in axes):
        n = 1
        for a in axes:
            n *= d[a]
        return float(n)
    n = gf.cast(gf.size(x), x.dtype)
    return n if len(axes) == len(dims(x)) else gf.realdiv(n, gf.cast(gf.size(y), x.dtype))


@set_gradient("Mean")
def _mean_grad(op, g):
    x, y = op.inputs[0], op.outputs[0]
    if dims(x) is None:
        n = gf.realdiv(gf.cast(gf.size(x), x.dtype), gf.cast(gf.size(y), x.dtype))
        return (_unknown_rank_broadcast_back(gf.realdiv(g, n), op),)
    axes = _axes(op)
    n = _count(op, axes)
    if isinstance(n, float):
        # an empty input has an empty gradient: any scale will do, and 1/0 must not raise
        scaled = gf.multiply(g, 1.0 / n if n else float("nan"))
    else:
        scaled = gf.realdiv(g, n)
    return (_broadcast_back(scaled, op, axes),)


def _extremum_grad(op, g):
    x = op.inputs[0]
    axes = _axes(op)
    y = _keep(op.outputs[0], op, axes)
    hits = gf.cast(gf.equal(y, x), g.dtype)
    share = gf.realdiv(_keep(g, op, axes), gf.reduce_sum(hits, list(axes), keepdims=True))
    return (gf.multiply(hits, share),)


set_gradient("Max")(_extremum_grad)
set_gradient("Min")(_extremum_grad)


@set_gradient("Prod")
def _prod_grad(op, g):
    # d prod / d x_i = the product of the others, as TF computes it: lay the reduced axes out first,
    # flatten them to one, and multiply exclusive running products from the left and from the right.
    # No division, so zeros and infinities give TF's numbers (inf * 2 = inf, not inf / inf = nan).
    x = op.inputs[0]
    axes = list(_axes(op))
    if not axes:
        return (gf.multiply(gf.ones_like(x), _keep(g, op, ())),)
    rank = len(dims(x))
    perm = axes + [i for i in range(rank) if i not in axes]
    moved = gf.transpose(x, perm)
    moved_shape = gf.shape(moved)
    rows = gf.reduce_prod(moved_shape[:len(axes)])
    flat = gf.reshape(moved, gf.stack([rows, -1]))
    others = gf.multiply(gf.cumprod(flat, 0, exclusive=True), gf.cumprod(flat, 0, exclusive=True, reverse=True))
    back = [perm.index(i) for i in range(rank)]
    others = gf.transpose(gf.reshape(others, moved_shape), back)
    return (gf.multiply(others, _keep(g, op, tuple(axes))),)
