"""Reductions over an axis that is a graph tensor known only when the graph runs (TensorFlow runs
these; the result's rank is unknown until then): the reduced axes are moved last and one
flattened axis is reduced, with ops that already exist. Axes known while the graph is built never
come here. gf.reduce_*'s module dispatches here."""
from __future__ import annotations

from ... import dtypes
from ..dispatch import apply
from .construct import range as gf_range
from .logic import equal, logical_not, where
from .math import cast
from .op_call import opdef
from .shape import concat, expand_dims, gather, reshape, shape, transpose


def _positions_where(mask):
    """The positions (int32) where the boolean vector `mask` is true."""
    return cast(reshape(apply(opdef("Where"), (mask,), {}), [-1]), dtypes.int32)


def reduce_over_tensor_axes(reducer, x, axis, keepdims):
    """reducer(x2d, 1) applied to x with `axis` (a scalar or a vector, negative counting from the
    end, or a list holding scalar tensors) reduced."""
    rank = x.shape.rank
    if rank is None:
        raise ValueError("a reduction over an axis known only when the graph runs needs the input's rank")
    axes = reshape(cast(axis, dtypes.int32), [-1])
    axes = where(axes < 0, axes + rank, axes)
    positions = gf_range(rank)
    hits = equal(expand_dims(positions, 1), expand_dims(axes, 0))
    reduced = apply(opdef("Any"), (hits,), {"axis": 1, "keepdims": False})
    kept = _positions_where(logical_not(reduced))
    perm = concat([kept, _positions_where(reduced)], 0)
    dims = shape(x)
    kept_dims = gather(dims, kept)
    kept_size = reshape(apply(opdef("Prod"), (kept_dims,), {"axis": 0, "keepdims": False}), [1])
    flat = reshape(transpose(x, perm), concat([kept_size, [-1]], 0))
    out = reducer(flat, 1)
    return reshape(out, where(reduced, dims * 0 + 1, dims) if keepdims else kept_dims)
