"""Activation functions as layers: ReLU, LeakyReLU, PReLU (a learned slope), ELU, Softmax."""
from __future__ import annotations

from ...ops import api
from .. import activations, initializers, regularizers
from ..serialization import serialize_object
from .base import Layer


class _ElementwiseActivation(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape


class ReLU(_ElementwiseActivation):
    """max(x, 0), or with `negative_slope` below `threshold` and a cap at `max_value`.

    Args: max_value (None), negative_slope (0.0), threshold (0.0).
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"ReLU: max_value must be >= 0, got {max_value}")
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"ReLU: negative_slope must be >= 0, got {negative_slope}")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope, self.threshold = float(negative_slope), float(threshold)

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class LeakyReLU(_ElementwiseActivation):
    """x for x > 0, negative_slope * x otherwise (default slope 0.3; `alpha` is the Keras 2 name)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"LeakyReLU: negative_slope must be >= 0, got {negative_slope}")
        self.negative_slope = float(negative_slope)

    def call(self, inputs):
        return api.leaky_relu(inputs, alpha=self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(_ElementwiseActivation):
    """x for x > 0, alpha * (exp(x) - 1) otherwise (alpha default 1.0)."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class PReLU(_ElementwiseActivation):
    """relu(x) - alpha * relu(-x) with a learned `alpha` per input cell; `shared_axes` share one
    alpha along those axes (e.g. [1, 2] for one slope per image channel).

    Args: alpha_initializer ('zeros'), alpha_regularizer, shared_axes (None).
    """

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        if shared_axes is None:
            self.shared_axes = None
        else:
            self.shared_axes = [int(a) for a in (shared_axes if isinstance(shared_axes, (list, tuple))
                                                 else [shared_axes])]

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            shape[axis - 1] = 1
        if None in shape:
            raise ValueError(f"PReLU {self.name!r}: the non-batch dimensions must be known (or shared), got input "
                             f"shape {tuple(input_shape)}")
        self.alpha = self.add_weight(shape=shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, name="alpha")
        self.built = True

    def call(self, inputs):
        return api.subtract(api.relu(inputs), api.multiply(self.alpha, api.relu(api.negative(inputs))))

    def get_config(self):
        return {**super().get_config(), "alpha_initializer": serialize_object(self.alpha_initializer),
                "alpha_regularizer": serialize_object(self.alpha_regularizer), "shared_axes": self.shared_axes}


class Softmax(_ElementwiseActivation):
    """softmax over `axis` (default -1). An optional `mask` (True = keep) leaves masked cells
    out, and they come out as 0."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            if not mask.dtype.is_bool:
                mask = api.greater(mask, api.cast(0.5, mask.dtype))
            big_negative = -3e4 if inputs.dtype.name == "float16" else -1e9
            inputs = api.where(mask, inputs, api.cast(big_negative, inputs.dtype))
        if isinstance(self.axis, (list, tuple)) and len(self.axis) > 1:
            out = api.exp(api.subtract(inputs, api.reduce_logsumexp(inputs, axis=list(self.axis), keepdims=True)))
        else:
            axis = self.axis[0] if isinstance(self.axis, (list, tuple)) else self.axis
            out = api.softmax(inputs, axis=axis)
        if mask is not None:
            out = api.where(mask, out, api.zeros_like(out))
        return out

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
