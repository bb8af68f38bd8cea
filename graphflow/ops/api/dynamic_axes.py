"""gf.transpose and the reductions with a perm / axis that is a graph tensor known only when the
graph runs (TensorFlow runs these; its result's dims, or for a reduction its rank, are unknown
until then). Both are built from ops that already exist: a transpose is a gather from the
flattened input at each output position's source offset, a reduction transposes the reduced axes
last and reduces one flattened axis. Perms and axes known while the graph is built never come here."""
from __future__ import annotations

from ... import dtypes
from .construct import range as gf_range
from .logic import equal, logical_not, where
from .math import add, cast, multiply
from .shape import concat, expand_dims, gather, reshape, shape


def _rank(x, what):
    rank = x.shape.rank
    if rank is None:
        raise ValueError(f"{what} known only when the graph runs needs the input's rank")
    return rank


def transpose_by_gather(x, perm):
    """x transposed by a run-time `perm`: output position (i_0, ..., i_r-1) reads the input's flat
    offset sum_k i_k * stride[perm[k]]."""
    from .segment import cumprod
    rank = _rank(x, "transpose with a perm")
    perm = cast(perm, dtypes.int32)
    dims = shape(x)
    strides = gather(cumprod(dims, exclusive=True, reverse=True), perm)
    out_dims = gather(dims, perm)
    offsets = 0
    for k in range(rank):
        along_k = multiply(gf_range(out_dims[k]), strides[k])
        offsets = add(offsets, reshape(along_k, [-1 if i == k else 1 for i in range(rank)]))
    if rank == 0:
        return x
    return gather(reshape(x, [-1]), offsets)


def reduce_over_tensor_axes(reducer, x, axis, keepdims):
    """reducer(x, axis) for a run-time `axis` (a scalar or a vector, negative counting from the end):
    the reduced axes go last, then one flattened axis is reduced."""
    from .array_extra import boolean_mask
    rank = _rank(x, "a reduction over an axis")
    axes = reshape(cast(axis, dtypes.int32), [-1])
    axes = where(axes < 0, axes + rank, axes)
    positions = gf_range(rank)
    reduced = _any(equal(expand_dims(positions, 1), expand_dims(axes, 0)))
    kept = logical_not(reduced)
    perm = concat([boolean_mask(positions, kept), boolean_mask(positions, reduced)], 0)
    dims = shape(x)
    kept_dims = boolean_mask(dims, kept)
    flat = reshape(transpose_by_gather(x, perm), concat([_prod(kept_dims), [-1]], 0))
    out = reducer(flat, 1)
    return reshape(out, where(reduced, dims * 0 + 1, dims) if keepdims else kept_dims)


def _any(hits):
    from .reduce import reduce_any
    return reduce_any(hits, 1)


def _prod(v):
    from .reduce import reduce_prod
    return reshape(reduce_prod(v), [1])
