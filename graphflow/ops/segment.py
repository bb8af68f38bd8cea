"""Segment reductions (tf.math.segment_* and unsorted_segment_*), cumulative sums and products, and
bincount: ops whose output rows collect input rows by an index.

`SegmentReduce` takes sorted ids (the output has ids[-1] + 1 rows, known at run time);
`UnsortedSegmentReduce` takes any ids and a `num_segments` tensor (known when built or only at run
time); ids out of range are dropped, as TensorFlow does for negative ids. Empty segments hold the
reduction's identity, except that segment_max/min give 0 for them as TensorFlow does in the sorted
variant.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..shapes import TensorShape
from . import infer as inf
from .convert import convert_to_tensor, is_tensorlike
from .dispatch import apply
from .registry import OpDef, Spec, get, register

_UFUNC = {"sum": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum}


def _identity(kind, dtype):
    if kind in ("sum", "mean"):
        return 0
    if kind == "prod":
        return 1
    info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)   # TensorFlow: the lowest finite value
    return info.min if kind == "max" else info.max


def _check_ids(data, ids, op):
    if ids.dtype.name not in ("int32", "int64"):
        raise TypeError(f"{op}: segment_ids must be int32 or int64, got {ids.dtype.name}")
    if ids.shape.dims is not None and data.shape.dims is not None:
        n = len(ids.shape.dims)
        if not data.shape[:n].is_compatible_with(ids.shape):
            raise ValueError(f"{op}: segment_ids shape {ids.shape} must be a prefix of data shape {data.shape}")


def _reduce_rows(data, ids, num, kind):
    rows = data.reshape((ids.size,) + data.shape[ids.ndim:])
    flat = ids.reshape(-1)
    keep = (flat >= 0) & (flat < num)
    rows, flat = rows[keep], flat[keep]
    red = "sum" if kind == "mean" else kind
    out = np.full((num,) + rows.shape[1:], _identity(red, data.dtype), dtype=data.dtype)
    _UFUNC[red].at(out, flat, rows)
    if kind == "mean":
        count = np.bincount(flat, minlength=num).reshape((num,) + (1,) * (rows.ndim - 1))
        out = (out / np.maximum(count, 1)).astype(data.dtype) if data.dtype.kind == "f" else \
            (out // np.maximum(count, 1)).astype(data.dtype)
    return out, np.bincount(flat, minlength=num)


# ---- sorted ids ----------------------------------------------------------------------------------------

def _segment_infer(data, ids, kind):
    _check_ids(data, ids, f"segment_{kind}")
    if ids.shape.rank not in (None, 1):
        raise ValueError(f"segment_{kind}: segment_ids must be a vector, got shape {ids.shape}")
    if data.shape.dims is None:
        return [Spec(TensorShape(None), data.dtype)]
    return [Spec(TensorShape((None,) + data.shape.dims[1:]), data.dtype)]


def _segment(data, ids, kind):
    if ids.size and (np.any(np.diff(ids) < 0) or ids[0] < 0):
        raise ValueError(f"segment_{kind}: segment ids are not increasing")
    if len(ids) != len(data):
        raise ValueError(f"segment_{kind}: segment_ids should be the same size as dimension 0 of data")
    num = int(ids[-1]) + 1 if ids.size else 0
    out, count = _reduce_rows(data, ids, num, kind)
    if kind in ("max", "min"):      # TensorFlow's sorted max/min leave empty segments at 0
        out[count == 0] = 0
    return out


register(OpDef("SegmentReduce", _segment_infer, _segment, allowed=inf.NUMERIC))


# ---- unsorted ids -------------------------------------------------------------------------------------

def _unsorted_infer(data, ids, num_segments, kind):
    _check_ids(data, ids, f"unsorted_segment_{kind}")
    if num_segments.shape.rank not in (0, None) or not num_segments.dtype.is_integer:
        raise ValueError(f"unsorted_segment_{kind}: num_segments should be an integer scalar, got "
                         f"{num_segments.dtype.name} {num_segments.shape}")
    num = None if num_segments.value is None else int(np.asarray(num_segments.value))
    if num is not None and num < 0:
        raise ValueError(f"Input num_segments == {num} must not be negative.")
    if data.shape.dims is None or ids.shape.dims is None:
        return [Spec(TensorShape(None), data.dtype)]
    return [Spec(TensorShape((num,) + data.shape.dims[len(ids.shape.dims):]), data.dtype)]


def _unsorted(data, ids, num_segments, kind):
    num = int(num_segments)
    if num < 0:
        raise InvalidArgumentError(None, "UnsortedSegmentReduce", f"UnsortedSegmentReduce: Input num_segments == "
                                                                  f"{num} must not be negative.")
    return _reduce_rows(data, ids, num, kind)[0]


register(OpDef("UnsortedSegmentReduce", _unsorted_infer, _unsorted, allowed=inf.NUMERIC))


def segment_reduce(kind, data, ids, num_segments=None):
    """The op for segment_<kind> (sorted ids) or, with `num_segments` (an int or an integer tensor,
    possibly known only when the graph runs), unsorted_segment_<kind>."""
    if num_segments is None:
        return apply(get("SegmentReduce"), (data, ids), {"kind": kind})
    if not is_tensorlike(num_segments):
        num_segments = convert_to_tensor(num_segments, dtype=ids.dtype)
    return apply(get("UnsortedSegmentReduce"), (data, ids, num_segments), {"kind": kind})


# ---- cumulative sum and product ------------------------------------------------------------------------

def _cumulative_infer(x, axis, exclusive=False, reverse=False):
    if x.shape.rank is not None:
        inf.normalize_axis(axis, x.shape.rank, "cumsum")
    return [x]


def _cumulative(ufunc, ident):
    def kernel(x, axis, exclusive=False, reverse=False):
        if x.ndim == 0:
            return x.copy()
        a = axis % x.ndim
        y = np.flip(x, a) if reverse else x
        out = ufunc.accumulate(y, axis=a, dtype=x.dtype)
        if exclusive and out.shape[a]:
            first = np.full_like(np.take(out, [0], axis=a), ident)
            out = np.concatenate([first, np.take(out, range(out.shape[a] - 1), axis=a)], axis=a)
        return np.flip(out, a) if reverse else out
    return kernel


register(OpDef("Cumsum", _cumulative_infer, _cumulative(np.add, 0), allowed=inf.NUMERIC))
register(OpDef("Cumprod", _cumulative_infer, _cumulative(np.multiply, 1), allowed=inf.NUMERIC))


# ---- bincount ---------------------------------------------------------------------------------------

def _bincount_infer(arr, weights, minlength, maxlength=None, dtype=dtypes.int32, binary_output=False, axis=None):
    """The bin count is known only when the graph runs (it follows arr's largest value), so is the
    last dimension; minlength (and maxlength when given) are scalar inputs, tensors or constants."""
    if not arr.dtype.is_integer:
        raise TypeError(f"bincount: arr must be an integer tensor, got {arr.dtype.name}")
    for what, spec in (("minlength", minlength), ("maxlength", maxlength)):
        if spec is not None and (spec.shape.rank not in (0, None) or not spec.dtype.is_integer):
            raise ValueError(f"bincount: {what} must be an integer scalar, got {spec.dtype.name} {spec.shape}")
    if axis == -1:
        lead = arr.shape.dims[:-1] if arr.shape.dims is not None else None
        return [Spec(TensorShape(None if lead is None else lead + (None,)), dtype)]
    return [Spec(TensorShape((None,)), dtype)]


def _bincount(arr, weights, minlength, maxlength=None, dtype=dtypes.int32, binary_output=False, axis=None):
    if arr.size and arr.min() < 0:
        raise ValueError("bincount: input arr must be non-negative")
    size = max(int(arr.max()) + 1 if arr.size else 0, int(minlength))
    if maxlength is not None:
        size = max(min(size, int(maxlength)), 0)
    w = None if weights.size == 0 else weights

    def count(a, wt):
        keep = a < size
        a = a[keep]
        wt = None if wt is None else wt[keep]
        out = np.bincount(a, weights=None if binary_output else wt, minlength=size)
        if binary_output:
            out = (out > 0).astype(out.dtype)
        return out
    if axis == -1:
        rows = arr.reshape(-1, arr.shape[-1]) if arr.ndim else arr.reshape(1, 1)
        wrows = None if w is None else w.reshape(rows.shape)
        out = np.stack([count(r, None if wrows is None else wrows[i]) for i, r in enumerate(rows)]) \
            if rows.shape[0] else np.zeros((0, size))
        return out.reshape(arr.shape[:-1] + (size,)).astype(dtype.np)
    return count(arr.reshape(-1), None if w is None else w.reshape(-1)).astype(dtype.np)


register(OpDef("Bincount", _bincount_infer, _bincount, differentiable=False))
