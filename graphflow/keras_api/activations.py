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


_BY_NAME = {f.__name__: f for f in (linear, relu, sigmoid, tanh, softmax, log_softmax, elu, selu, gelu, softplus,
                                    softsign, silu, relu6, leaky_relu, exponential, hard_sigmoid)}
_BY_NAME["swish"] = silu


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
