"""`x[key]`, gf.slice and gf.transpose whose bounds or perm are graph tensors known only when the
graph runs (`x[: gf.shape(x)[0] - 1]`, a perm computed from a dim): each sliced axis becomes a
gather over a range of the clamped bounds, a transpose a gather from the flattened input at each
output position's source offset. Nothing new enters the op graph and gradients are the gathers'.
Keys and perms known while the graph is built never come here (they stay one StridedSlice or
Transpose). Built from the ops themselves: gf.shape's module dispatches here."""
from __future__ import annotations

from ... import dtypes
from ...eager.tensor import EagerTensor
from ...tensor import Tensor
from ..convert import convert_to_tensor
from ..dispatch import apply
from ..static_value import constant_value
from .math import add, cast, maximum, minimum, multiply
from .op_call import opdef


def known_bound(v):
    """A slice bound or index: a Python int when known while the graph is built, else the graph tensor."""
    if is_graph_bound(v):
        known = constant_value(v)
        return v if known is None else int(known)
    return v


def is_graph_bound(v) -> bool:
    return isinstance(v, Tensor) and not isinstance(v, EagerTensor)


def _int32(v):
    return cast(v, dtypes.int32) if isinstance(v, Tensor) else convert_to_tensor(int(v), dtypes.int32)


def _op(name, *inputs, **attrs):
    return apply(opdef(name), inputs, attrs)


def _gather(x, indices, axis):
    return _op("GatherV2", x, indices, axis=axis, batch_dims=0)


def _dim(x, axis):
    return _op("StridedSlice", _op("Shape", x, out_type=dtypes.int32), index=(("int", axis),))


def _from_end(v, dim):
    """A negative bound counts from the end of the axis."""
    v = _int32(v)
    return _op("Select", _op("Less", v, _int32(0)), add(v, dim), v)


def _clamp(v, lo, hi):
    return minimum(maximum(v, _int32(lo) if not isinstance(lo, Tensor) else lo), hi)


def _range(start, limit, delta):
    return _op("Range", _int32(start), _int32(limit), _int32(delta))


def _axis_positions(entry, dim):
    """The positions a slice (a, b, c) takes along an axis of (run-time) size `dim`."""
    _, a, b, c = entry
    step = 1 if c is None else c
    if is_graph_bound(step):
        raise ValueError("a slice step must be known when the graph is built")
    # an open end (the axis's end, or -1 going down) is never before start: no clamp against it
    if step > 0:
        start = _int32(0) if a is None else _clamp(_from_end(a, dim), 0, dim)
        stop = dim if b is None else maximum(start, _clamp(_from_end(b, dim), 0, dim))
        return _range(start, stop, step)
    last = add(dim, _int32(-1))
    start = last if a is None else _clamp(_from_end(a, dim), -1, last)
    stop = _int32(-1) if b is None else minimum(start, _clamp(_from_end(b, dim), -1, last))
    return _range(start, stop, step)


def slice_by_gathers(x, key):
    """x[key] for a key of ('int', i) / ('slice', a, b, c) / ('newaxis',) / ('ellipsis',) entries
    whose bounds may be graph tensors."""
    rank = x.shape.rank
    if rank is None:
        raise ValueError("slicing with bounds known only when the graph runs needs the input's rank")
    consumed = sum(1 for k in key if k[0] in ("int", "slice"))
    if consumed > rank:
        raise ValueError(f"Index out of range using input dim {rank}: {consumed} indices")
    out, axis = x, 0
    for k in key:
        if k[0] == "newaxis":
            out, axis = _op("ExpandDims", out, axis=axis), axis + 1
        elif k[0] == "ellipsis":
            axis += rank - consumed
        elif k[0] == "int":
            out = _gather(out, _from_end(k[1], _dim(out, axis)), axis)
        else:
            out, axis = _gather(out, _axis_positions(k, _dim(out, axis)), axis), axis + 1
    return out


def transpose_by_gather(x, perm):
    """x transposed by a run-time `perm`: output position (i_0, ..., i_r-1) reads the input's flat
    offset sum_k i_k * stride[perm[k]]."""
    rank = x.shape.rank
    if rank is None:
        raise ValueError("transpose with a perm known only when the graph runs needs the input's rank")
    if rank == 0:
        return x
    perm = cast(perm, dtypes.int32)
    dims = _op("Shape", x, out_type=dtypes.int32)
    strides = _gather(_op("Cumprod", dims, axis=0, exclusive=True, reverse=True), perm, 0)
    out_dims = _gather(dims, perm, 0)
    offsets = None
    for k in range(rank):
        along_k = multiply(_range(0, _gather(out_dims, _int32(k), 0), 1), _gather(strides, _int32(k), 0))
        along_k = _op("Reshape", along_k, _int32_vector([-1 if i == k else 1 for i in range(rank)]))
        offsets = along_k if offsets is None else add(offsets, along_k)
    return _gather(_op("Reshape", x, _int32_vector([-1])), offsets, 0)


def _int32_vector(values):
    return convert_to_tensor(values, dtypes.int32)
