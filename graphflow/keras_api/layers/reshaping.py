"""Layers that move values without learning: UpSampling1D/2D, ZeroPadding1D/2D, Cropping1D/2D,
RepeatVector, Permute."""
from __future__ import annotations

from ...ops import api
from .base import Layer


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


class UpSampling2D(Layer):
    """Repeat rows and columns (nearest neighbour): (n, h, w, c) -> (n, h * sh, w * sw, c)."""

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        if interpolation != "nearest":
            raise ValueError(f"UpSampling2D: only interpolation='nearest' is supported, got {interpolation!r}")
        if data_format not in (None, "channels_last"):
            raise ValueError("UpSampling2D: only data_format='channels_last' is supported")
        self.size = (int(size), int(size)) if isinstance(size, int) else tuple(int(s) for s in size)

    def call(self, inputs):
        if None in inputs.shape.dims[1:]:
            raise ValueError(f"UpSampling2D {self.name!r} needs known height, width and channels, got {inputs.shape}")
        return _repeat(_repeat(inputs, 1, self.size[0]), 2, self.size[1])

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        return (n, None if h is None else h * self.size[0], None if w is None else w * self.size[1], c)

    def get_config(self):
        return {**super().get_config(), "size": list(self.size), "data_format": "channels_last",
                "interpolation": "nearest"}


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
