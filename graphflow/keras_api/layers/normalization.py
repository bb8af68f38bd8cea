"""BatchNormalization (batch statistics in training, moving averages at inference),
LayerNormalization, GroupNormalization and RMSNormalization (per-sample statistics) and
UnitNormalization (per-sample L2 norm)."""
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


def _axes_in_range(layer: str, axis, rank: int) -> list:
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"{layer}: axis {a} is out of bounds for inputs of rank {rank} (axis={axis})")
    return axes


class UnitNormalization(Layer):
    """Scale each sample to unit L2 norm along `axis` (an int or a list; default -1):
    `x / max(||x||, 1e-12)`."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            axis = list(axis)
        elif not isinstance(axis, int):
            raise TypeError(f"UnitNormalization: axis must be an int or a list of ints, got axis={axis!r}")
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        axes = _axes_in_range("UnitNormalization", self.axis, inputs.shape.rank)
        square_sum = api.reduce_sum(api.square(inputs), axis=axes, keepdims=True)
        return api.multiply(inputs, api.rsqrt(api.maximum(square_sum, 1e-24)))

    def compute_output_shape(self, input_shape):
        _axes_in_range("UnitNormalization", self.axis, len(input_shape))
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class GroupNormalization(Layer):
    """Split the channels (`axis`, default -1) into `groups` and normalise each sample's groups
    to zero mean and unit variance, then scale by gamma and shift by beta (per channel).
    groups=-1 gives instance normalization, groups=1 layer normalization over all axes.

    Args: groups (32), axis (-1), epsilon (1e-3), center, scale, beta/gamma initializers and
    regularizers.
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        if not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError("GroupNormalization: groups must be a positive integer (or -1 for instance "
                             f"normalization), got groups={groups!r}")
        super().__init__(**kwargs)
        self.groups, self.axis, self.epsilon = groups, axis, epsilon
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.supports_masking = True

    def build(self, input_shape):
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(f"GroupNormalization {self.name!r}: axis {self.axis} of input shape "
                             f"{tuple(input_shape)} must be known")
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups or dim % self.groups:
            raise ValueError(f"GroupNormalization {self.name!r}: {dim} channels cannot be split into "
                             f"{self.groups} equal groups")
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        self.gamma = self.add_weight(shape=(dim,), initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     name="gamma") if self.scale else None
        self.beta = self.add_weight(shape=(dim,), initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    name="beta") if self.center else None
        self.built = True

    def call(self, inputs):
        dims = inputs.shape.dims
        rank = len(dims)
        axis = self.axis % rank
        dim = dims[axis]
        per_group = dim // self.groups
        # (batch, ..., groups, channels per group, ...): statistics over all but batch and groups
        split = [d if d is not None else api.shape(inputs)[i] for i, d in enumerate(dims)]
        split[0] = -1
        split[axis:axis + 1] = [self.groups, per_group]
        static = all(isinstance(d, int) for d in split)
        grouped = api.reshape(inputs, split if static else api.stack(
            [api.constant(d, "int32") if isinstance(d, int) else d for d in split]))
        reduce_axes = [i for i in range(1, rank + 1) if i != axis]
        mean, variance = api.moments(grouped, reduce_axes, keepdims=True)
        inv = api.rsqrt(api.add(variance, self.epsilon))
        broadcast = [1] * (rank + 1)
        broadcast[axis:axis + 2] = [self.groups, per_group]
        if self.gamma is not None:
            inv = api.multiply(inv, api.reshape(self.gamma, broadcast))
        shift = api.negative(api.multiply(mean, inv))
        if self.beta is not None:
            shift = api.add(shift, api.reshape(self.beta, broadcast))
        out = api.add(api.multiply(grouped, inv), shift)
        known = all(d is not None for d in dims[1:])
        return api.reshape(out, [-1] + list(dims[1:]) if known else api.shape(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": serialize_object(self.beta_initializer),
                "gamma_initializer": serialize_object(self.gamma_initializer),
                "beta_regularizer": serialize_object(self.beta_regularizer),
                "gamma_regularizer": serialize_object(self.gamma_regularizer),
                "beta_constraint": serialize_object(self.beta_constraint),
                "gamma_constraint": serialize_object(self.gamma_constraint)}


class RMSNormalization(Layer):
    """Divide each sample by its root mean square over `axis` (default -1) and multiply by a
    learned `scale`: `x * rsqrt(mean(x**2) + epsilon) * scale`. Args: axis, epsilon (1e-6)."""

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis, self.epsilon = axis, epsilon

    def build(self, input_shape):
        axes = sorted(self.axis) if isinstance(self.axis, (list, tuple)) else [self.axis]
        _axes_in_range("RMSNormalization", axes, len(input_shape))
        self.axis = axes
        rank = len(input_shape)
        self._broadcast = None if axes == [rank - 1] or axes == [-1] else \
            [input_shape[i] if i in [a % rank for a in axes] else 1 for i in range(rank)]
        self.scale = self.add_weight(shape=tuple(input_shape[a] for a in axes), initializer="ones", name="scale")
        self.built = True

    def call(self, inputs):
        mean_square = api.reduce_mean(api.square(inputs), axis=self.axis, keepdims=True)
        out = api.multiply(inputs, api.rsqrt(api.add(mean_square, self.epsilon)))
        scale = self.scale if self._broadcast is None else api.reshape(self.scale, self._broadcast)
        return api.multiply(out, scale)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
