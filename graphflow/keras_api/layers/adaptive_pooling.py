"""AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D (Keras 3.15): pool each spatial
axis down (or up) to a fixed `output_size`, whatever the input size.

Output index i of an axis of length n pools the window [floor(i * n / out), ceil((i + 1) * n / out)),
the windows Keras (and PyTorch) use. A window is a product of per-axis ranges, so the layers
reduce one axis at a time: the max of maxima is the box's maximum, and the mean of the means of
equally long rows is the box's mean.
"""
from __future__ import annotations

from ...ops import api
from .base import Layer
from .conv import normalize_tuple


def adaptive_windows(size: int, out: int) -> list[tuple[int, int]]:
    """The (start, end) window of each of the `out` outputs along an axis of `size`."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def _pool_axis(x, axis: int, out: int, reduce):
    key = [slice(None)] * x.shape.rank
    pieces = []
    for start, end in adaptive_windows(x.shape.dims[axis], out):
        key[axis] = slice(start, end)
        pieces.append(reduce(x[tuple(key)], axis=axis, keepdims=True))
    return pieces[0] if len(pieces) == 1 else api.concat(pieces, axis)


class _AdaptivePooling(Layer):
    rank = 1
    _reduce = None

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{type(self).__name__}: only data_format='channels_last' is supported")
        if not isinstance(output_size, (int, tuple, list)):
            raise TypeError(f"{type(self).__name__}: output_size must be an int or a tuple of {self.rank} ints, "
                            f"got {output_size!r}")
        self.output_size = normalize_tuple(output_size, self.rank, "output_size")
        if min(self.output_size) <= 0:
            raise ValueError(f"{type(self).__name__}: output_size must be positive, got {self.output_size}")

    def call(self, inputs):
        spatial = inputs.shape.dims[1:-1]
        if len(spatial) != self.rank or None in spatial:
            raise ValueError(f"{type(self).__name__} {self.name!r} expects {self.rank + 2}-D channels-last inputs "
                             f"with known spatial sizes, got {inputs.shape}")
        for axis, out in enumerate(self.output_size, start=1):
            inputs = _pool_axis(inputs, axis, out, type(self)._reduce)
        return inputs

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self.output_size + (input_shape[-1],)

    def get_config(self):
        return {**super().get_config(), "output_size": list(self.output_size), "data_format": "channels_last"}


class AdaptiveAveragePooling1D(_AdaptivePooling):
    """Mean over adaptive windows: (n, steps, c) -> (n, output_size, c)."""
    _reduce = staticmethod(api.reduce_mean)


class AdaptiveMaxPooling1D(_AdaptivePooling):
    """Maximum over adaptive windows: (n, steps, c) -> (n, output_size, c)."""
    _reduce = staticmethod(api.reduce_max)


class AdaptiveAveragePooling2D(_AdaptivePooling):
    """Mean over adaptive windows: (n, h, w, c) -> (n, *output_size, c)."""
    rank = 2
    _reduce = staticmethod(api.reduce_mean)


class AdaptiveMaxPooling2D(_AdaptivePooling):
    """Maximum over adaptive windows: (n, h, w, c) -> (n, *output_size, c)."""
    rank = 2
    _reduce = staticmethod(api.reduce_max)


class AdaptiveAveragePooling3D(_AdaptivePooling):
    """Mean over adaptive windows: (n, d, h, w, c) -> (n, *output_size, c)."""
    rank = 3
    _reduce = staticmethod(api.reduce_mean)


class AdaptiveMaxPooling3D(_AdaptivePooling):
    """Maximum over adaptive windows: (n, d, h, w, c) -> (n, *output_size, c)."""
    rank = 3
    _reduce = staticmethod(api.reduce_max)
