"""2-D pooling over NHWC images: max, average, and their global forms."""
from __future__ import annotations

from ...ops import api
from ...ops.nn import conv_out_size
from .base import Layer
from .conv import normalize_padding, normalize_tuple
from .input_spec import InputSpec


class _Pooling2D(Layer):
    _op = None

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{type(self).__name__}: only data_format='channels_last' (NHWC) is supported")
        self.pool_size = normalize_tuple(pool_size, 2, "pool_size")
        self.strides = normalize_tuple(strides if strides is not None else self.pool_size, 2, "strides")
        self.padding = normalize_padding(padding)
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        return type(self)._op(inputs, self.pool_size, self.strides, self.padding.upper())

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        pad = self.padding.upper()
        oh, _ = conv_out_size(h, self.pool_size[0], self.strides[0], 1, pad)
        ow, _ = conv_out_size(w, self.pool_size[1], self.strides[1], 1, pad)
        return (n, oh, ow, c)

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size), "strides": list(self.strides),
                "padding": self.padding, "data_format": "channels_last"}


class MaxPooling2D(_Pooling2D):
    """Maximum over `pool_size` windows (strides default to pool_size)."""
    _op = staticmethod(api.max_pool2d)


class AveragePooling2D(_Pooling2D):
    """Mean over `pool_size` windows; with 'same' padding, only real cells count."""
    _op = staticmethod(api.avg_pool2d)


class _GlobalPooling2D(Layer):
    _reduce = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        return type(self)._reduce(inputs, axis=[1, 2], keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        n, _, _, c = input_shape
        return (n, 1, 1, c) if self.keepdims else (n, c)

    def get_config(self):
        return {**super().get_config(), "data_format": "channels_last", "keepdims": self.keepdims}


class GlobalAveragePooling2D(_GlobalPooling2D):
    """Mean over height and width: (n, h, w, c) -> (n, c)."""
    _reduce = staticmethod(api.reduce_mean)


class GlobalMaxPooling2D(_GlobalPooling2D):
    """Maximum over height and width: (n, h, w, c) -> (n, c)."""
    _reduce = staticmethod(api.reduce_max)


MaxPool2D, AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D = (MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D,
                                                          GlobalMaxPooling2D)
