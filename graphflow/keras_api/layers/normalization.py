"""BatchNormalization (batch statistics in training, moving averages at inference) and
LayerNormalization (per-sample statistics)."""
from __future__ import annotations

from ...ops import api
from .. import initializers, regularizers
from ..serialization import serialize_object
from .base import Layer
from .input_spec import InputSpec


def _param_shape_and_axes(input_shape, axis):
    rank = len(input_shape)
    axes = [a % rank for a in (axis if isinstance(axis, (list, tuple)) else [axis])]
    for a in axes:
        if input_shape[a] is None:
            raise ValueError(f"Normalization axis {a} of input shape {tuple(input_shape)} must be known")
    return axes, rank


class BatchNormalization(Layer):
    """Normalise each channel with the batch's mean and variance while training, and with moving
    averages (`moving = moving * momentum + batch * (1 - momentum)`) at inference.

    Args:
        axis: the channel axis (default -1).
        momentum: of the moving averages (default 0.99).
        epsilon: added to the variance (default 1e-3).
        center / scale: learn beta / gamma (default True).
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.supports_masking = True

    def build(self, input_shape):
        axes, rank = _param_shape_and_axes(input_shape, self.axis)
        shape = tuple(input_shape[a] for a in axes)
        self._axes = axes
        self._reduction_axes = [i for i in range(rank) if i not in axes]
        self._broadcast = None if axes == [rank - 1] else [input_shape[i] if i in axes else 1 for i in range(rank)]
        self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, name="gamma") if self.scale else None
        self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, name="beta") if self.center else None
        self.moving_mean = self.add_weight(shape=shape, initializer=self.moving_mean_initializer,
                                           trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=shape, initializer=self.moving_variance_initializer,
                                               trainable=False, name="moving_variance")
        self.input_spec = InputSpec(ndim=rank, axes={a: input_shape[a] for a in axes})
        self.built = True

    def _b(self, t):
        return t if self._broadcast is None else api.reshape(t, self._broadcast)

    def call(self, inputs, training=None):
        if training and self.trainable:
            mean, variance = api.moments(inputs, self._reduction_axes)
            m = self.momentum
            self.moving_mean.assign(api.add(api.multiply(self.moving_mean, m), api.multiply(mean, 1.0 - m)))
            self.moving_variance.assign(api.add(api.multiply(self.moving_variance, m),
                                                api.multiply(variance, 1.0 - m)))
        else:
            mean, variance = self.moving_mean, self.moving_variance
        inv = api.rsqrt(api.add(variance, self.epsilon))
        if self.gamma is not None:
            inv = api.multiply(inv, self.gamma)
        shift = api.negative(api.multiply(mean, inv))
        if self.beta is not None:
            shift = api.add(shift, self.beta)
        return api.add(api.multiply(inputs, self._b(inv)), self._b(shift))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": serialize_object(self.beta_initializer),
                "gamma_initializer": serialize_object(self.gamma_initializer),
                "moving_mean_initializer": serialize_object(self.moving_mean_initializer),
                "moving_variance_initializer": serialize_object(self.moving_variance_initializer)}


class LayerNormalization(Layer):
    """Normalise each sample over `axis` (default -1) to zero mean and unit variance, then
    scale by gamma and shift by beta. Args: axis, epsilon (1e-3), center, scale."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, **kwargs):
        kwargs.pop("rms_scaling", None)
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.supports_masking = True

    def build(self, input_shape):
        axes, rank = _param_shape_and_axes(input_shape, self.axis)
        self._axes = axes
        shape = tuple(input_shape[a] for a in axes)
        self._broadcast = None if axes == [rank - 1] else [input_shape[i] if i in axes else 1 for i in range(rank)]
        self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, name="gamma") if self.scale else None
        self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, name="beta") if self.center else None
        self.built = True

    def call(self, inputs):
        mean, variance = api.moments(inputs, self._axes, keepdims=True)
        out = api.multiply(api.subtract(inputs, mean), api.rsqrt(api.add(variance, self.epsilon)))
        if self.gamma is not None:
            out = api.multiply(out, self.gamma if self._broadcast is None else api.reshape(self.gamma, self._broadcast))
        if self.beta is not None:
            out = api.add(out, self.beta if self._broadcast is None else api.reshape(self.beta, self._broadcast))
        return out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "beta_initializer": serialize_object(self.beta_initializer),
                "gamma_initializer": serialize_object(self.gamma_initializer)}
