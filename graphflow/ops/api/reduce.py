"""Reductions over axes: gf.reduce_sum, gf.reduce_mean, gf.argmax, ... and the axis argument rules."""
from __future__ import annotations

from ... import context as ctx_mod
from ... import dtypes
from ...eager.tensor import EagerTensor
from ...tensor import Tensor
from ..convert import convert_to_tensor
from ..dispatch import apply
from ..infer import normalize_axes
from ..static_value import constant_value
from .construct import zeros_like
from .logic import where
from .math import add, exp, is_finite, log, stop_gradient, subtract
from .op_call import opdef
from .shape import axis_value, reshape, squeeze

_ctx = ctx_mod.context()






def _reduce(name, x, axis, keepdims, op_name):
    x = convert_to_tensor(x)
    if _unknown_while_built(axis):
        from .dynamic_axes import reduce_over_tensor_axes
        return reduce_over_tensor_axes(lambda v, a: _reduce(name, v, a, False, op_name), x, axis, keepdims)
    return apply(opdef(name), (x,), {"axis": axis_value(axis), "keepdims": bool(keepdims)}, op_name)


def _unknown_while_built(v):
    """A graph tensor whose value is known only when the graph runs (or a list holding one)."""
    if isinstance(v, (list, tuple)):
        return any(_unknown_while_built(a) for a in v)
    return isinstance(v, Tensor) and not isinstance(v, EagerTensor) and constant_value(v) is None


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("Sum", input_tensor, axis, keepdims, name)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("Mean", input_tensor, axis, keepdims, name)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("Max", input_tensor, axis, keepdims, name)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("Min", input_tensor, axis, keepdims, name)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("Prod", input_tensor, axis, keepdims, name)


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("Any", input_tensor, axis, keepdims, name)


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("All", input_tensor, axis, keepdims, name)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) computed stably by shifting by the (gradient-stopped) maximum."""
    x = convert_to_tensor(input_tensor)
    raw_max = reduce_max(x, axis, keepdims=True)
    my_max = stop_gradient(where(is_finite(raw_max), raw_max, zeros_like(raw_max)))
    out = add(log(reduce_sum(exp(subtract(x, my_max)), axis, keepdims=True)), my_max)
    if not keepdims:
        out = reshape(out, _reduced_shape(x, axis)) if _static_known(x) else squeeze(out, axis_value(axis))
    return out


def _static_known(x):
    return x.shape.is_fully_defined()


def _reduced_shape(x, axis):
    dims = x.shape.dims
    axes = normalize_axes(axis_value(axis), len(dims))
    return [d for i, d in enumerate(dims) if i not in axes]


def argmax(input, axis=None, output_type=dtypes.int64, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(opdef("ArgMax"), (x,), {"axis": 0 if axis is None else axis_value(axis),
                                       "output_type": dtypes.as_dtype(output_type)}, name)


def argmin(input, axis=None, output_type=dtypes.int64, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(opdef("ArgMin"), (x,), {"axis": 0 if axis is None else axis_value(axis),
                                       "output_type": dtypes.as_dtype(output_type)}, name)
