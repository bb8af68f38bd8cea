"""Core layers: Input, Dense, Activation, Flatten, Reshape, Dropout, Embedding, Lambda."""
from __future__ import annotations

import numpy as np

from ... import dtypes
from ...ops import api
from .. import activations, backend, initializers, regularizers
from ..keras_tensor import KerasTensor, Node, register_op_layer
from ..serialization import serialize_object
from .base import Layer
from .input_spec import InputSpec


def _static_or_dynamic_shape(x, tail: list):
    """The shape `[batch, *tail]` as a list (static when only the batch dim is unknown)."""
    dims = x.shape.dims
    if dims is not None and all(d is not None for d in dims[1:]):
        return [-1] + tail
    return api.concat([api.shape(x)[:1], api.constant(np.asarray(tail, np.int32))], axis=0)


class InputLayer(Layer):
    """The entry point of a functional model; `keras.Input` returns its symbolic output.

    Args:
        shape: the shape of one sample (without the batch dimension).
        batch_size: a fixed batch size, or None.
        dtype: the input dtype (default floatx).
        batch_shape: the full shape including the batch dimension (instead of shape/batch_size).
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, batch_shape=None, name=None, sparse=False,
                 input_tensor=None, **kwargs):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name or backend.unique_name("input_layer"), dtype=dtype, **kwargs)
        if batch_shape is None:
            if shape is None:
                raise ValueError("Input needs a shape (or batch_shape), e.g. keras.Input(shape=(28, 28))")
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size,) + shape
        self.batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self.built = True
        output = KerasTensor(self.batch_shape, self.dtype, name=self.name)
        Node(self, (), {}, output)

    def get_config(self):
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype, "sparse": False, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(batch_shape=config["batch_shape"], dtype=config.get("dtype"), name=config.get("name"))

    def call(self, inputs):
        return inputs


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None,
          **kwargs) -> KerasTensor:
    """A symbolic input: `x = keras.Input(shape=(8, 8))` then `y = Dense(10)(x)`."""
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, batch_shape=batch_shape, name=name,
                      **kwargs).output


def set_kernel_bias_options(layer, activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                            bias_regularizer) -> None:
    """Store the options of a layer with a kernel, an optional bias and an activation (Dense, the
    convolutions), resolved from names or configs."""
    layer.activation = activations.get(activation)
    layer.use_bias = use_bias
    layer.kernel_initializer = initializers.get(kernel_initializer)
    layer.bias_initializer = initializers.get(bias_initializer)
    layer.kernel_regularizer = regularizers.get(kernel_regularizer)
    layer.bias_regularizer = regularizers.get(bias_regularizer)


def kernel_bias_config(layer) -> dict:
    """The get_config entries of the options set_kernel_bias_options stored."""
    return {"activation": activations.serialize(layer.activation), "use_bias": layer.use_bias,
            "kernel_initializer": serialize_object(layer.kernel_initializer),
            "bias_initializer": serialize_object(layer.bias_initializer),
            "kernel_regularizer": serialize_object(layer.kernel_regularizer),
            "bias_regularizer": serialize_object(layer.bias_regularizer)}


class Dense(Layer):
    """`activation(inputs @ kernel + bias)`, over the last axis of inputs of any rank.

    Args:
        units: output size.
        activation: name or callable (default None: linear).
        use_bias: add a bias vector (default True).
        kernel_initializer: default 'glorot_uniform'. bias_initializer: default 'zeros'.
        kernel_regularizer, bias_regularizer: optional penalties.
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        if self.units <= 0:
            raise ValueError(f"Dense: units must be a positive integer, got {units}")
        set_kernel_bias_options(self, activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                                bias_regularizer)
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.supports_masking = True

    def build(self, input_shape):
        in_dim = input_shape[-1]
        if in_dim is None:
            raise ValueError(f"Dense {self.name!r}: the last dimension of the inputs must be known, got "
                             f"input shape {input_shape}")
        self.kernel = self.add_weight(shape=(in_dim, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: in_dim})
        self.built = True

    def call(self, inputs):
        rank = inputs.shape.rank
        if rank == 2:
            out = api.matmul(inputs, self.kernel)
        else:
            flat = api.reshape(inputs, [-1, self.kernel.shape[0]])
            out = api.reshape(api.matmul(flat, self.kernel),
                              _leading_shape(inputs, self.units))
        if self.bias is not None:
            out = api.add(out, self.bias)
        return self.activation(out)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units, **kernel_bias_config(self)}


def _leading_shape(x, last: int):
    """x's shape with the last dim replaced by `last` (static when possible)."""
    dims = x.shape.dims
    if dims is not None and sum(d is None for d in dims[:-1]) <= 1:
        return [-1 if d is None else d for d in dims[:-1]] + [last]
    return api.concat([api.shape(x)[:-1], api.constant(np.asarray([last], np.int32))], axis=0)


class Activation(Layer):
    """Applies an activation function: `Activation('relu')`."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        dims = inputs.shape.dims
        if dims is not None and all(d is not None for d in dims[1:]):
            return api.reshape(inputs, [-1, int(np.prod(dims[1:], dtype=np.int64))])
        return api.reshape(inputs, api.stack([api.shape(inputs)[0], -1]))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if any(d is None for d in rest) else int(np.prod(rest, dtype=np.int64)))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshape each sample to `target_shape` (one entry may be -1)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def _resolved(self, input_shape):
        target = list(self.target_shape)
        if -1 in target:
            known = int(np.prod([d for d in target if d != -1]))
            rest = input_shape[1:]
            if all(d is not None for d in rest):
                total = int(np.prod(rest, dtype=np.int64))
                if total % known:
                    raise ValueError(f"Reshape {self.name!r}: cannot reshape {tuple(input_shape)} to "
                                     f"{self.target_shape}")
                target[target.index(-1)] = total // known
        return target

    def call(self, inputs):
        target = self._resolved(inputs.shape.dims)
        if -1 in target:
            return api.reshape(inputs, api.concat([api.shape(inputs)[:1],
                                                   api.constant(np.asarray(target, np.int32))], axis=0))
        return api.reshape(inputs, _static_or_dynamic_shape(inputs, target))

    def compute_output_shape(self, input_shape):
        target = self._resolved(input_shape)
        rest = input_shape[1:]
        if -1 not in target and all(d is not None for d in rest) and np.prod(rest) != np.prod(target):
            raise ValueError(f"Reshape {self.name!r}: total size of the new shape {self.target_shape} must equal "
                             f"the size of each input sample {tuple(rest)}")
        return (input_shape[0],) + tuple(None if d == -1 else d for d in target)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Dropout(Layer):
    """In training, zero a fraction `rate` of the inputs and scale the rest by 1 / (1 - rate).

    Identity at inference (`training=False`, the default outside `fit`).
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Dropout: rate must be in [0, 1], got {rate}")
        self.rate, self.noise_shape, self.seed = float(rate), noise_shape, seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if training and self.rate > 0:
            if self.rate >= 1:
                return api.zeros_like(inputs)
            return api.dropout(inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}


class Embedding(Layer):
    """Map integer ids in [0, input_dim) to rows of a trainable (input_dim, output_dim) matrix.

    With `mask_zero=True`, id 0 is padding: the output carries a mask (ids != 0) that RNNs,
    GlobalAveragePooling1D, attention and losses downstream respect.
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, **kwargs):
        kwargs.pop("input_length", None)
        super().__init__(**kwargs)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.mask_zero = mask_zero

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer, name="embeddings")
        self.built = True

    def call(self, inputs):
        if not inputs.dtype.is_integer:
            inputs = api.cast(inputs, dtypes.int32)
        return api.gather(self.embeddings, inputs)

    def compute_mask(self, inputs, previous_mask):
        if not self.mask_zero:
            return None
        return api.not_equal(inputs, api.zeros_like(inputs))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": serialize_object(self.embeddings_initializer),
                "embeddings_regularizer": serialize_object(self.embeddings_regularizer),
                "mask_zero": self.mask_zero}


class Lambda(Layer):
    """Wrap a function of the inputs as a layer (not serialisable by config)."""

    def __init__(self, function, output_shape=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function, self.arguments = function, dict(arguments or {})
        self._output_shape = output_shape

    def call(self, inputs):
        return self.function(inputs, **self.arguments)

    def get_config(self):
        raise NotImplementedError(f"Lambda layer {self.name!r} wraps a Python function and cannot be saved "
                                  "by config; write a Layer subclass with get_config() instead")


class OpLambda(Lambda):
    """The layer an operator on KerasTensors (`x + y`, `x[:, 0]`) becomes."""

    def __init__(self, function, name="lambda", **kwargs):
        super().__init__(function, name=backend.unique_name(name), **kwargs)


register_op_layer(OpLambda)
