"""Layers that move values without learning: UpSampling1D/2D/3D, ZeroPadding1D/2D/3D,
Cropping1D/2D/3D, RepeatVector, Permute."""
from __future__ import annotations

from ...ops import api
from ...ops.api.image import resize as resize_images
from .base import Layer
from .conv import normalize_tuple


def _pairs(value, n: int, name: str) -> tuple:
    """An int, n ints (symmetric), or n (before, after) pairs -> n (before, after) pairs."""
    if isinstance(value, int):
        return ((value, value),) * n
    value = tuple(value)
    if n == 1 and len(value) == 2 and all(isinstance(v, int) for v in value):
        return (tuple(int(v) for v in value),)
    if len(value) != n:
        raise ValueError(f"`{name}` must be an int, {n} ints or {n} (before, after) pairs, got {value}")
    out = tuple((int(v), int(v)) if isinstance(v, int) else tuple(int(a) for a in v) for v in value)
    if any(len(p) != 2 or min(p) < 0 for p in out):
        raise ValueError(f"`{name}` must hold non-negative (before, after) pairs, got {value}")
    return out


def _repeat(x, axis: int, times: int):
    """Repeat each entry along `axis` `times` times (nearest-neighbour upsampling)."""
    if times == 1:
        return x
    dims = x.shape.dims
    expanded = api.expand_dims(x, axis + 1)
    multiples = [1] * (len(dims) + 1)
    multiples[axis + 1] = times
    tiled = api.tile(expanded, multiples)
    target = [-1] + [d * times if i == axis else d for i, d in enumerate(dims)][1:]
    return api.reshape(tiled, target)


class UpSampling1D(Layer):
    """Repeat each step `size` times: (n, steps, c) -> (n, steps * size, c)."""

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)

    def call(self, inputs):
        return _repeat(inputs, 1, self.size)

    def compute_output_shape(self, input_shape):
        n, steps, c = input_shape
        return (n, None if steps is None else steps * self.size, c)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


# the methods Keras's UpSampling2D hands to image resizing (besides nearest, which repeats)
INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area")


class _UpSampling(Layer):
    """Repeat each of the `rank` spatial axes `size` times (nearest neighbour)."""

    rank = 2

    def __init__(self, size=2, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{type(self).__name__}: only data_format='channels_last' is supported")
        self.size = normalize_tuple(size, self.rank, "size")

    def _known_spatial(self, inputs):
        if None in inputs.shape.dims[1:]:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs known spatial sizes and channels, "
                             f"got {inputs.shape}")
        return inputs.shape.dims[1:-1]

    def call(self, inputs):
        self._known_spatial(inputs)
        for axis, times in enumerate(self.size, start=1):
            inputs = _repeat(inputs, axis, times)
        return inputs

    def compute_output_shape(self, input_shape):
        spatial = tuple(None if d is None else d * s for d, s in zip(input_shape[1:-1], self.size))
        return (input_shape[0],) + spatial + (input_shape[-1],)

    def get_config(self):
        return {**super().get_config(), "size": list(self.size), "data_format": "channels_last"}


class UpSampling2D(_UpSampling):
    """Upsample rows and columns: (n, h, w, c) -> (n, h * sh, w * sw, c). 'nearest' repeats;
    'bilinear', 'bicubic', 'lanczos3', 'lanczos5' and 'area' resize the images as
    tf.image.resize does (in float32, as TensorFlow computes them, cast back to the input dtype).

    Args: size (int or pair, 2), data_format ('channels_last'), interpolation ('nearest').
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size=size, data_format=data_format, **kwargs)
        self.interpolation = str(interpolation).lower()
        if self.interpolation not in INTERPOLATIONS:
            raise ValueError(f"UpSampling2D: interpolation must be one of {INTERPOLATIONS}, got {interpolation!r}")

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        h, w = self._known_spatial(inputs)
        out = resize_images(inputs, [h * self.size[0], w * self.size[1]], method=self.interpolation)
        return api.cast(out, inputs.dtype)

    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation}


class UpSampling3D(_UpSampling):
    """Repeat each depth, row and column: (n, d, h, w, c) -> (n, d * sd, h * sh, w * sw, c).

    Args: size (int or triple, 2), data_format ('channels_last').
    """

    rank = 3


class _Padding(Layer):
    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{type(self).__name__}: only data_format='channels_last' is supported")
        self.padding = _pairs(padding, self.rank, "padding")

    def call(self, inputs):
        return api.pad(inputs, [[0, 0], *[list(p) for p in self.padding], [0, 0]])

    def compute_output_shape(self, input_shape):
        spatial = tuple(None if s is None else s + a + b for s, (a, b) in zip(input_shape[1:-1], self.padding))
        return (input_shape[0],) + spatial + (input_shape[-1],)

    def get_config(self):
        config = {**super().get_config(), "padding": [list(p) for p in self.padding]}
        if self.rank == 1:
            config["padding"] = list(self.padding[0])
        else:
            config["data_format"] = "channels_last"
        return config


class ZeroPadding1D(_Padding):
    """Add zero steps at the start and end: padding int or (before, after)."""

    def __init__(self, padding=1, **kwargs):
        super().__init__(padding=padding, **kwargs)


class ZeroPadding2D(_Padding):
    """Add zero rows and columns: padding int, (rows, cols) or ((top, bottom), (left, right))."""
    rank = 2


class ZeroPadding3D(_Padding):
    """Add zero planes, rows and columns: padding int, 3 ints or 3 (before, after) pairs."""
    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), **kwargs):
        super().__init__(padding=padding, **kwargs)


class _Cropping(Layer):
    rank = 1

    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{type(self).__name__}: only data_format='channels_last' is supported")
        self.cropping = _pairs(cropping, self.rank, "cropping")

    def call(self, inputs):
        dims = inputs.shape.dims
        key = [slice(None)]
        for size, (a, b) in zip(dims[1:-1], self.cropping):
            if size is not None and a + b >= size:
                raise ValueError(f"{type(self).__name__} {self.name!r}: cropping {self.cropping} removes all of "
                                 f"input shape {inputs.shape}")
            key.append(slice(a, -b if b else None))
        return inputs[tuple(key)]

    def compute_output_shape(self, input_shape):
        spatial = tuple(None if s is None else s - a - b for s, (a, b) in zip(input_shape[1:-1], self.cropping))
        return (input_shape[0],) + spatial + (input_shape[-1],)

    def get_config(self):
        config = {**super().get_config(), "cropping": [list(p) for p in self.cropping]}
        if self.rank == 1:
            config["cropping"] = list(self.cropping[0])
        else:
            config["data_format"] = "channels_last"
        return config


class Cropping1D(_Cropping):
    """Remove steps at the start and end: cropping int or (start, end)."""

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, **kwargs)


class Cropping2D(_Cropping):
    """Remove rows and columns: cropping int, (rows, cols) or ((top, bottom), (left, right))."""
    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), **kwargs):
        super().__init__(cropping, **kwargs)


class Cropping3D(_Cropping):
    """Remove planes, rows and columns: cropping int, 3 ints or 3 (before, after) pairs."""
    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), **kwargs):
        super().__init__(cropping, **kwargs)


class RepeatVector(Layer):
    """(n, features) -> (n, times, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)

    def call(self, inputs):
        if inputs.shape.rank != 2:
            raise ValueError(f"RepeatVector {self.name!r} expects 2-D inputs (batch, features), got {inputs.shape}")
        return api.tile(api.expand_dims(inputs, 1), [1, self.n, 1])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class Permute(Layer):
    """Reorder the non-batch axes: `dims` is a permutation of 1..rank-1 (the batch axis stays)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute: dims must be a permutation of 1..{len(self.dims)}, got {self.dims}")

    def call(self, inputs):
        return api.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}
