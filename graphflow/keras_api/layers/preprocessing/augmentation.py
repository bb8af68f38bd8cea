"""Random image augmentation layers (NHWC): RandomFlip, RandomRotation, RandomZoom,
RandomTranslation, RandomContrast and RandomBrightness. They change images only when training
(in `fit`, or called with training=True); at inference they pass images through.

Rotation, zoom and translation map every output pixel back to a point of the input through an
affine matrix [a0, a1, a2, b0, b1, b2, 0, 0] (input x = a0 x + a1 y + a2, input y = b0 x + b1 y + b2,
TensorFlow's ImageProjectiveTransform convention), fill points outside the image by
`fill_mode`, and interpolate bilinearly (or take the nearest pixel).
"""
from __future__ import annotations

import math

import numpy as np

from ....ops import api
from ..base import Layer

_FILL_MODES = ("reflect", "constant", "nearest")


def _map_reflect(coord, size: int):
    """Reflect coordinates about the edges (d c b a | a b c d | d c b a), then clamp."""
    if size <= 1:
        return api.zeros_like(coord)
    period = 2.0 * size
    low = api.less(coord, 0.0)
    # below 0: fold into [-2 size, 0), then mirror
    c = api.where(api.less(coord, -period),
                  api.add(api.multiply(api.floor(api.divide(api.negative(coord), period)), period), coord), coord)
    below = api.where(api.less(c, -float(size)), api.add(c, period), api.subtract(api.negative(c), 1.0))
    # above size - 1: fold into [0, 2 size), then mirror
    c = api.subtract(coord, api.multiply(api.floor(api.divide(coord, period)), period))
    above = api.where(api.greater_equal(c, float(size)), api.subtract(api.subtract(period, c), 1.0), c)
    high = api.greater(coord, size - 1.0)
    out = api.where(low, below, api.where(high, above, coord))
    return api.clip_by_value(out, 0.0, size - 1.0)


def _map(coord, size: int, fill_mode: str):
    if fill_mode == "reflect":
        return _map_reflect(coord, size)
    if fill_mode == "nearest":
        return api.clip_by_value(coord, 0.0, size - 1.0)
    return coord                                              # constant: outside reads give fill_value


def _round_half_away(x):
    return api.multiply(api.sign(x), api.floor(api.add(api.abs(x), 0.5)))


def affine_transform(images, transforms, interpolation="bilinear", fill_mode="reflect", fill_value=0.0):
    """Resample NHWC `images` through per-image affine `transforms` of shape (n, 8)."""
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"fill_mode must be one of {_FILL_MODES}, got {fill_mode!r}")
    if interpolation not in ("bilinear", "nearest"):
        raise ValueError(f"interpolation must be 'bilinear' or 'nearest', got {interpolation!r}")
    dims = images.shape.dims
    if dims is None or len(dims) != 4 or None in dims[1:]:
        raise ValueError(f"Image augmentation needs (batch, height, width, channels) images with known sizes, got "
                         f"{images.shape}")
    _, h, w, _ = dims
    dtype = images.dtype
    t = api.cast(transforms, dtype)
    a = [api.reshape(t[:, i], [-1, 1, 1]) for i in range(6)]
    xs = api.constant(np.arange(w, dtype=dtype.np).reshape(1, 1, w))
    ys = api.constant(np.arange(h, dtype=dtype.np).reshape(1, h, 1))
    in_x = api.add(api.add(api.multiply(a[0], xs), api.multiply(a[1], ys)), a[2])
    in_y = api.add(api.add(api.multiply(a[3], xs), api.multiply(a[4], ys)), a[5])
    x, y = _map(in_x, w, fill_mode), _map(in_y, h, fill_mode)
    fill = api.cast(fill_value, dtype)

    def read(yy, xx):
        inside = api.logical_and(api.logical_and(api.greater_equal(yy, 0.0), api.less_equal(yy, h - 1.0)),
                                 api.logical_and(api.greater_equal(xx, 0.0), api.less_equal(xx, w - 1.0)))
        yi = api.cast(api.clip_by_value(yy, 0.0, h - 1.0), "int32")
        xi = api.cast(api.clip_by_value(xx, 0.0, w - 1.0), "int32")
        values = api.gather_nd(images, api.stack([yi, xi], axis=-1), batch_dims=1)
        return api.where(api.expand_dims(inside, -1), values, api.zeros_like(values) + fill)

    if interpolation == "nearest":
        return read(_round_half_away(y), _round_half_away(x))
    y0, x0 = api.floor(y), api.floor(x)
    y1, x1 = api.add(y0, 1.0), api.add(x0, 1.0)

    def weight(v):
        return api.expand_dims(v, -1)
    top = api.add(api.multiply(weight(api.subtract(x1, x)), read(y0, x0)),
                  api.multiply(weight(api.subtract(x, x0)), read(y0, x1)))
    bottom = api.add(api.multiply(weight(api.subtract(x1, x)), read(y1, x0)),
                     api.multiply(weight(api.subtract(x, x0)), read(y1, x1)))
    return api.add(api.multiply(weight(api.subtract(y1, y)), top), api.multiply(weight(api.subtract(y, y0)), bottom))


def _range(factor, name, symmetric=True):
    """A factor or (lower, upper) pair -> (lower, upper)."""
    if isinstance(factor, (int, float)):
        lower, upper = (-abs(factor), abs(factor)) if symmetric else (abs(factor), abs(factor))
    else:
        lower, upper = (float(v) for v in factor)
    if lower > upper:
        raise ValueError(f"{name}: the lower bound {lower} is above the upper bound {upper}")
    return float(lower), float(upper)


class _Augmentation(Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.supports_masking = False

    def _uniform(self, images, low, high, extra_dims=1):
        shape = api.concat([api.shape(images)[:1], api.constant(np.ones(extra_dims, np.int32))], axis=0)
        return api.random_uniform(shape, low, high, dtype=images.dtype, seed=self.seed)

    def call(self, inputs, training=None):
        images = inputs if inputs.dtype.is_floating else api.cast(inputs, self._dtype)
        if not training:
            return images
        single = images.shape.rank == 3
        if single:
            images = api.expand_dims(images, 0)
        out = self._augment(images)
        return api.squeeze(out, [0]) if single else out

    def compute_output_shape(self, input_shape):
        return input_shape


class _AffineAugmentation(_Augmentation):
    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if fill_mode not in _FILL_MODES:
            raise ValueError(f"{type(self).__name__}: fill_mode must be one of {_FILL_MODES}, got {fill_mode!r}")
        if interpolation not in ("bilinear", "nearest"):
            raise ValueError(f"{type(self).__name__}: interpolation must be 'bilinear' or 'nearest', got "
                             f"{interpolation!r}")
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, float(fill_value)

    def _augment(self, images):
        return affine_transform(images, self._matrices(images), self.interpolation, self.fill_mode, self.fill_value)

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                "seed": self.seed, "fill_value": self.fill_value}


class RandomFlip(_Augmentation):
    """Flip each image with probability 1/2: mode 'horizontal', 'vertical' or
    'horizontal_and_vertical' (both flips together)."""

    def __init__(self, mode="horizontal_and_vertical", seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if mode not in ("horizontal", "vertical", "horizontal_and_vertical"):
            raise ValueError(f"RandomFlip: mode must be 'horizontal', 'vertical' or 'horizontal_and_vertical', got "
                             f"{mode!r}")
        self.mode = mode

    def _augment(self, images):
        flipped = images
        if "horizontal" in self.mode:
            flipped = flipped[:, :, ::-1]
        if "vertical" in self.mode:
            flipped = flipped[:, ::-1]
        chosen = api.less_equal(self._uniform(images, 0.0, 1.0, 3), 0.5)
        return api.where(api.broadcast_to(chosen, api.shape(images)), flipped, images)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "seed": self.seed}


class RandomRotation(_AffineAugmentation):
    """Rotate each image about its centre by a random fraction of a full turn in `factor`
    (a number f means [-f, f]; (0.25, 0.25) is always a quarter turn counter-clockwise)."""

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.factor = factor
        self._lower, self._upper = _range(factor, "RandomRotation")

    def _matrices(self, images):
        h, w = images.shape.dims[1:3]
        angle = api.multiply(self._uniform(images, self._lower, self._upper), 2.0 * math.pi)   # (n, 1)
        cos, sin = api.cos(angle), api.sin(angle)
        cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
        a2 = api.subtract(api.subtract(cx, api.multiply(cos, cx)), api.multiply(api.negative(sin), cy))
        b2 = api.subtract(api.subtract(cy, api.multiply(sin, cx)), api.multiply(cos, cy))
        zeros = api.zeros_like(angle)
        return api.concat([cos, api.negative(sin), a2, sin, cos, b2, zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class RandomZoom(_AffineAugmentation):
    """Zoom each image by a random factor: the sampled region is (1 + f) times the image, for f
    in height_factor (and width_factor; None keeps the aspect ratio). Positive f zooms out."""

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._height = _range(height_factor, "RandomZoom")
        self._width = None if width_factor is None else _range(width_factor, "RandomZoom")
        if self._height[0] < -1 or (self._width and self._width[0] < -1):
            raise ValueError("RandomZoom: factors must be >= -1")

    def _matrices(self, images):
        h, w = images.shape.dims[1:3]
        zy = self._uniform(images, 1.0 + self._height[0], 1.0 + self._height[1])
        zx = zy if self._width is None else self._uniform(images, 1.0 + self._width[0], 1.0 + self._width[1])
        zeros = api.zeros_like(zy)
        x_offset = api.multiply(api.subtract(1.0, zx), (w - 1) / 2.0)
        y_offset = api.multiply(api.subtract(1.0, zy), (h - 1) / 2.0)
        return api.concat([zx, zeros, x_offset, zeros, zy, y_offset, zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor, "width_factor": self.width_factor}


class RandomTranslation(_AffineAugmentation):
    """Shift each image by random fractions of its height and width (height_factor,
    width_factor: a number f means [-f, f]; positive moves down / right)."""

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._height = _range(height_factor, "RandomTranslation")
        self._width = _range(width_factor, "RandomTranslation")
        if max(map(abs, self._height + self._width)) > 1:
            raise ValueError(f"RandomTranslation: factors must lie in [-1, 1], got {height_factor!r} and "
                             f"{width_factor!r}")

    def _matrices(self, images):
        h, w = images.shape.dims[1:3]
        dy = api.multiply(self._uniform(images, *self._height), float(h))
        dx = api.multiply(self._uniform(images, *self._width), float(w))
        ones, zeros = api.ones_like(dx), api.zeros_like(dx)
        return api.concat([ones, zeros, api.negative(dx), zeros, ones, api.negative(dy), zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor, "width_factor": self.width_factor}


class RandomContrast(_Augmentation):
    """Scale each image's deviation from its per-channel mean by a random factor in
    [1 - lower, 1 + upper] (factor f means lower = upper = f), then clip to value_range."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = factor
        lower, upper = (factor, factor) if isinstance(factor, (int, float)) else tuple(float(v) for v in factor)
        if not (0 <= lower <= 1 and 0 <= upper):
            raise ValueError(f"RandomContrast: factor must give 0 <= lower <= 1 and upper >= 0, got {factor!r}")
        self._lower, self._upper = float(lower), float(upper)
        self.value_range = tuple(value_range)

    def _augment(self, images):
        f = self._uniform(images, 1.0 - self._lower, 1.0 + self._upper, 3)
        mean = api.reduce_mean(images, axis=[1, 2], keepdims=True)
        out = api.add(api.multiply(api.subtract(images, mean), f), mean)
        return api.clip_by_value(out, float(self.value_range[0]), float(self.value_range[1]))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": list(self.value_range),
                "seed": self.seed}


class RandomBrightness(_Augmentation):
    """While training, add to each image a random delta drawn from `factor` (a fraction of the
    value range: f gives [-f, f], a pair gives [lower, upper], within [-1, 1]) times the width
    of value_range, then clip to value_range.

    Args: factor, value_range ((0, 255)), seed, data_format ('channels_last' only).
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"RandomBrightness: only channels_last images are supported, got {data_format!r}")
        lower, upper = (-abs(factor), abs(factor)) if isinstance(factor, (int, float)) else \
            tuple(float(v) for v in factor)
        if not (-1 <= lower <= upper <= 1):
            raise ValueError(f"RandomBrightness: factor must lie in [-1, 1] with lower <= upper, got {factor!r}")
        self.factor = (lower, upper)
        if not isinstance(value_range, (list, tuple)) or len(value_range) != 2:
            raise ValueError(f"RandomBrightness: value_range must be a pair (low, high), got {value_range!r}")
        self.value_range = sorted(value_range)

    def _augment(self, images):
        low, high = self.value_range
        delta = api.multiply(self._uniform(images, self.factor[0], self.factor[1], 3), float(high - low))
        return api.clip_by_value(api.add(images, delta), float(low), float(high))

    def get_config(self):
        return {**super().get_config(), "data_format": "channels_last", "factor": list(self.factor),
                "value_range": list(self.value_range), "seed": self.seed}

