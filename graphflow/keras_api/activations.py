"""Activation functions by name ('relu', 'softmax', ...), as `Dense(activation=...)` takes them."""
from __future__ import annotations

import weakref

from ..eager.tensor import EagerTensor
from ..ops import api

# Eager softmax/sigmoid outputs remember their logits, so cross-entropies can use them (as Keras on
# TensorFlow does through `_keras_logits`); in graphs the producing op tells the same thing.
_eager_logits: dict = {}


def _remember_logits(out, logits, kind):
    if type(out) is EagerTensor:
        key = id(out)
        _eager_logits[key] = (weakref.ref(out, lambda _r, k=key: _eager_logits.pop(k, None)), logits, kind)
    return out


def logits_of(output, op_type: str):
    """The logits a 'Softmax' or 'Sigmoid' output was computed from, or None."""
    if type(output) is EagerTensor:
        entry = _eager_logits.get(id(output))
        if entry is not None and entry[0]() is output and entry[2] == op_type:
            return entry[1]
        return None
    op = getattr(output, "op", None)
    if op is not None and getattr(op, "type", None) == op_type and len(op.inputs) == 1:
        return op.inputs[0]
    return None


def linear(x):
    return x


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return api.relu(x)
    out = api.where(api.greater(x, threshold), x, api.multiply(api.subtract(x, threshold), negative_slope))
    return out if max_value is None else api.minimum(out, max_value)


def sigmoid(x):
    return _remember_logits(api.sigmoid(x), x, "Sigmoid")


def tanh(x):
    return api.tanh(x)


def softmax(x, axis=-1):
    return _remember_logits(api.softmax(x, axis=axis), x, "Softmax")


def log_softmax(x, axis=-1):
    return api.log_softmax(x, axis=axis)


def elu(x, alpha=1.0):
    out = api.elu(x)
    return out if alpha == 1.0 else api.where(api.greater(x, 0), x, api.multiply(out, alpha))


def selu(x):
    return api.selu(x)


def gelu(x, approximate=False):
    return api.gelu(x, approximate=approximate)


def softplus(x):
    return api.softplus(x)


def softsign(x):
    return api.divide(x, api.add(api.abs(x), 1.0))


def silu(x):
    return api.silu(x)


swish = silu


def relu6(x):
    return api.relu6(x)


def leaky_relu(x, negative_slope=0.2):
    return api.leaky_relu(x, alpha=negative_slope)


def exponential(x):
    return api.exp(x)


def hard_sigmoid(x):
    return api.clip_by_value(api.add(api.multiply(x, 1.0 / 6.0), 0.5), 0.0, 1.0)


# Keras 3's other activations, with its formulas (keras/src/backend/tensorflow/nn.py) and defaults,
# so values and gradients are TensorFlow's (tests/keras_api/test_keras_activations.py).

def celu(x, alpha=1.0):
    return api.add(api.maximum(x, 0.0), api.multiply(alpha, api.expm1(api.divide(api.minimum(x, 0.0), alpha))))


def glu(x, axis=-1):
    """The first half of `axis` gated by the sigmoid of the second half."""
    size = x.shape[axis] if x.shape.rank is not None else None
    if size is not None and size % 2:
        raise ValueError(f"glu: the size of axis {axis} must be even, got shape {x.shape}")
    first, second = api.split(x, 2, axis=axis)
    return api.multiply(first, api.sigmoid(second))


def hard_tanh(x):
    return api.clip_by_value(x, -1.0, 1.0)


def hard_shrink(x, threshold=0.5):
    return api.where(api.greater(api.abs(x), threshold), x, api.zeros_like(x))


def soft_shrink(x, threshold=0.5):
    return api.where(api.greater(x, threshold), api.subtract(x, threshold),
                     api.where(api.less(x, -threshold), api.add(x, threshold), api.zeros_like(x)))


def hard_silu(x):
    return api.multiply(x, api.divide(api.relu6(api.add(x, 3.0)), 6.0))


def log_sigmoid(x):
    return api.log_sigmoid(x)


def mish(x):
    return api.multiply(x, api.tanh(api.softplus(x)))


def sparse_plus(x):
    return api.where(api.less_equal(x, -1.0), api.zeros_like(x),
                     api.where(api.less(x, 1.0), api.multiply(0.25, api.square(api.add(x, 1.0))), x))


def sparse_sigmoid(x):
    return api.where(api.less_equal(x, -1.0), api.zeros_like(x),
                     api.where(api.greater_equal(x, 1.0), api.ones_like(x), api.multiply(0.5, api.add(x, 1.0))))


def squareplus(x, b=4):
    return api.divide(api.add(x, api.sqrt(api.add(api.square(x), api.cast(b, x.dtype)))), 2.0)


def tanh_shrink(x):
    return api.subtract(x, api.tanh(x))


def threshold(x, threshold, default_value):
    """x where x > threshold, else default_value (both required, as in Keras)."""
    return api.where(api.greater(x, threshold), x, api.cast(api.fill(api.shape(x), default_value), x.dtype))


def sparsemax(x, axis=-1):
    """Keras 3's sparsemax as it runs on TensorFlow: the threshold tau is the sum of the supported
    prefix's cumulative sums (minus 1) over its size, which is Keras's formula (it differs from
    the paper's cumsum[k-1] when more than one entry is supported); kept so numbers match."""
    rank = x.shape.rank
    axis = axis % rank
    ordered = api.negative(api.sort(api.negative(x), axis=axis))
    cumsum = api.cumsum(ordered, axis=axis)
    shape = [1] * rank
    shape[axis] = -1
    r = api.reshape(api.cast(api.range(1, api.shape(x)[axis] + 1), x.dtype), shape)
    support = api.greater(api.subtract(ordered, api.divide(api.subtract(cumsum, 1.0), r)), 0.0)
    kept = api.where(support, cumsum, api.zeros_like(cumsum))
    k = api.reduce_sum(api.cast(support, x.dtype), axis=axis, keepdims=True)
    tau = api.divide(api.subtract(api.reduce_sum(kept, axis=axis, keepdims=True), 1.0), k)
    return api.maximum(api.subtract(x, tau), 0.0)


_BY_NAME = {f.__name__: f for f in (linear, relu, sigmoid, tanh, softmax, log_softmax, elu, selu, gelu, softplus,
                                    softsign, silu, relu6, leaky_relu, exponential, hard_sigmoid, celu, glu,
                                    hard_tanh, hard_shrink, soft_shrink, hard_silu, log_sigmoid, mish, sparse_plus,
                                    sparse_sigmoid, squareplus, tanh_shrink, threshold, sparsemax)}
_BY_NAME["swish"] = silu
_BY_NAME["hard_swish"] = hard_silu
hard_swish = hard_silu


def get(identifier):
    """A callable from a name, None (linear) or a callable."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        try:
            return _BY_NAME[identifier]
        except KeyError:
            raise ValueError(f"Unknown activation {identifier!r}; known: {sorted(_BY_NAME)}") from None
    if isinstance(identifier, dict):   # {"class_name": "relu"} style configs
        return get(identifier.get("config", {}).get("name", identifier.get("class_name")))
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


def serialize(fn) -> str:
    name = getattr(fn, "__name__", None)
    if name in _BY_NAME and _BY_NAME[name] is fn:
        return name
    if name is not None:
        for key, f in _BY_NAME.items():
            if f is fn:
                return key
        return name
    raise TypeError(f"Cannot serialize activation {fn!r}")
