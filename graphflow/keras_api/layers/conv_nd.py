"""Conv1D, Conv3D, the transposed convolutions (1/2/3-D), DepthwiseConv1D/2D and SeparableConv1D/2D
(channels last).

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


class _ConvTranspose(BaseConv):
    """Config, kernel layout (*kernel_size, filters, in_channels) and output sizes shared by the
    transposed convolutions of every rank."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, **kwargs)
        self.output_padding = None if output_padding is None else normalize_tuple(output_padding, self.rank,
                                                                                   "output_padding")
        if self.output_padding is not None and any(p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"{type(self).__name__}: each output_padding must be less than its stride, got "
                             f"output_padding={self.output_padding}, strides={self.strides}")

    def _kernel_shape(self, channels):
        return self.kernel_size + (self.filters, channels)

    def _spatial_out(self, sizes):
        pads = self.output_padding or (None,) * self.rank
        return tuple(_deconv_length(s, k, st, d, self.padding, p)
                     for s, k, st, d, p in zip(sizes, self.kernel_size, self.strides, self.dilation_rate, pads))

    def _known_spatial_out(self, inputs):
        sizes = inputs.shape.dims[1:-1]
        out = self._spatial_out(sizes)
        if None in out:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs known spatial sizes, got {inputs.shape}")
        # the forward convolution of the output must give the input back (TensorFlow's rule)
        pad = self.padding.upper()
        for size, o, k, st, d in zip(sizes, out, self.kernel_size, self.strides, self.dilation_rate):
            if o <= 0 or conv_out_size(o, k, st, d, pad)[0] != size:
                raise ValueError(f"{type(self).__name__} {self.name!r}: output_padding={self.output_padding} gives "
                                 f"an output size {out} whose {self.padding!r} convolution with kernel "
                                 f"{self.kernel_size} and strides {self.strides} is not the input's {tuple(sizes)}")
        return out

    def get_config(self):
        config = {**super().get_config(),
                  "output_padding": None if self.output_padding is None else list(self.output_padding)}
        config.pop("groups")            # Keras's transposed convolutions take no groups
        return config


def _conv2d_transpose(x, kernel, out_hw, filters, strides, padding, dilations):
    """(n, h, w, c) -> (n, *out_hw, filters) through conv2d's input backprop."""
    sizes = api.stack([api.shape(x)[0], out_hw[0], out_hw[1], filters])
    return conv2d_backprop_input(sizes, api.convert_to_tensor(kernel), api.convert_to_tensor(x), strides,
                                 padding.upper(), dilations)


class Conv2DTranspose(_ConvTranspose):
    """Transposed 2-D convolution (the gradient of Conv2D with respect to its input): upsamples
    by `strides`. Kernel shape (kh, kw, filters, in_channels), as Keras.

    Args: filters, kernel_size, strides (1), padding ('valid'), output_padding (None),
    dilation_rate, activation, use_bias, kernel_initializer, bias_initializer.
    """

    def _convolve(self, inputs):
        return _conv2d_transpose(inputs, self.kernel, self._known_spatial_out(inputs), self.filters,
                                 self.strides, self.padding, self.dilation_rate)


class Conv1DTranspose(_ConvTranspose):
    """Transposed 1-D convolution over (batch, steps, channels), a 2-D one over a unit height.
    Kernel shape (k, filters, in_channels), as Keras.

    Args: filters, kernel_size, strides (1), padding ('valid' or 'same'), output_padding (None),
    dilation_rate, activation, use_bias, kernel_initializer, bias_initializer.
    """

    rank = 1

    def _convolve(self, inputs):
        (steps,) = self._known_spatial_out(inputs)
        out = _conv2d_transpose(api.expand_dims(inputs, 1), api.expand_dims(self.kernel, 0), (1, steps),
                                self.filters, (1,) + self.strides, self.padding, (1,) + self.dilation_rate)
        return api.squeeze(out, [1])


def _place_planes(planes, stride, offset, length):
    """planes (n, d, ...) -> (n, length, ...) with plane j at depth j * stride + offset (zeros
    elsewhere; planes falling outside [0, length) are dropped)."""
    if stride > 1:
        zeros = api.zeros_like(planes)
        planes = api.stack([planes] + [zeros] * (stride - 1), axis=2)      # (n, d, stride, ...)
        dims = planes.shape.dims
        planes = api.reshape(planes, [-1, dims[1] * stride] + list(dims[3:]))
    if offset < 0:
        planes = planes[:, -offset:]
    depth = planes.shape.dims[1]
    before = max(offset, 0)
    after = length - before - depth
    if after < 0:
        planes = planes[:, :depth + after]
    rest = [[0, 0]] * (planes.shape.rank - 2)
    return api.pad(planes, [[0, 0], [before, max(after, 0)]] + rest)


class Conv3DTranspose(_ConvTranspose):
    """Transposed 3-D convolution over (batch, depth, height, width, channels). Kernel shape
    (kd, kh, kw, filters, in_channels), as Keras.

    Each depth slice of the kernel is a 2-D transposed convolution over every input plane (depth
    folded into the batch); its planes land at depth j * stride + i * dilation - pad, the place the
    forward Conv3D reads them from, and the slices' contributions add up.

    Args: filters, kernel_size, strides (1), padding ('valid' or 'same'), output_padding (None),
    dilation_rate, activation, use_bias, kernel_initializer, bias_initializer.
    """

    rank = 3

    def _convolve(self, inputs):
        depth, h, w, c = inputs.shape.dims[1:]
        od, oh, ow = self._known_spatial_out(inputs)
        kd, sd, dd = self.kernel_size[0], self.strides[0], self.dilation_rate[0]
        before = _same_pad(od, kd, sd, dd)[0] if self.padding == "same" else 0
        flat = api.reshape(inputs, [-1, h, w, c])
        total = None
        for i in range(kd):
            planes = _conv2d_transpose(flat, self.kernel[i], (oh, ow), self.filters, self.strides[1:],
                                       self.padding, self.dilation_rate[1:])
            planes = _place_planes(api.reshape(planes, [-1, depth, oh, ow, self.filters]), sd, i * dd - before, od)
            total = planes if total is None else api.add(total, planes)
        return total


def _depthwise_as_dense_kernel(kernel, channels, multiplier):
    """(kh, kw, c, m) -> block-diagonal (kh, kw, c, c*m): output channel c*m + j reads only input c."""
    eye = np.eye(channels, dtype=kernel.dtype.np)[None, None, :, :, None]
    full = api.multiply(api.expand_dims(kernel, 3), api.constant(eye))      # (kh, kw, c, c, m)
    kh, kw = kernel.shape.dims[:2]
    return api.reshape(full, [kh, kw, channels, channels * multiplier])


def _depthwise_conv2d(x, kernel, multiplier, strides, padding, dilations):
    kernel = _depthwise_as_dense_kernel(kernel, x.shape.dims[-1], multiplier)
    return api.conv2d(x, kernel, strides=strides, padding=padding.upper(), dilations=dilations)


def _depthwise_conv1d(x, kernel, multiplier, strides, padding, dilations):
    """(n, steps, c) -> (n, steps', c * multiplier): the 2-D form over a unit height."""
    out = _depthwise_conv2d(api.expand_dims(x, 1), api.expand_dims(kernel, 0), multiplier, (1,) + strides,
                            padding, (1,) + dilations)
    return api.squeeze(out, [1])


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
            regularizer=self.kernel_regularizer, name="kernel")    # Keras 3's name
        self.bias = self.add_weight(shape=(channels * self.depth_multiplier,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, name="bias") if self.use_bias else None
        self.built = True

    def _out_channels(self, channels):
        return channels * self.depth_multiplier

    def _depthwise(self, inputs):
        return _depthwise_conv2d(inputs, self.depthwise_kernel, self.depth_multiplier, self.strides, self.padding,
                                 self.dilation_rate)

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
            shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer,
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


class DepthwiseConv1D(DepthwiseConv2D):
    """DepthwiseConv2D over (batch, steps, channels). Kernel shape (k, in_channels,
    depth_multiplier).

    Args: kernel_size, strides (1), padding ('valid' or 'same'), depth_multiplier (1),
    dilation_rate (1), activation, use_bias, depthwise_initializer, bias_initializer.
    """

    rank = 1

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, **kwargs):
        super().__init__(kernel_size, strides=strides, padding=padding, depth_multiplier=depth_multiplier,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)

    def _depthwise(self, inputs):
        return _depthwise_conv1d(inputs, self.depthwise_kernel, self.depth_multiplier, self.strides, self.padding,
                                 self.dilation_rate)

    _convolve = _depthwise


class SeparableConv1D(SeparableConv2D):
    """SeparableConv2D over (batch, steps, channels): depthwise kernel (k, in_channels,
    depth_multiplier), pointwise kernel (1, in_channels * depth_multiplier, filters).

    Args: filters, kernel_size, strides (1), padding ('valid' or 'same'), depth_multiplier (1),
    dilation_rate (1), activation, use_bias, depthwise_initializer, pointwise_initializer,
    bias_initializer.
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, depth_multiplier=depth_multiplier, **kwargs)

    def _depthwise(self, inputs):
        return _depthwise_conv1d(inputs, self.depthwise_kernel, self.depth_multiplier, self.strides, self.padding,
                                 self.dilation_rate)

    def _convolve(self, inputs):
        out = api.conv2d(api.expand_dims(self._depthwise(inputs), 1), api.expand_dims(self.pointwise_kernel, 0),
                         strides=1, padding="VALID")
        return api.squeeze(out, [1])


Convolution1D, Convolution3D, Convolution2DTranspose, Conv2DTrans = Conv1D, Conv3D, Conv2DTranspose, Conv2DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
Convolution1DTranspose, Convolution3DTranspose = Conv1DTranspose, Conv3DTranspose
