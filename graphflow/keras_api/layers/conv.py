"""Conv2D over NHWC images (channels last), as gf.nn.conv2d computes it, and BaseConv: the config,
weights, bias and activation that Conv2D shares with the N-d convolutions of conv_nd.py."""
from __future__ import annotations

from ...ops import api
from ...ops.nn import conv_out_size
from .base import Layer
from .core import kernel_bias_config, set_kernel_bias_options
from .input_spec import InputSpec


def normalize_tuple(value, n: int, name: str) -> tuple:
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"The `{name}` argument must be an int or a tuple of {n} ints, got {value}")
    return value


def normalize_padding(padding: str, allowed=("valid", "same")) -> str:
    padding = padding.lower()
    if padding not in allowed:
        raise ValueError(f"padding must be one of {allowed}, got {padding!r}")
    return padding


def _check_channels_last(layer, data_format):
    if data_format not in (None, "channels_last"):
        raise ValueError(f"{type(layer).__name__}: only data_format='channels_last' is supported")


class BaseConv(Layer):
    """Shared config, weights, bias and activation of the convolutions of `rank` spatial dims."""

    rank = 2
    paddings = ("valid", "same")
    strides_with_dilation = False     # the compositions over conv2d take one or the other

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        _check_channels_last(self, data_format)
        if groups != 1:
            raise ValueError(f"{type(self).__name__}: groups > 1 is not supported")
        self.filters = int(filters) if filters is not None else None
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = normalize_tuple(strides, self.rank, "strides")
        self.padding = normalize_padding(padding, self.paddings)
        self.dilation_rate = normalize_tuple(dilation_rate, self.rank, "dilation_rate")
        if not self.strides_with_dilation and max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{type(self).__name__}: strides > 1 together with dilation_rate > 1 is not supported")
        set_kernel_bias_options(self, activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                                bias_regularizer)

    def _check_input(self, input_shape):
        if len(input_shape) != self.rank + 2 or input_shape[-1] is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} expects {self.rank + 2}-D channels-last inputs "
                             f"with a known channel count, got input shape {tuple(input_shape)}")
        return input_shape[-1]

    def _kernel_shape(self, channels):
        return self.kernel_size + (channels, self.filters)

    def build(self, input_shape):
        channels = self._check_input(input_shape)
        self.kernel = self.add_weight(shape=self._kernel_shape(channels), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, name="kernel")
        self.bias = self.add_weight(shape=(self._out_channels(channels),), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, name="bias") if self.use_bias else None
        self.built = True

    def _out_channels(self, channels):
        return self.filters

    def call(self, inputs):
        out = self._convolve(inputs)
        if self.bias is not None:
            out = api.add(out, self.bias)
        return self.activation(out)

    def _spatial_out(self, sizes):
        pad = "VALID" if self.padding == "causal" else self.padding.upper()
        out = []
        for size, k, s, d in zip(sizes, self.kernel_size, self.strides, self.dilation_rate):
            if self.padding == "causal" and size is not None:
                size = size + d * (k - 1)
            out.append(conv_out_size(size, k, s, d, pad)[0])
        return tuple(out)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._spatial_out(input_shape[1:-1]) + \
            (self._out_channels(input_shape[-1]),)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": list(self.kernel_size),
                "strides": list(self.strides), "padding": self.padding, "data_format": "channels_last",
                "dilation_rate": list(self.dilation_rate), "groups": 1, **kernel_bias_config(self)}



class Conv2D(BaseConv):
    """2-D convolution with `filters` kernels of `kernel_size`, plus bias and activation.

    Args:
        filters: number of output channels.
        kernel_size: int or (height, width).
        strides: int or (sh, sw), default 1.
        padding: 'valid' (default) or 'same'.
        dilation_rate: int or pair, default 1.
        activation, use_bias, kernel_initializer ('glorot_uniform'), bias_initializer ('zeros').
    """

    strides_with_dilation = True      # gf.nn.conv2d takes both

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=4, axes={-1: input_shape[-1]})

    def _convolve(self, inputs):
        return api.conv2d(inputs, self.kernel, strides=self.strides, padding=self.padding.upper(),
                          dilations=self.dilation_rate)
