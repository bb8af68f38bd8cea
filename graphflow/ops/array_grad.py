"""Gradients of the shape and indexing ops: each routes the gradient back to where values came from."""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from . import api as gf
from .api.framework import get_static_value
from .array import normalize_index
from .dispatch import apply
from .grad_ops import dims, reduce_to, scatter_nd, shape_of, split_v
from .indexed_slices import IndexedSlices
from .infer import normalize_axis
from .registry import get, set_gradient


@set_gradient("Reshape")
def _reshape_grad(op, g):
    return gf.reshape(g, shape_of(op.inputs[0])), None


def _reshape_like_input(op, g):
    return (gf.reshape(g, shape_of(op.inputs[0])),)


set_gradient("ExpandDims")(_reshape_like_input)
set_gradient("Squeeze")(_reshape_like_input)


@set_gradient("Transpose")
def _transpose_grad(op, g):
    perm = op.attrs.get("perm")
    if perm is None:
        return (gf.transpose(g),)
    n = len(perm)
    bad = [p for p in perm if not 0 <= p < n]
    if bad:
        # the forward op accepts -1 for the last axis, but TensorFlow inverts perm with
        # InvertPermutation, which rejects it: so does this gradient
        raise InvalidArgumentError(None, "Transpose", f"The gradient of Transpose inverts perm {list(perm)}: "
                                                      f"{bad[0]} is not between 0 and {n}")
    inverse = [0] * n
    for i, p in enumerate(perm):
        inverse[p] = i
    return (gf.transpose(g, inverse),)


@set_gradient("ConcatV2")
def _concat_grad(op, g):
    xs = op.inputs
    axis = normalize_axis(op.attrs.get("axis", 0), g.shape.rank, "ConcatV2")
    sizes = [x.shape.dims[axis] if x.shape.dims is not None else None for x in xs]
    if None not in sizes:
        return gf.split(g, sizes, axis) if len(xs) > 1 else [g]
    dynamic = gf.stack([gf.shape(x)[axis] for x in xs])
    return split_v(g, dynamic, axis)


@set_gradient("Pack")
def _pack_grad(op, g):
    return gf.unstack(g, num=len(op.inputs), axis=op.attrs.get("axis", 0))


@set_gradient("Unpack")
def _unpack_grad(op, *gs):
    return (gf.stack(list(gs), axis=op.attrs.get("axis", 0)),)


@set_gradient("Split")
def _split_grad(op, *gs):
    return (gf.concat(list(gs), op.attrs.get("axis", 0)),)


@set_gradient("Tile")
def _tile_grad(op, g):
    # Tiling d into m copies: view the gradient as (m0, d0, m1, d1, ...) and sum the copies.
    x, multiples = op.inputs
    rank = x.shape.rank
    if rank is None:
        raise ValueError("The gradient of Tile needs the rank of its input")
    m = get_static_value(multiples)
    dims = shape_of(x)
    static = isinstance(dims, list) and m is not None
    if static:
        split_shape = [v for k, d in zip(m.tolist(), dims) for v in (k, d)]
    else:                              # interleave multiples and dims as graph tensors
        split_shape = gf.reshape(gf.stack([gf.cast(multiples, dtypes.int32), gf.shape(x)], axis=1), [-1])
    summed = gf.reduce_sum(gf.reshape(g, split_shape), list(range(0, 2 * rank, 2)))
    return (summed if static else gf.reshape(summed, gf.shape(x))), None


@set_gradient("Pad")
def _pad_grad(op, g):
    x, paddings = op.inputs
    mode = op.attrs.get("mode", "CONSTANT")
    if mode != "CONSTANT":
        return apply(get("MirrorPadGrad"), (g, paddings), {"mode": mode}), None
    pads = get_static_value(paddings)
    if pads is None:
        return _unpad(g, x, paddings), None
    key = tuple(slice(int(a), -int(b) if int(b) else None) for a, b in np.asarray(pads).reshape(-1, 2))
    return apply(get("StridedSlice"), (g,), {"index": _index(key)}), None


def _unpad(g, x, paddings):
    """g without the padding, each axis's core picked by its positions (paddings known only at run time)."""
    rank = x.shape.rank
    if rank is None:
        raise ValueError("The gradient of Pad needs the rank of its input")
    begin, size = gf.cast(paddings[:, 0], dtypes.int32), gf.shape(x)
    for axis in range(rank):
        g = gf.gather(g, gf.range(begin[axis], begin[axis] + size[axis]), axis=axis)
    return g


def _index(key):
    return normalize_index(key)


@set_gradient("BroadcastTo")
def _broadcast_to_grad(op, g):
    return reduce_to(g, op.inputs[0]), None


@set_gradient("Fill")
def _fill_grad(op, g):
    return None, gf.reduce_sum(g)


@set_gradient("StridedSlice")
def _strided_slice_grad(op, g):
    return (apply(get("StridedSliceGrad"), (op.inputs[0], g), {"index": op.attrs["index"]}),)


@set_gradient("StridedSliceGrad")
def _strided_slice_grad_grad(op, g):
    return None, apply(get("StridedSlice"), (g,), {"index": op.attrs["index"]})


def _batch_coordinates(indices, nb, depth_dim):
    """The batch coordinates of every index (shape indices.shape[:-1] + (nb,) when `depth_dim`, else
    indices.shape + (nb,)), as a constant of the indices' dtype: TensorFlow's batch_dims offsets."""
    d = dims(indices)
    if d is None or None in d:
        raise NotImplementedError("The gradient of a gather with batch_dims > 0 needs the static shape of its "
                                  f"indices, got {indices.shape}")
    grid = d[:-1] if depth_dim else d
    coords = np.stack(np.indices(grid)[:nb], axis=-1)
    return gf.constant(coords.astype(indices.dtype.as_numpy_dtype))


def _gather_rows_grad(params, indices, g):
    """The gradient of a row gather as TensorFlow gives it: IndexedSlices with one row of g per index."""
    d, gd, idims = dims(params), dims(g), dims(indices)
    if idims is None or len(idims) != 1:
        indices = gf.reshape(indices, [-1])
    if gd is None or len(gd) != len(d):
        row = list(d[1:]) if None not in d[1:] else gf.shape(params)[1:]
        g = gf.reshape(g, [-1] + row if isinstance(row, list) else gf.concat([[-1], row], 0))
    return IndexedSlices(g, indices, shape_of(params))


@set_gradient("GatherV2")
def _gather_grad(op, g):
    # Along axis 0 without batch dims: IndexedSlices (see indexed_slices.py). Otherwise a dense
    # gradient: scatter-add g into zeros like params.
    # out[B, M, I, Q] = params[B, M, indices[B, I], Q] with B the batch_dims leading axes, M the axes
    # before `axis`, I the other index axes and Q the axes after `axis`: move g's axes to (B, I, M, Q),
    # scatter at (B, indices[B, I]) into (B, axis, M, Q) and move the axes back.
    params, indices = op.inputs
    rank, k = params.shape.rank, indices.shape.rank
    if rank is None or k is None:
        raise NotImplementedError("The gradient of gather needs the ranks of params and indices")
    axis = normalize_axis(op.attrs.get("axis", 0), rank, "GatherV2")
    nb = op.attrs.get("batch_dims", 0)
    nb = nb % k if nb < 0 else nb
    if axis == 0 and nb == 0:
        return _gather_rows_grad(params, indices, g), None
    nm, ni = axis - nb, k - nb
    idx = gf.expand_dims(indices, -1)
    if nb:
        idx = gf.concat([_batch_coordinates(indices, nb, depth_dim=False), idx], -1)
    order = list(range(nb)) + [axis] + list(range(nb, axis)) + list(range(axis + 1, rank))
    if order == list(range(rank)):
        return scatter_nd(idx, g, shape_of(params)), None
    g_perm = (list(range(nb)) + list(range(nb + nm, nb + nm + ni)) + list(range(nb, nb + nm))
              + list(range(nb + nm + ni, rank + ni - 1)))
    d = shape_of(params)
    target = [d[i] for i in order] if isinstance(d, list) else gf.gather(d, order)
    back = [order.index(i) for i in range(rank)]
    return gf.transpose(scatter_nd(idx, gf.transpose(g, g_perm), target), back), None


@set_gradient("GatherNd")
def _gather_nd_grad(op, g):
    # out[B, I, R] = params[B, indices[B, I], R]: scatter g at (B, indices[B, I]).
    params, indices = op.inputs
    nb = op.attrs.get("batch_dims", 0)
    if nb:
        indices = gf.concat([_batch_coordinates(indices, nb, depth_dim=True), indices], -1)
    return scatter_nd(indices, g, shape_of(params)), None


@set_gradient("UnsortedSegmentSum")
def _unsorted_segment_sum_grad(op, g):
    return gf.gather(g, op.inputs[1]), None


@set_gradient("CheckNumerics")
def _check_numerics_grad(op, g):
    message = "Not a number (NaN) or infinity (Inf) values detected in gradient. " + op.attrs["message"]
    return (gf.check_numerics(g, message),)
