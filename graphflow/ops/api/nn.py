"""Neural-network functions (gf.nn.*): activations, softmax and losses, conv and pooling, dropout."""
from __future__ import annotations

import math as _pymath

from ... import context as ctx_mod
from ... import dtypes
from ..convert import convert_to_tensor, python_value
from ..dispatch import apply
from .construct import zeros_like
from .logic import greater, greater_equal, where
from .math import (
    add,
    cast,
    erf,
    exp,
    expm1,
    identity,
    log1p,
    minimum,
    multiply,
    negative,
    relu,
    sigmoid,
    square,
    squared_difference,
    stop_gradient,
    subtract,
    tanh,
)
from .op_call import argument_error, opdef
from .random import random_uniform
from .reduce import reduce_mean, reduce_sum
from .shape import reshape, shape, squeeze

_ctx = ctx_mod.context()


def relu6(features, name=None):
    # 6 first: minimum sends a tie to its first input, so the gradient at 6 is 0 as in TF.
    x = relu(features)
    return minimum(convert_to_tensor(6, dtype=x.dtype), x, name)


def leaky_relu(features, alpha=0.2, name=None):
    x = convert_to_tensor(features)
    if x.dtype.is_integer:
        x = cast(x, dtypes.float32)   # as TF: integer features are computed in float32
    return where(greater(x, 0), x, multiply(x, alpha), name)


def elu(features, name=None):
    x = convert_to_tensor(features)
    return where(greater(x, 0), x, expm1(minimum(x, 0)), name)


def selu(features, name=None):
    """scale * (x if x >= 0 else alpha * (exp(x) - 1)); selecting on x >= 0 gives TF's gradient at 0."""
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    x = convert_to_tensor(features)
    negative_part = multiply(expm1(minimum(x, 0)), alpha)
    return multiply(where(greater_equal(x, 0), x, negative_part), scale, name)


def gelu(features, approximate=False, name=None):
    """0.5 x (1 + erf(x / sqrt 2)); with approximate=True, the tanh form."""
    x = convert_to_tensor(features)
    if approximate:
        c = _pymath.sqrt(2 / _pymath.pi)
        inner = multiply(add(x, multiply(multiply(multiply(x, x), x), 0.044715)), c)
        return multiply(multiply(x, 0.5), add(tanh(inner), 1.0), name)
    return multiply(multiply(x, 0.5), add(erf(multiply(x, 1 / _pymath.sqrt(2))), 1.0), name)


def silu(features, beta=1.0, name=None):
    x = convert_to_tensor(features)
    return multiply(x, sigmoid(multiply(x, beta)), name)


swish = silu


def softmax(logits, axis=None, name=None):
    x = convert_to_tensor(logits)
    return apply(opdef("Softmax"), (x,), {"axis": -1 if axis is None else int(axis)}, name)


def log_softmax(logits, axis=None, name=None):
    x = convert_to_tensor(logits)
    return apply(opdef("LogSoftmax"), (x,), {"axis": -1 if axis is None else int(axis)}, name)


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    if labels is None or logits is None:
        raise ValueError("sparse_softmax_cross_entropy_with_logits needs labels= and logits=")
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels)
    return apply(opdef("SparseSoftmaxCrossEntropyWithLogits"), (logits, labels), {}, name)


def softmax_cross_entropy_with_logits(labels=None, logits=None, axis=-1, name=None):
    if labels is None or logits is None:
        raise ValueError("softmax_cross_entropy_with_logits needs labels= and logits=")
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels, dtype_hint=logits.dtype)
    return apply(opdef("SoftmaxCrossEntropyWithLogits"), (logits, labels), {"axis": int(axis)}, name)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """max(x, 0) - x * z + log(1 + exp(-|x|)): stable for any logit."""
    x = convert_to_tensor(logits)
    z = convert_to_tensor(labels, dtype_hint=x.dtype)
    if x.shape.is_fully_defined() and z.shape.is_fully_defined() and x.shape != z.shape:
        raise ValueError(f"sigmoid_cross_entropy_with_logits: logits and labels must have the same shape "
                         f"({x.shape} vs {z.shape})")
    # Both branches selected on x >= 0 (not relu/abs), so the gradient at x = 0 is sigmoid(0) - z, as TF.
    nonneg = greater_equal(x, zeros_like(x))
    relu_x = where(nonneg, x, zeros_like(x))
    neg_abs_x = where(nonneg, negative(x), x)
    return add(subtract(relu_x, multiply(x, z)), log1p(exp(neg_abs_x)), name)


def bias_add(value, bias, data_format=None, name=None):
    x = convert_to_tensor(value)
    b = convert_to_tensor(bias, dtype_hint=x.dtype)
    if b.shape.rank != 1:
        raise argument_error("BiasAdd", f"bias must be 1-D, got shape {b.shape}")
    if x.shape.rank is not None and x.shape.rank < 2:
        raise argument_error("BiasAdd", f"value must be at least rank 2, got shape {x.shape}")
    if data_format == "NCHW" and x.shape.rank and x.shape.rank > 2:
        b = reshape(b, [-1] + [1] * (x.shape.rank - 2))
    elif x.shape.dims is not None and b.shape.dims[0] is not None and x.shape.dims[-1] not in (None, b.shape.dims[0]):
        raise argument_error("BiasAdd", f"bias of size {b.shape.dims[0]} does not match the last dimension of "
                       f"{x.shape}")
    return add(x, b, name)


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):  # noqa: A002
    if data_format != "NHWC":
        raise ValueError("conv2d: only data_format='NHWC' is supported on the CPU")
    x = convert_to_tensor(input)
    w = convert_to_tensor(filters, dtype_hint=x.dtype)
    return apply(opdef("Conv2D"), (x, w), {"strides": _hw(strides), "padding": _padding(padding, explicit=True),
                                         "dilations": _hw(dilations or 1)}, name)


def _hw(v):
    if isinstance(v, int):
        return (v, v)
    v = tuple(int(a) for a in v)
    return v[1:3] if len(v) == 4 else (v * 2 if len(v) == 1 else v)


def _padding(p, explicit=False):
    """'SAME', 'VALID' or (conv2d only) explicit NHWC pairs [[0, 0], [t, b], [l, r], [0, 0]]."""
    if explicit and isinstance(p, (list, tuple)):
        pairs = tuple((int(a), int(b)) for a, b in p)
        if len(pairs) != 4 or pairs[0] != (0, 0) or pairs[3] != (0, 0) or min(min(q) for q in pairs) < 0:
            raise argument_error("Conv2D", f"explicit padding must be [[0, 0], [top, bottom], [left, right], [0, 0]] "
                           f"with non-negative sizes, got {p!r}")
        return pairs[1:3]
    p = p.upper() if isinstance(p, str) else p
    if p not in ("SAME", "VALID"):
        raise argument_error("Conv2D" if explicit else "Pool", f"padding must be 'SAME' or 'VALID', got {p!r}")
    return p


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(opdef("MaxPool"), (x,), {"ksize": _hw(ksize), "strides": _hw(strides),
                                        "padding": _padding(padding)}, name)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(opdef("AvgPool"), (x,), {"ksize": _hw(ksize), "strides": _hw(strides),
                                        "padding": _padding(padding)}, name)


def l2_loss(t, name=None):
    x = convert_to_tensor(t)
    if not x.dtype.is_floating:
        raise argument_error("L2Loss", f"needs a float tensor, got {x.dtype.name}", TypeError)
    return multiply(reduce_sum(square(x)), 0.5, name)


def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and (biased) variance over `axes`."""
    x = convert_to_tensor(x)
    mean = reduce_mean(x, axes, keepdims=True)
    variance = reduce_mean(squared_difference(x, stop_gradient(mean)), axes, keepdims=True)
    if not keepdims:
        mean = squeeze(mean, axes)
        variance = squeeze(variance, axes)
    return mean, variance


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zero each element with probability `rate`, scale the rest by 1 / (1 - rate)."""
    x = convert_to_tensor(x)
    rate_v = float(python_value(rate))
    if not 0 <= rate_v < 1:
        raise ValueError(f"dropout: rate must be in [0, 1), got {rate_v}")
    if rate_v == 0:
        return identity(x)
    keep = greater_equal(random_uniform(noise_shape if noise_shape is not None else shape(x),
                                        dtype=x.dtype, seed=seed), rate_v)
    return where(keep, multiply(x, 1.0 / (1.0 - rate_v)), zeros_like(x), name)
