"""Image size layers: Resizing and CenterCrop (at inference and in training alike) and
RandomCrop (a random window while training). Images are (batch, height, width, channels) or one
image without the batch axis, channels first with data_format='channels_first'; height and
width must be known when the layer is called."""
from __future__ import annotations

import numpy as np

from ....ops import api
from ....ops.api import image as image_api
from ..base import Layer

_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area")


def _data_format(data_format):
    data_format = data_format or "channels_last"
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first', got {data_format!r}")
    return data_format


def _to_channels_last(images, data_format):
    if data_format == "channels_last":
        return images
    return api.transpose(images, [0, 2, 3, 1] if images.shape.rank == 4 else [1, 2, 0])


def _from_channels_last(images, data_format):
    if data_format == "channels_last":
        return images
    return api.transpose(images, [0, 3, 1, 2] if images.shape.rank == 4 else [2, 0, 1])


def _height_width(images, layer: str):
    """Static (height, width) of channels-last images."""
    dims = images.shape.dims
    if dims is None or len(dims) not in (3, 4):
        raise ValueError(f"{layer}: images must have rank 3 or 4, got shape {images.shape}")
    h, w = dims[-3], dims[-2]
    if h is None or w is None:
        raise ValueError(f"{layer}: image height and width must be known, got shape {images.shape}")
    return h, w


def _window(images, top: int, left: int, height: int, width: int):
    if images.shape.rank == 4:
        return images[:, top:top + height, left:left + width, :]
    return images[top:top + height, left:left + width, :]


def _aspect_window(h: int, w: int, target_h: int, target_w: int):
    """(top, left, height, width) of the largest centred window with the target aspect ratio."""
    crop_h = max(min(h, int(float(w * target_h) / target_w)), 1)
    crop_w = max(min(w, int(float(h * target_w) / target_h)), 1)
    return int(float(h - crop_h) / 2), int(float(w - crop_w) / 2), crop_h, crop_w


def _resize(images, height: int, width: int, interpolation: str, antialias: bool = False):
    """Resize channels-last images, keeping their dtype (integers rounded and saturated)."""
    out = image_api.resize(images, [height, width], method=interpolation, antialias=antialias)
    if out.dtype == images.dtype:
        return out
    if images.dtype.is_integer:
        info = np.iinfo(images.dtype.np)
        out = api.clip_by_value(api.round(out), float(info.min), float(info.max))
    return api.cast(out, images.dtype)


def _pad_to_aspect(images, target_h: int, target_w: int, fill_value: float):
    """Pad images with fill_value to the target aspect ratio, as Keras does (the same margin on
    both sides)."""
    h, w = _height_width(images, "Resizing")
    pad_h = max(h, int(float(w * target_h) / target_w))
    pad_w = max(w, int(float(h * target_w) / target_h))
    top, left = int(float(pad_h - h) / 2), int(float(pad_w - w) / 2)
    if top == 0 and left == 0:
        return images
    paddings = [[top, top], [left, left], [0, 0]]
    if images.shape.rank == 4:
        paddings = [[0, 0]] + paddings
    return api.pad(images, paddings, constant_values=fill_value)


class _ImageSizeLayer(Layer):
    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = int(height), int(width)
        if self.height <= 0 or self.width <= 0:
            raise ValueError(f"{type(self).__name__}: height and width must be positive, got {height}, {width}")
        self.data_format = _data_format(data_format)

    def call(self, inputs, training=None):
        images = _to_channels_last(inputs, self.data_format)
        return _from_channels_last(self._transform(images, training), self.data_format)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        rank = len(shape)
        h_axis = rank - 3 if self.data_format == "channels_last" else rank - 2
        shape[h_axis], shape[h_axis + 1] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "height": self.height,
                "width": self.width}


class Resizing(_ImageSizeLayer):
    """Resize images to (height, width).

    Args:
        height, width: the output size.
        interpolation: 'bilinear' (default), 'nearest', 'bicubic', 'area', 'lanczos3', 'lanczos5'.
        crop_to_aspect_ratio: first crop the largest centred window of the target aspect ratio.
        pad_to_aspect_ratio: first pad (with fill_value) to the target aspect ratio.
        fill_mode: 'constant' only. fill_value: the padding value (0.0).
        antialias: antialias when downsampling (False).
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                 fill_mode="constant", fill_value=0.0, antialias=False, data_format=None, **kwargs):
        super().__init__(height, width, data_format=data_format, **kwargs)
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(f"Resizing: interpolation must be one of {_INTERPOLATIONS}, got {interpolation!r}")
        if fill_mode != "constant":
            raise ValueError(f"Resizing: only fill_mode='constant' is supported, got {fill_mode!r}")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be True")
        self.interpolation, self.fill_mode, self.fill_value = interpolation, fill_mode, fill_value
        self.crop_to_aspect_ratio, self.pad_to_aspect_ratio = crop_to_aspect_ratio, pad_to_aspect_ratio
        self.antialias = bool(antialias)

    def _transform(self, images, training):
        if self.crop_to_aspect_ratio:
            h, w = _height_width(images, "Resizing")
            images = _window(images, *_aspect_window(h, w, self.height, self.width))
        elif self.pad_to_aspect_ratio:
            images = _pad_to_aspect(images, self.height, self.width, self.fill_value)
        return _resize(images, self.height, self.width, self.interpolation, self.antialias)

    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio, "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
                "fill_mode": self.fill_mode, "fill_value": self.fill_value, "antialias": self.antialias}


class CenterCrop(_ImageSizeLayer):
    """Crop the centre (height, width) window of each image; an image smaller than that is
    first cropped to the target aspect ratio and resized (bilinear) instead.

    Args: height, width, data_format.
    """

    def _transform(self, images, training):
        if not images.dtype.is_floating:
            images = api.cast(images, self._compute_dtype)
        h, w = _height_width(images, "CenterCrop")
        if h >= self.height and w >= self.width:
            return _window(images, (h - self.height) // 2, (w - self.width) // 2, self.height, self.width)
        images = _window(images, *_aspect_window(h, w, self.height, self.width))
        return _resize(images, self.height, self.width, "bilinear")


class RandomCrop(_ImageSizeLayer):
    """While training, crop a random (height, width) window (one per batch, as Keras); an
    image not larger than that is cropped to the target aspect ratio and resized. At inference
    the images pass through unchanged, as Keras 3's RandomCrop does (though its symbolic output
    shape, like Keras's, is the cropped one).

    Args: height, width, seed, data_format.
    """

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(height, width, data_format=data_format, name=name, **kwargs)
        self.seed = seed

    def _transform(self, images, training):
        if not training:
            return images
        images = api.cast(images, self._compute_dtype) if not images.dtype.is_floating else images
        h, w = _height_width(images, "RandomCrop")
        if h > self.height and w > self.width:
            uniform = api.random_uniform([2], 0.0, 1.0, dtype="float32", seed=self.seed)
            room = api.constant([h - self.height + 1.0, w - self.width + 1.0], "float32")
            offsets = api.cast(api.multiply(uniform, room), "int32")
            start = api.concat([offsets, api.zeros([1], "int32")], axis=0)
            if images.shape.rank == 4:
                start = api.concat([api.zeros([1], "int32"), start], axis=0)
            size = list(images.shape.dims)
            size[-3], size[-2] = self.height, self.width
            size = [-1 if d is None else d for d in size]
            return api.slice(images, start, size)
        images = _window(images, *_aspect_window(h, w, self.height, self.width))
        return _resize(images, self.height, self.width, "bilinear")

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}
