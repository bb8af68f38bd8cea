"""`x[key]` and gf.slice whose bounds are graph tensors known only when the graph runs
(`x[: gf.shape(x)[0] - 1]`): each sliced axis becomes a gather over a gf.range of the clamped
bounds, so the op graph needs no new op and gradients are the gathers'. Keys whose bounds are all
known while the graph is built never come here (they stay one StridedSlice)."""
from __future__ import annotations

from ... import dtypes
from ...eager.tensor import EagerTensor
from ...tensor import Tensor
from ..static_value import constant_value
from .construct import range as gf_range
from .logic import less, where
from .math import add, cast, maximum, minimum
from .shape import expand_dims, gather, shape


def known_bound(v):
    """A slice bound or index: a Python int when known while the graph is built, else the graph tensor."""
    if isinstance(v, Tensor) and not isinstance(v, EagerTensor):
        known = constant_value(v)
        return v if known is None else int(known)
    return v


def is_graph_bound(v) -> bool:
    return isinstance(v, Tensor) and not isinstance(v, EagerTensor)


def _int32(v):
    return cast(v, dtypes.int32) if isinstance(v, Tensor) else v


def _from_end(v, dim):
    """A negative bound counts from the end of the axis."""
    v = _int32(v)
    return where(less(v, 0), add(v, dim), add(v, 0 * dim))


def _clamp(v, lo, hi):
    return minimum(maximum(v, lo), hi)


def _axis_positions(entry, dim):
    """The positions a slice (a, b, c) takes along an axis of (run-time) size `dim`."""
    _, a, b, c = entry
    step = 1 if c is None else c
    if is_graph_bound(step):
        raise ValueError("a slice step must be known when the graph is built")
    if step > 0:
        start = 0 * dim if a is None else _clamp(_from_end(a, dim), 0, dim)
        stop = dim if b is None else _clamp(_from_end(b, dim), 0, dim)
        return gf_range(start, maximum(start, stop), step)
    start = dim - 1 if a is None else _clamp(_from_end(a, dim), -1, dim - 1)
    stop = 0 * dim - 1 if b is None else _clamp(_from_end(b, dim), -1, dim - 1)
    return gf_range(start, minimum(start, stop), step)


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
            out, axis = expand_dims(out, axis), axis + 1
        elif k[0] == "ellipsis":
            axis += rank - consumed
        elif k[0] == "int":
            out = gather(out, _from_end(k[1], shape(out)[axis]), axis=axis)
        else:
            out, axis = gather(out, _axis_positions(k, shape(out)[axis]), axis=axis), axis + 1
    return out
