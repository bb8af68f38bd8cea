"""How losses and metrics read their inputs: y_true/y_pred dtypes and ranks made to match."""
from __future__ import annotations

from ..ops import api
from . import backend


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1: bool = True):
    """Make ranks equal when they differ by a trailing dimension of 1."""
    r1, r2 = x1.shape.rank, x2.shape.rank
    if r1 == r2 or r1 is None or r2 is None:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            return x1, api.expand_dims(x2, -1)
        return api.squeeze(x1, [-1]), x2
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            return api.expand_dims(x1, -1), x2
        return x1, api.squeeze(x2, [-1])
    return x1, x2


def float_tensor(x):
    """x as a float tensor (integers become floatx), as Keras's mean of integers is a float."""
    t = api.convert_to_tensor(x)
    return t if t.dtype.is_floating else api.cast(t, backend.floatx())


def as_float(x, dtype):
    t = api.convert_to_tensor(x)
    return t if t.dtype is dtype else api.cast(t, dtype)
