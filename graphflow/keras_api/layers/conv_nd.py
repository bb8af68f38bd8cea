"""Conv1D, Conv3D, Conv2DTranspose, DepthwiseConv2D and SeparableConv2D (channels last).

All are composed from the registry's conv2d and its input backprop, so every mode and the
gradients come for free: a 1-D convolution is a 2-D one over a unit height, a 3-D one sums one
2-D convolution per kernel depth slice (depth folded into the batch), and a depthwise
convolution is a 2-D one with a block-diagonal kernel.
"""
from __future__ import annotations

import numpy as np

from ...ops import api
from ...ops.grad_ops import conv2d_backprop_input
from ...ops.nn import conv_out_size
from .. import initializers, regularizers
from ..serialization import serialize_object
from .conv import BaseConv, normalize_tuple


class Conv1D(BaseConv):
    """1-D convolution over (batch, steps, channels); padding 'valid', 'same' or 'causal'
    (left padding only, so output t sees inputs up to t).

    Args: filters, kernel_size, strides (1), padding ('valid'), dilation_rate (1), activation,
    use_bias (True), kernel_initializer ('glorot_uniform'), bias_initializer ('zeros').
    """

    rank = 1
    paddings = ("valid", "same", "causal")

    def _convolve(self, inputs):
        x = inputs
        k, d = self.kernel_size[0], self.dilation_rate[0]
        padding = self.padding.upper()
        if self.padding == "causal":
            x = api.pad(x, [[0, 0], [d * (k - 1), 0], [0, 0]])
            padding = "VALID"
        out = api.conv2d(api.expand_dims(x, 1), api.expand_dims(self.kernel, 0), strides=(1, self.strides[0]),
                         padding=padding, dilations=(1, d))
        return api.squeeze(out, [1])


def _same_pad(size, k, stride, dilation):
    """(before, after) padding TensorFlow's 'SAME' puts around one dim."""
    return conv_out_size(size, k, stride, dilation, "SAME")[1]


class Conv3D(BaseConv):
    """3-D convolution over (batch, depth, height, width, channels).

    Args: filters, kernel_size (int or triple), strides, padding ('valid' or 'same'),
    dilation_rate, activation, use_bias, kernel_initializer, bias_initializer.
    """

    rank = 3

    def _convolve(self, inputs):
        depth, h, w, c = inputs.shape.dims[1:]
        if depth is None or h is None or w is None:
            raise ValueError(f"Conv3D {self.name!r} needs known depth, height and width, got {inputs.shape}")
        kd, sd, dd = self.kernel_size[0], self.strides[0], self.dilation_rate[0]
        x = inputs
        if self.padding == "same":
            before, after = _same_pad(depth, kd, sd, dd)
            if before or after:
                x = api.pad(x, [[0, 0], [before, after], [0, 0], [0, 0], [0, 0]])
                depth += before + after
        od = conv_out_size(depth, kd, sd, dd, "VALID")[0]
        oh, ow = self._spatial_out((depth, h, w))[1:]
        total = None
        for i in range(kd):
            start = i * dd
            planes = x[:, start:start + (od - 1) * sd + 1:sd]             # (n, od, h, w, c)
            out = api.conv2d(api.reshape(planes, [-1, h, w, c]), self.kernel[i], strides=self.strides[1:],
                             padding=self.padding.upper(), dilations=self.dilation_rate[1:])
            total = out if total is None else api.add(total, out)
        return api.reshape(total, [-1, od, oh, ow, self.filters])


def _deconv_length(size, k, stride, dilation, padding, output_padding):
    """The output length of a transposed convolution (Keras's rule)."""
    if size is None:
        return None
    k = (k - 1) * dilation + 1
    if output_padding is None:
        return size * stride + max(k - stride, 0) if padding == "valid" else size * stride
    pad = 0 if padding == "valid" else k // 2
    return (size - 1) * stride + k - 2 * pad + output_padding


class Conv2DTranspose(BaseConv):
    """Transposed 2-D convolution (the gradient of Conv2D with respect to its input): upsamples
    by `strides`. Kernel shape (kh, kw, filters, in_channels), as Keras.

    Args: filters, kernel_size, strides (1), padding ('valid'), output_padding (None),
    dilation_rate, activation, use_bias, kernel_initializer, bias_initializer.
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, **kwargs)
        self.output_padding = None if output_padding is None else normalize_tuple(output_padding, 2,
                                                                                   "output_padding")

    def _kernel_shape(self, channels):
        return self.kernel_size + (self.filters, channels)

    def _spatial_out(self, sizes):
        pads = self.output_padding or (None, None)
        return tuple(_deconv_length(s, k, st, d, self.padding, p)
                     for s, k, st, d, p in zip(sizes, self.kernel_size, self.strides, self.dilation_rate, pads))

    def _convolve(self, inputs):
        oh, ow = self._spatial_out(inputs.shape.dims[1:3])
        if oh is None or ow is None:
            raise ValueError(f"Conv2DTranspose {self.name!r} needs known height and width, got {inputs.shape}")
        sizes = api.stack([api.shape(inputs)[0], oh, ow, self.filters])
        kernel, x = api.convert_to_tensor(self.kernel), api.convert_to_tensor(inputs)
        return conv2d_backprop_input(sizes, kernel, x, self.strides, self.padding.upper(), self.dilation_rate)

    def get_config(self):
        return {**super().get_config(),
                "output_padding": None if self.output_padding is None else list(self.output_padding)}


def _depthwise_as_dense_kernel(kernel, channels, multiplier):
    """(kh, kw, c, m) -> block-diagonal (kh, kw, c, c*m): output channel c*m + j reads only input c."""
    eye = np.eye(channels, dtype=kernel.dtype.np)[None, None, :, :, None]
    full = api.multiply(api.expand_dims(kernel, 3), api.constant(eye))      # (kh, kw, c, c, m)
    kh, kw = kernel.shape.dims[:2]
    return api.reshape(full, [kh, kw, channels, channels * multiplier])


class DepthwiseConv2D(BaseConv):
    """Each input channel convolved with its own `depth_multiplier` kernels; output channel
    c * depth_multiplier + j. Kernel shape (kh, kw, in_channels, depth_multiplier).

    Args: kernel_size, strides, padding, depth_multiplier (1), dilation_rate, activation,
    use_bias, depthwise_initializer, bias_initializer.
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(None, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=depthwise_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=depthwise_regularizer, bias_regularizer=bias_regularizer, **kwargs)
        self.depth_multiplier = int(depth_multiplier)

    def build(self, input_shape):
        channels = self._check_input(input_shape)
        self.kernel = self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, name="depthwise_kernel")
        self.bias = self.add_weight(shape=(channels * self.depth_multiplier,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, name="bias") if self.use_bias else None
        self.built = True

    def _out_channels(self, channels):
        return channels * self.depth_multiplier

    def _depthwise(self, inputs):
        channels = inputs.shape.dims[-1]
        kernel = _depthwise_as_dense_kernel(self.depthwise_kernel, channels, self.depth_multiplier)
        return api.conv2d(inputs, kernel, strides=self.strides, padding=self.padding.upper(),
                          dilations=self.dilation_rate)

    _convolve = _depthwise

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "groups", "kernel_initializer", "kernel_regularizer"):
            config.pop(key)
        return {**config, "depth_multiplier": self.depth_multiplier,
                "depthwise_initializer": serialize_object(self.kernel_initializer),
                "depthwise_regularizer": serialize_object(self.kernel_regularizer)}


class SeparableConv2D(DepthwiseConv2D):
    """A depthwise convolution followed by a 1x1 pointwise one mixing the channels into `filters`.

    Args: filters, kernel_size, strides, padding, depth_multiplier (1), dilation_rate, activation,
    use_bias, depthwise_initializer, pointwise_initializer, bias_initializer.
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides=strides, padding=padding, depth_multiplier=depth_multiplier,
                         data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                         use_bias=use_bias, depthwise_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer, depthwise_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer, **kwargs)
        self.filters = int(filters)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)

    def build(self, input_shape):
        channels = self._check_input(input_shape)
        self.kernel = self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, name="depthwise_kernel")
        self.pointwise_kernel = self.add_weight(
            shape=(1, 1, channels * self.depth_multiplier, self.filters), initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer, name="pointwise_kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, name="bias") if self.use_bias else None
        self.built = True

    def _out_channels(self, channels):
        return self.filters

    def _convolve(self, inputs):
        return api.conv2d(self._depthwise(inputs), self.pointwise_kernel, strides=1, padding="VALID")

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "pointwise_initializer": serialize_object(self.pointwise_initializer),
                "pointwise_regularizer": serialize_object(self.pointwise_regularizer)}


Convolution1D, Convolution3D, Convolution2DTranspose, Conv2DTrans = Conv1D, Conv3D, Conv2DTranspose, Conv2DTranspose
SeparableConvolution2D = SeparableConv2D
