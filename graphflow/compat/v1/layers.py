"""tf.compat.v1.layers: functional layers that create their variables with get_variable.

Each call opens a variable scope named after the layer (`dense`, `dense_1`, ... unless `name` is
given) inside the current one, so its variables are `<scope>/dense/kernel:0` as in TF1, and
`reuse=True` (or an enclosing reusing scope) shares them. batch_normalization adds its
moving-average updates to the UPDATE_OPS collection for the training op to depend on.
"""
from __future__ import annotations

import math

from ... import context
from ...ops import api
from ...tensor import Tensor
from . import initializers as init_ops
from . import nn
from . import variable_scope as vs
from .graph_collections import GraphKeys
from .variable_scope import get_variable, variable_scope


def _pair(v, what):
    if isinstance(v, int):
        return (v, v)
    v = tuple(int(a) for a in v)
    if len(v) != 2:
        raise ValueError(f"{what} must be an int or a pair of ints, got {v!r}")
    return v


def _channels_last(data_format, layer):
    if data_format not in ("channels_last", None):
        raise ValueError(f"{layer}: only data_format='channels_last' is supported, got {data_format!r}")


def _activate(x, activation):
    return x if activation is None else activation(x)


def _weight(name, shape, dtype, initializer, regularizer, trainable, constraint=None):
    return get_variable(name, shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
                        trainable=trainable, constraint=constraint)


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
          reuse=None):
    """activation(inputs @ kernel + bias); inputs of rank > 2 are contracted on their last axis."""
    with variable_scope(name, default_name="dense", reuse=reuse):
        return _dense(inputs, units, activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                      bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, trainable)


def _dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
           bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
           activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True):
    x = api.convert_to_tensor(inputs)
    if x.shape.rank is None or x.shape.dims[-1] is None:
        raise ValueError(f"dense: the last dimension of the inputs must be known, got shape {x.shape}")
    kernel = _weight("kernel", [x.shape.dims[-1], int(units)], x.dtype, kernel_initializer, kernel_regularizer,
                     trainable, kernel_constraint)
    y = api.matmul(x, kernel) if x.shape.rank == 2 else api.tensordot(x, kernel, [[x.shape.rank - 1], [0]])
    if use_bias:
        bias = _weight("bias", [int(units)], x.dtype, bias_initializer, bias_regularizer, trainable, bias_constraint)
        y = api.bias_add(y, bias)
    y = _activate(y, activation)
    _activity_loss(y, activity_regularizer)
    return y


def _activity_loss(y, regularizer):
    if regularizer is not None and not context.executing_eagerly():
        context.current_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, regularizer(y))


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
           dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer=None,
           bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
           activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
           reuse=None):
    """2-D convolution over NHWC inputs; kernel shape (kh, kw, in_channels, filters)."""
    with variable_scope(name, default_name="conv2d", reuse=reuse):
        return _conv2d(inputs, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                       use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                       activity_regularizer, kernel_constraint, bias_constraint, trainable)


def _conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
            dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer=None,
            bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
            activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True):
    _channels_last(data_format, "conv2d")
    x = api.convert_to_tensor(inputs)
    if x.shape.rank != 4 or x.shape.dims[-1] is None:
        raise ValueError(f"conv2d: inputs must be 4-D NHWC with known channels, got shape {x.shape}")
    kh, kw = _pair(kernel_size, "kernel_size")
    kernel = _weight("kernel", [kh, kw, x.shape.dims[-1], int(filters)], x.dtype, kernel_initializer,
                     kernel_regularizer, trainable, kernel_constraint)
    y = api.conv2d(x, kernel, strides=_pair(strides, "strides"), padding=padding.upper(),
                   dilations=_pair(dilation_rate, "dilation_rate"))
    if use_bias:
        bias = _weight("bias", [int(filters)], x.dtype, bias_initializer, bias_regularizer, trainable,
                       bias_constraint)
        y = api.bias_add(y, bias)
    y = _activate(y, activation)
    _activity_loss(y, activity_regularizer)
    return y


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
    _channels_last(data_format, "max_pooling2d")
    return api.max_pool2d(inputs, _pair(pool_size, "pool_size"), _pair(strides, "strides"), padding.upper(),
                          name=name)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
    _channels_last(data_format, "average_pooling2d")
    return api.avg_pool2d(inputs, _pair(pool_size, "pool_size"), _pair(strides, "strides"), padding.upper(),
                          name=name)


def flatten(inputs, name=None, data_format="channels_last"):
    """[batch, ...] -> [batch, product of the rest]."""
    x = api.convert_to_tensor(inputs)
    dims = x.shape.dims
    if dims is not None and all(d is not None for d in dims[1:]):
        return api.reshape(x, [-1, math.prod(dims[1:])], name=name)
    return api.reshape(x, api.stack([api.shape(x)[0], -1]), name=name)


def _select(training, if_true, if_false):
    """smart_cond for values: a Python bool picks now, a tensor picks when the graph runs."""
    if isinstance(training, (bool, int)) or training is None:
        return if_true() if training else if_false()
    return api.where(training, if_true(), if_false())


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Dropout only when `training` (a Python bool or a bool tensor) is true."""
    x = api.convert_to_tensor(inputs)
    if isinstance(training, (bool, int)) and not training:
        return api.identity(x, name)
    return _select(training, lambda: nn.dropout(x, rate=rate, noise_shape=noise_shape, seed=seed), lambda: x)


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=init_ops.zeros_initializer(), gamma_initializer=init_ops.ones_initializer(),
                        moving_mean_initializer=init_ops.zeros_initializer(),
                        moving_variance_initializer=init_ops.ones_initializer(), beta_regularizer=None,
                        gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, training=False,
                        trainable=True, name=None, reuse=None, renorm=False, renorm_clipping=None,
                        renorm_momentum=0.99, fused=None, virtual_batch_size=None, adjustment=None):
    """Normalise over every axis but `axis` with the batch's statistics when training (adding the
    moving-average updates to UPDATE_OPS), else with the moving statistics.

    As TensorFlow: 4-D inputs normalised on the last axis take the fused path, whose moving
    variance is updated with the unbiased batch variance; other inputs use the biased one.
    """
    if renorm or virtual_batch_size is not None or adjustment is not None:
        raise ValueError("batch_normalization: renorm, virtual_batch_size and adjustment are not supported")
    with variable_scope(name, default_name="batch_normalization", reuse=reuse):
        return _batch_normalization(inputs, axis, momentum, epsilon, center, scale, beta_initializer,
                                    gamma_initializer, moving_mean_initializer, moving_variance_initializer,
                                    beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint, training,
                                    trainable, fused)


def _batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                         beta_initializer=init_ops.zeros_initializer(), gamma_initializer=init_ops.ones_initializer(),
                         moving_mean_initializer=init_ops.zeros_initializer(),
                         moving_variance_initializer=init_ops.ones_initializer(), beta_regularizer=None,
                         gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, training=False,
                         trainable=True, fused=None):
    x = api.convert_to_tensor(inputs)
    rank = x.shape.rank
    if rank is None:
        raise ValueError("batch_normalization: the rank of the inputs must be known")
    axis = axis % rank
    channels = x.shape.dims[axis]
    if channels is None:
        raise ValueError(f"batch_normalization: dimension {axis} of the inputs must be known, got shape {x.shape}")
    reduce_axes = [a for a in range(rank) if a != axis]
    unbiased_update = fused is not False and rank == 4 and axis == 3
    param_dtype = x.dtype
    gamma = _weight("gamma", [channels], param_dtype, gamma_initializer, gamma_regularizer, trainable,
                    gamma_constraint) if scale else None
    beta = _weight("beta", [channels], param_dtype, beta_initializer, beta_regularizer, trainable,
                   beta_constraint) if center else None
    moving_mean = get_variable("moving_mean", [channels], dtype=param_dtype,
                               initializer=moving_mean_initializer, trainable=False)
    moving_variance = get_variable("moving_variance", [channels], dtype=param_dtype,
                                   initializer=moving_variance_initializer, trainable=False)
    shape = [1] * rank
    shape[axis] = channels

    def normalize(mean, variance):
        return nn.batch_normalization(x, _bcast(mean, shape, axis, rank), _bcast(variance, shape, axis, rank),
                                      None if beta is None else _bcast(beta, shape, axis, rank),
                                      None if gamma is None else _bcast(gamma, shape, axis, rank), epsilon)

    if isinstance(training, (bool, int)) and not training:
        return normalize(moving_mean, moving_variance)
    batch_mean, batch_variance = api.moments(x, reduce_axes)
    out = _select(training, lambda: normalize(batch_mean, batch_variance),
                  lambda: normalize(moving_mean, moving_variance))
    update_variance = batch_variance
    if unbiased_update:
        n = api.realdiv(api.cast(api.size(x), x.dtype), float(channels))
        update_variance = api.multiply(batch_variance, api.realdiv(n, api.maximum(api.subtract(n, 1.0), 1.0)))
    decay = _select(training, lambda: api.constant(1.0 - momentum, dtype=x.dtype),
                    lambda: api.constant(0.0, dtype=x.dtype))
    if not context.executing_eagerly():
        graph = context.current_graph()
        for variable, value in ((moving_mean, batch_mean), (moving_variance, update_variance)):
            update = variable.assign_sub(api.multiply(api.subtract(variable, value), decay))
            graph.add_to_collection(GraphKeys.UPDATE_OPS, update.op if isinstance(update, Tensor) else update)
    else:
        for variable, value in ((moving_mean, batch_mean), (moving_variance, update_variance)):
            variable.assign_sub(api.multiply(api.subtract(variable, value), decay))
    return out


def _bcast(v, shape, axis, rank):
    return v if axis == rank - 1 else api.reshape(v, shape)


# ---- the layer classes: a layer object keeps its variable scope, so every call shares its variables ----

class Layer:
    """Base of the tf.layers classes: the first call opens a variable scope named after the layer
    (`dense`, `dense_1`, ... unless `name` is given) and creates the variables; later calls reuse them."""

    _default_name = "layer"

    def __init__(self, trainable=True, name=None, **config):
        self.trainable, self.name, self._config = trainable, name, config
        self._scope = None
        self._eager_variables = None     # eager: full name -> variable, made by the first call

    def __call__(self, inputs, **call_kwargs):
        eager = context.executing_eagerly()
        if self._scope is None:
            mark = vs.eager_mark() if eager else 0
            with variable_scope(self.name, default_name=self._default_name) as scope:
                self._scope = scope
                self.name = scope.name.rsplit("/", 1)[-1]
                out = self._apply(inputs, **call_kwargs)
            if eager:
                self._eager_variables = {v.name.split(":")[0]: v for v in vs.eager_variables_created_since(mark)}
            return out
        with variable_scope(self._scope, reuse=True), vs.lend_variables(self._eager_variables or {}):
            return self._apply(inputs, **call_kwargs)

    apply = __call__

    def _apply(self, inputs, **call_kwargs):
        """The computation; a bare Layer passes its inputs through, as TensorFlow's does."""
        return inputs

    @property
    def variables(self):
        if self._eager_variables is not None:
            return list(self._eager_variables.values())
        if self._scope is None:
            return []
        from .graph_collections import global_variables, local_variables
        prefix = self._scope.name + "/"
        return [v for v in global_variables() + local_variables() if v.name.startswith(prefix)]

    weights = variables

    @property
    def trainable_variables(self):
        return [v for v in self.variables if v.trainable]

    trainable_weights = trainable_variables

    @property
    def non_trainable_variables(self):
        return [v for v in self.variables if not v.trainable]


class Dense(Layer):
    _default_name = "dense"

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable, name, units=units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint)

    def _apply(self, inputs):
        return _dense(inputs, trainable=self.trainable, **self._config)


class Conv2D(Layer):
    _default_name = "conv2d"

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
                 dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable, name, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    def _apply(self, inputs):
        return _conv2d(inputs, trainable=self.trainable, **self._config)


class BatchNormalization(Layer):
    _default_name = "batch_normalization"

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=init_ops.zeros_initializer(), gamma_initializer=init_ops.ones_initializer(),
                 moving_mean_initializer=init_ops.zeros_initializer(),
                 moving_variance_initializer=init_ops.ones_initializer(), beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, trainable=True, name=None,
                 fused=None, **kwargs):
        super().__init__(trainable, name, axis=axis, momentum=momentum, epsilon=epsilon, center=center,
                         scale=scale, beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                         moving_mean_initializer=moving_mean_initializer,
                         moving_variance_initializer=moving_variance_initializer, beta_regularizer=beta_regularizer,
                         gamma_regularizer=gamma_regularizer, beta_constraint=beta_constraint,
                         gamma_constraint=gamma_constraint, fused=fused)

    def _apply(self, inputs, training=False):
        return _batch_normalization(inputs, training=training, trainable=self.trainable, **self._config)


class MaxPooling2D(Layer):
    _default_name = "max_pooling2d"

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last", name=None, **kwargs):
        super().__init__(True, name, pool_size=pool_size, strides=strides, padding=padding, data_format=data_format)

    def _apply(self, inputs):
        return max_pooling2d(inputs, **self._config)


class AveragePooling2D(MaxPooling2D):
    _default_name = "average_pooling2d"

    def _apply(self, inputs):
        return average_pooling2d(inputs, **self._config)


class Flatten(Layer):
    _default_name = "flatten"

    def __init__(self, data_format="channels_last", name=None, **kwargs):
        super().__init__(True, name, data_format=data_format)

    def _apply(self, inputs):
        return flatten(inputs, **self._config)


class Dropout(Layer):
    _default_name = "dropout"

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(True, name, rate=rate, noise_shape=noise_shape, seed=seed)

    def _apply(self, inputs, training=False):
        return dropout(inputs, training=training, **self._config)
