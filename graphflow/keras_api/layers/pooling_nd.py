"""1-D and 3-D pooling and the global poolings over steps (1-D) and volumes (3-D).

Composed from the registry's 2-D pools: 1-D pools over a unit height; 3-D pools are separable
(a window is a product of a depth range and an image patch), so they pool each depth plane in
2-D and then the depth axis, which gives exactly the max, and the average over the cells that
exist (TensorFlow's 'same' rule).
"""
from __future__ import annotations

from ...ops import api
from ...ops.nn import conv_out_size
from .base import Layer
from .conv import normalize_padding, normalize_tuple


class _Pooling(Layer):
    rank = 1
    _op = None

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{type(self).__name__}: only data_format='channels_last' is supported")
        self.pool_size = normalize_tuple(pool_size, self.rank, "pool_size")
        self.strides = normalize_tuple(strides if strides is not None else self.pool_size, self.rank, "strides")
        self.padding = normalize_padding(padding)

    def _pool2d(self, x, size, strides):
        return type(self)._op(x, size, strides, self.padding.upper())

    def call(self, inputs):
        if self.rank == 1:
            out = self._pool2d(api.expand_dims(inputs, 1), (1,) + self.pool_size, (1,) + self.strides)
            return api.squeeze(out, [1])
        depth, h, w, c = inputs.shape.dims[1:]
        if None in (depth, h, w, c):
            raise ValueError(f"{type(self).__name__} {self.name!r} needs known spatial sizes, got {inputs.shape}")
        planes = self._pool2d(api.reshape(inputs, [-1, h, w, c]), self.pool_size[1:], self.strides[1:])
        oh, ow = planes.shape.dims[1:3]
        columns = api.reshape(planes, [-1, depth, oh * ow, c])
        out = self._pool2d(columns, (self.pool_size[0], 1), (self.strides[0], 1))
        return api.reshape(out, [-1, out.shape.dims[1], oh, ow, c])

    def compute_output_shape(self, input_shape):
        pad = self.padding.upper()
        spatial = tuple(conv_out_size(s, k, st, 1, pad)[0]
                        for s, k, st in zip(input_shape[1:-1], self.pool_size, self.strides))
        return (input_shape[0],) + spatial + (input_shape[-1],)

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size), "strides": list(self.strides),
                "padding": self.padding, "data_format": "channels_last"}


class MaxPooling1D(_Pooling):
    """Maximum over windows of `pool_size` steps (strides default to pool_size)."""
    _op = staticmethod(api.max_pool2d)


class AveragePooling1D(_Pooling):
    """Mean over windows of `pool_size` steps; with 'same' padding only real steps count."""
    _op = staticmethod(api.avg_pool2d)


class MaxPooling3D(_Pooling):
    """Maximum over (depth, height, width) windows."""
    rank = 3
    _op = staticmethod(api.max_pool2d)


class AveragePooling3D(_Pooling):
    """Mean over (depth, height, width) windows."""
    rank = 3
    _op = staticmethod(api.avg_pool2d)


class _GlobalPooling(Layer):
    axes = (1,)
    _reduce = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{type(self).__name__}: only data_format='channels_last' is supported")
        self.keepdims = keepdims

    def call(self, inputs):
        return type(self)._reduce(inputs, axis=list(self.axes), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        if self.keepdims:
            return (input_shape[0],) + (1,) * len(self.axes) + (input_shape[-1],)
        return (input_shape[0], input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "data_format": "channels_last", "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling):
    """Mean over the steps: (n, steps, c) -> (n, c). Masked steps (a `mask` from Embedding or
    Masking) are left out of the mean."""

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return api.reduce_mean(inputs, axis=1, keepdims=self.keepdims)
        weights = api.expand_dims(api.cast(mask, inputs.dtype), 2)
        total = api.reduce_sum(api.multiply(inputs, weights), axis=1, keepdims=self.keepdims)
        return api.truediv(total, api.reduce_sum(weights, axis=1, keepdims=self.keepdims))

    def compute_mask(self, inputs, previous_mask):
        return None


class GlobalMaxPooling1D(_GlobalPooling):
    """Maximum over the steps: (n, steps, c) -> (n, c)."""
    _reduce = staticmethod(api.reduce_max)


class GlobalAveragePooling3D(_GlobalPooling):
    """Mean over depth, height and width: (n, d, h, w, c) -> (n, c)."""
    axes = (1, 2, 3)
    _reduce = staticmethod(api.reduce_mean)


class GlobalMaxPooling3D(_GlobalPooling):
    """Maximum over depth, height and width: (n, d, h, w, c) -> (n, c)."""
    axes = (1, 2, 3)
    _reduce = staticmethod(api.reduce_max)


MaxPool1D, AvgPool1D, MaxPool3D, AvgPool3D = MaxPooling1D, AveragePooling1D, MaxPooling3D, AveragePooling3D
GlobalAvgPool1D, GlobalMaxPool1D, GlobalAvgPool3D, GlobalMaxPool3D = (GlobalAveragePooling1D, GlobalMaxPooling1D,
                                                                      GlobalAveragePooling3D, GlobalMaxPooling3D)
