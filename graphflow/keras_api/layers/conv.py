"""Conv2D over NHWC images (channels last), as gf.nn.conv2d computes it."""
from __future__ import annotations

from ...ops import api
from ...ops.nn import conv_out_size
from .. import activations, initializers, regularizers
from ..serialization import serialize_object
from .base import Layer
from .input_spec import InputSpec


def normalize_tuple(value, n: int, name: str) -> tuple:
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"The `{name}` argument must be an int or a tuple of {n} ints, got {value}")
    return value


def normalize_padding(padding: str) -> str:
    padding = padding.lower()
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    return padding


class Conv2D(Layer):
    """2-D convolution with `filters` kernels of `kernel_size`, plus bias and activation.

    Args:
        filters: number of output channels.
        kernel_size: int or (height, width).
        strides: int or (sh, sw), default 1.
        padding: 'valid' (default) or 'same'.
        dilation_rate: int or pair, default 1.
        activation, use_bias, kernel_initializer ('glorot_uniform'), bias_initializer ('zeros').
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError("Conv2D: only data_format='channels_last' (NHWC) is supported")
        if groups != 1:
            raise ValueError("Conv2D: groups > 1 is not supported")
        self.filters = int(filters)
        self.kernel_size = normalize_tuple(kernel_size, 2, "kernel_size")
        self.strides = normalize_tuple(strides, 2, "strides")
        self.padding = normalize_padding(padding)
        self.dilation_rate = normalize_tuple(dilation_rate, 2, "dilation_rate")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(f"Conv2D {self.name!r} expects 4-D NHWC inputs with a known channel count, got "
                             f"input shape {input_shape}")
        self.kernel = self.add_weight(shape=self.kernel_size + (input_shape[-1], self.filters),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      name="kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, name="bias") if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=4, axes={-1: input_shape[-1]})
        self.built = True

    def call(self, inputs):
        out = api.conv2d(inputs, self.kernel, strides=self.strides, padding=self.padding.upper(),
                         dilations=self.dilation_rate)
        if self.bias is not None:
            out = api.add(out, self.bias)
        return self.activation(out)

    def compute_output_shape(self, input_shape):
        n, h, w, _ = input_shape
        pad = self.padding.upper()
        oh, _ = conv_out_size(h, self.kernel_size[0], self.strides[0], self.dilation_rate[0], pad)
        ow, _ = conv_out_size(w, self.kernel_size[1], self.strides[1], self.dilation_rate[1], pad)
        return (n, oh, ow, self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": list(self.kernel_size),
                "strides": list(self.strides), "padding": self.padding, "data_format": "channels_last",
                "dilation_rate": list(self.dilation_rate), "groups": 1,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": serialize_object(self.kernel_initializer),
                "bias_initializer": serialize_object(self.bias_initializer),
                "kernel_regularizer": serialize_object(self.kernel_regularizer),
                "bias_regularizer": serialize_object(self.bias_regularizer)}
