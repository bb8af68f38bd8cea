"""tf.math.segment_*, unsorted_segment_*, cumsum/cumprod/cumulative_logsumexp and bincount."""
from __future__ import annotations

import numpy as np

from ... import dtypes
from .. import segment as _segment_ops
from ..convert import convert_to_tensor, is_tensorlike, python_value
from ..dispatch import apply
from ..static_value import constant_value
from .construct import ones_like, zeros_like
from .logic import greater, where
from .math import add, cast, divide, exp, is_finite, log, sqrt, stop_gradient, subtract
from .op_call import opdef
from .reduce import reduce_max
from .shape import axis_value, expand_dims


def _static_int(v, what, op):
    v = python_value(v)
    if hasattr(v, "op"):
        v = constant_value(v)
    if v is None:
        raise ValueError(f"{op}: {what} must be known when the graph is built")
    return int(v)


def _segment(kind):
    def fn(data, segment_ids, name=None):
        return _segment_ops.segment_reduce(kind, convert_to_tensor(data), convert_to_tensor(segment_ids))
    fn.__name__ = f"segment_{kind}"
    fn.__doc__ = f"The {kind} of the rows of `data` with equal (sorted) `segment_ids`; row i of the " \
                 f"result is segment i."
    return fn


def _unsorted(kind):
    def fn(data, segment_ids, num_segments, name=None):
        n = num_segments if is_tensorlike(num_segments) else _static_int(num_segments, "num_segments",
                                                                           f"unsorted_segment_{kind}")
        return _segment_ops.segment_reduce(kind, convert_to_tensor(data), convert_to_tensor(segment_ids), n)
    fn.__name__ = f"unsorted_segment_{kind}"
    fn.__doc__ = f"The {kind} of the rows of `data` by `segment_ids` (any order; ids outside " \
                 f"[0, num_segments) are dropped); num_segments may be a tensor known only when the graph runs."
    return fn


segment_sum, segment_mean, segment_max, segment_min, segment_prod = (
    _segment(k) for k in ("sum", "mean", "max", "min", "prod"))
unsorted_segment_sum, unsorted_segment_mean, unsorted_segment_max, unsorted_segment_min, unsorted_segment_prod = (
    _unsorted(k) for k in ("sum", "mean", "max", "min", "prod"))


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """The sum of each segment divided by sqrt(its number of rows); empty segments give 0."""
    data, ids = convert_to_tensor(data), convert_to_tensor(segment_ids)
    n = num_segments if is_tensorlike(num_segments) else _static_int(num_segments, "num_segments",
                                                                       "unsorted_segment_sqrt_n")
    total = _segment_ops.segment_reduce("sum", data, ids, n)
    count = _segment_ops.segment_reduce("sum", ones_like(cast(ids, data.dtype)), ids, n)
    count = sqrt(where(greater(count, zeros_like(count)), count, ones_like(count)))
    for _ in range((total.shape.rank or 1) - 1):
        count = expand_dims(count, -1)
    return divide(total, count)


def _cumulative(op, x, axis, exclusive, reverse):
    x = convert_to_tensor(x)
    return apply(opdef(op), (x,), {"axis": int(axis_value(axis)), "exclusive": bool(exclusive),
                                   "reverse": bool(reverse)})


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running sums along `axis`; `exclusive` starts from 0, `reverse` runs from the end."""
    return _cumulative("Cumsum", x, axis, exclusive, reverse)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running products along `axis`; `exclusive` starts from 1, `reverse` runs from the end."""
    return _cumulative("Cumprod", x, axis, exclusive, reverse)


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    """log(cumsum(exp(x))), shifted by the (gradient-stopped) maximum along `axis` for stability."""
    x = convert_to_tensor(x)
    m = reduce_max(x, axis, keepdims=True)
    m = stop_gradient(where(is_finite(m), m, zeros_like(m)))
    return add(log(cumsum(exp(subtract(x, m)), axis, exclusive, reverse)), m)


def _length(v):
    """A bincount length as an int32 scalar tensor (a graph tensor stays one: known when run)."""
    return v if is_tensorlike(v) else convert_to_tensor(_static_int(v, "length", "bincount"), dtype=dtypes.int32)


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32, name=None, axis=None,
             binary_output=False):
    """How often each value 0, 1, ... occurs in `arr` (the sum of `weights` there, when given).

    The result has max(arr) + 1 bins, at least `minlength` and at most `maxlength` (either may be a
    tensor known only when the graph runs); `axis=-1` counts each row of the last axis separately.
    With weights, the result has the weights' dtype."""
    arr = convert_to_tensor(arr)
    if axis not in (None, 0, -1):
        raise ValueError(f"bincount: axis must be None, 0 or -1, got {axis}")
    if weights is not None:
        weights = convert_to_tensor(weights)
        dtype = weights.dtype
    else:
        weights = convert_to_tensor(np.zeros(0, dtypes.as_dtype(dtype).np))
    lengths = [_length(0 if minlength is None else minlength)] + ([] if maxlength is None else [_length(maxlength)])
    attrs = {"dtype": dtypes.as_dtype(dtype), "binary_output": bool(binary_output), "axis": -1 if axis == -1 else None}
    return apply(opdef("Bincount"), (arr, weights, *lengths), attrs)
