"""Regularization layers: noise and dropout variants that act only while training (the identity
at inference), ActivityRegularization (a penalty on its inputs) and Identity. Their noise comes
from graphflow's random ops, so `seed` makes a run repeatable but does not reproduce Keras's
draws (Keras seeds its own generator)."""
from __future__ import annotations

import math

from ...ops import api
from .. import regularizers
from .base import Layer
from .core import Dropout
from .input_spec import InputSpec


def _check_fraction(layer: str, name: str, value) -> float:
    if not 0 <= value <= 1:
        raise ValueError(f"{layer}: {name} must be a float in [0, 1], got {name}={value!r}")
    return value


class Identity(Layer):
    """Returns its inputs unchanged: a placeholder where no operation is wanted."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


class _TrainingNoise(Layer):
    """A layer that is the identity unless called with training=True."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.supports_masking = True
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape


class GaussianNoise(_TrainingNoise):
    """Adds zero-centred Gaussian noise of standard deviation `stddev` while training.

    Args:
        stddev: the noise's standard deviation, in [0, 1].
        seed: optional seed of the noise.
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.stddev = _check_fraction("GaussianNoise", "stddev", stddev)

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            noise = api.random_normal(api.shape(inputs), 0.0, self.stddev, dtype=inputs.dtype, seed=self.seed)
            return api.add(inputs, noise)
        return inputs

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(_TrainingNoise):
    """Multiplies the inputs by 1-centred Gaussian noise of standard deviation
    `sqrt(rate / (1 - rate))` while training.

    Args:
        rate: drop probability (as Dropout's), in [0, 1].
        seed: optional seed of the noise.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = _check_fraction("GaussianDropout", "rate", rate)

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            noise = api.random_normal(api.shape(inputs), 1.0, stddev, dtype=inputs.dtype, seed=self.seed)
            return api.multiply(inputs, noise)
        return inputs

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


# SELU's constants: dropped units are set to SELU's negative saturation value -alpha * scale.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _concrete_noise_shape(inputs, noise_shape):
    """`noise_shape` with its None entries taken from the inputs' (possibly dynamic) shape."""
    if noise_shape is None:
        return api.shape(inputs)
    if len(noise_shape) != inputs.shape.rank:
        raise ValueError(f"noise_shape {tuple(noise_shape)} must have the inputs' rank {inputs.shape.rank}")
    dynamic = api.shape(inputs)
    return api.stack([dynamic[i] if d is None else api.constant(int(d), "int32") for i, d in enumerate(noise_shape)])


class AlphaDropout(_TrainingNoise):
    """Dropout that keeps the inputs' mean and variance (for SELU networks): while training,
    dropped units become SELU's saturation value and the result is affinely rescaled.

    Args:
        rate: drop probability, in [0, 1].
        noise_shape: shape of the keep mask (None entries: the inputs'), e.g. (None, 1, features).
        seed: optional seed of the mask.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = _check_fraction("AlphaDropout", "rate", rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        uniform = api.random_uniform(_concrete_noise_shape(inputs, self.noise_shape), dtype=inputs.dtype,
                                     seed=self.seed)
        kept = api.cast(api.greater_equal(uniform, self.rate), inputs.dtype)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        dropped = api.add(api.multiply(inputs, kept), api.multiply(api.subtract(1.0, kept), alpha_p))
        return api.add(api.multiply(dropped, a), b)

    def get_config(self):
        noise_shape = None if self.noise_shape is None else list(self.noise_shape)
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": noise_shape}


class _SpatialDropout(Dropout):
    """Dropout of whole feature maps: one keep decision per (sample, channel)."""

    ndim = 3

    def __init__(self, rate, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.input_spec = InputSpec(ndim=self.ndim)
        self.built = True

    def _channels_first(self) -> bool:
        return getattr(self, "data_format", "channels_last") == "channels_first"

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        if self.rate >= 1:
            return api.zeros_like(inputs)
        dims = api.shape(inputs)
        ones = [api.constant(1, "int32")] * (self.ndim - 2)
        channel = dims[1] if self._channels_first() else dims[self.ndim - 1]
        shape = [dims[0], channel] + ones if self._channels_first() else [dims[0]] + ones + [channel]
        return api.dropout(inputs, self.rate, noise_shape=api.stack(shape), seed=self.seed)

    def get_config(self):
        # Keras's spatial dropouts describe themselves without `trainable`
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self._policy.name}


class SpatialDropout1D(_SpatialDropout):
    """Dropout of whole 1D feature maps: inputs (batch, steps, channels), one decision per
    (sample, channel). Args: rate, seed."""

    ndim = 3


def _data_format(data_format):
    data_format = data_format or "channels_last"
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first', got {data_format!r}")
    return data_format


class SpatialDropout2D(_SpatialDropout):
    """Dropout of whole 2D feature maps: inputs (batch, rows, cols, channels) (or channels
    first), one decision per (sample, channel). Args: rate, data_format, seed."""

    ndim = 4

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.data_format = _data_format(data_format)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class SpatialDropout3D(SpatialDropout2D):
    """Dropout of whole 3D feature maps: inputs (batch, d1, d2, d3, channels) (or channels
    first), one decision per (sample, channel). Args: rate, data_format, seed."""

    ndim = 5


class ActivityRegularization(Layer):
    """The identity that adds `l1 * sum(|x|) + l2 * sum(x**2)` of its inputs, divided by the
    batch size (as Keras 3 normalises activity penalties), to the model's losses.

    Args: l1 (0.0), l2 (0.0).
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)
        super().__init__(**kwargs)
        self.l1, self.l2 = l1, l2
        self._penalty = regularizers.L1L2(l1=l1, l2=l2)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        if self.l1 or self.l2:
            loss = self._penalty(inputs)
            if inputs.shape.rank:
                loss = api.divide_no_nan(loss, api.cast(api.shape(inputs)[0], loss.dtype))
            self.add_loss(loss)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
