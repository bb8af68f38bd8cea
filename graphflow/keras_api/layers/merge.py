"""Layers that merge a list of inputs: Concatenate, Add, Subtract, Multiply, Average, Maximum,
Minimum, and Dot (the per-sample dot product of two inputs)."""
from __future__ import annotations

from ...ops import api
from .base import Layer


class _Merge(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_mask(self, inputs, previous_mask):
        """Keras's rule: a step is kept when any input keeps it (no mask when an input has none)."""
        masks = previous_mask if isinstance(previous_mask, (list, tuple)) else [previous_mask]
        if any(m is None for m in masks):
            return None
        out = masks[0]
        for m in masks[1:]:
            out = api.logical_or(out, m)
        return out

    def _check(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"{type(self).__name__} {self.name!r} must be called on a list of at least 2 "
                             f"inputs, got {inputs!r}")

    def call(self, inputs):
        self._check(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = self._merge(out, x)
        return out


class Add(_Merge):
    """Elementwise sum of the inputs."""
    _merge = staticmethod(api.add)


class Multiply(_Merge):
    """Elementwise product of the inputs."""
    _merge = staticmethod(api.multiply)


class Maximum(_Merge):
    _merge = staticmethod(api.maximum)


class Minimum(_Merge):
    _merge = staticmethod(api.minimum)


class Subtract(_Merge):
    """inputs[0] - inputs[1]."""

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f"Subtract {self.name!r} must be called on exactly 2 inputs")
        return api.subtract(inputs[0], inputs[1])


class Average(_Merge):
    def call(self, inputs):
        self._check(inputs)
        return api.multiply(api.add_n(list(inputs)), 1.0 / len(inputs))


class Concatenate(_Merge):
    """Join the inputs along `axis` (default -1, the features)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def call(self, inputs):
        self._check(inputs)
        return api.concat(list(inputs), axis=self.axis)

    def compute_mask(self, inputs, previous_mask):
        masks = previous_mask if isinstance(previous_mask, (list, tuple)) else [previous_mask]
        if all(m is None for m in masks):
            return None
        full = []
        for x, m in zip(inputs, masks):
            if m is None:
                full.append(api.ones_like(x, dtype="bool"))
            elif m.shape.rank < x.shape.rank:
                full.append(api.logical_or(api.expand_dims(m, -1), api.zeros_like(x, dtype="bool")))
            else:
                full.append(m)
        return api.reduce_any(api.concat(full, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of Concatenate: `concatenate([a, b])`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def add(inputs, **kwargs):
    """Functional form of Add."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of Subtract."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of Multiply."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of Average."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of Maximum."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of Minimum."""
    return Minimum(**kwargs)(inputs)


def _dot_axes(axes, rank_x: int, rank_y: int) -> tuple[int, int]:
    """Keras's Dot axes as non-negative (x axis, y axis); the batch axis 0 cannot be one."""
    ax = (axes, axes) if isinstance(axes, int) else tuple(axes)
    ax = (ax[0] % rank_x, ax[1] % rank_y)
    if 0 in ax:
        raise ValueError(f"Dot: cannot take the dot product over the batch axis 0, got axes={axes}")
    return ax


def batch_dot(x, y, axes) -> object:
    """Per-sample dot product of x and y over (x axis, y axis): the result has x's axes without
    the contracted one, then y's without its batch and contracted axes (at least rank 2)."""
    rx, ry = x.shape.rank, y.shape.rank
    if rx < 2 or ry < 2:
        raise ValueError(f"Dot: inputs must have rank >= 2, got shapes {x.shape} and {y.shape}")
    a0, a1 = axes
    letters = iter("bcdefghijklmnopqrstuvwxyz")
    xs = ["a"] + [next(letters) for _ in range(rx - 1)]
    ys = ["a"] + [xs[a0] if i == a1 else next(letters) for i in range(1, ry)]
    out = [c for i, c in enumerate(xs) if i != a0] + [c for i, c in enumerate(ys) if i not in (0, a1)]
    result = api.einsum(f"{''.join(xs)},{''.join(ys)}->{''.join(out)}", x, y)
    return api.expand_dims(result, -1) if len(out) == 1 else result


def _l2_normalize(x, axis):
    """x / max(||x||, 1e-7) along axis, as Keras's `ops.normalize` (x * rsqrt of the clamped
    squared norm, so a zero vector has a finite gradient)."""
    square_sum = api.reduce_sum(api.square(x), axis=axis, keepdims=True)
    return api.multiply(x, api.rsqrt(api.maximum(square_sum, 1e-14)))


class Dot(Layer):
    """The per-sample dot product of two inputs along `axes`.

    Args:
        axes: one axis for both inputs, or (axis of the first, axis of the second); never 0.
        normalize: L2-normalise both inputs along those axes first (giving the cosine proximity).
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)) or len(axes) != 2 or \
                    not all(isinstance(a, int) for a in axes):
                raise ValueError(f"Dot: axes must be an int or a pair of ints, got axes={axes!r}")
            axes = list(axes)
        self.axes, self.normalize = axes, normalize
        self.supports_masking = True

    def _axes_for(self, shape_x, shape_y):
        if len(shape_x) < 1 or len(shape_y) < 1:
            raise ValueError("Dot needs inputs with a batch axis")
        return _dot_axes(self.axes, len(shape_x), len(shape_y))

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or \
                not isinstance(input_shape[0], (list, tuple)):
            raise ValueError(f"Dot {self.name!r} must be called on a list of 2 inputs, got shapes {input_shape}")
        a0, a1 = self._axes_for(*input_shape)
        d0, d1 = input_shape[0][a0], input_shape[1][a1]
        if d0 is not None and d1 is not None and d0 != d1:
            raise ValueError(f"Dot {self.name!r}: axis {a0} of {tuple(input_shape[0])} ({d0}) differs from axis {a1} "
                             f"of {tuple(input_shape[1])} ({d1})")
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f"Dot {self.name!r} must be called on exactly 2 inputs, got {inputs!r}")
        x, y = inputs
        axes = self._axes_for(x.shape.dims, y.shape.dims)
        if self.normalize:
            x, y = _l2_normalize(x, axes[0]), _l2_normalize(y, axes[1])
        return batch_dot(x, y, axes)

    def compute_mask(self, inputs, previous_mask):
        return None

    def compute_output_shape(self, input_shape):
        shape_x, shape_y = list(input_shape[0]), list(input_shape[1])
        a0, a1 = self._axes_for(shape_x, shape_y)
        out = [d for i, d in enumerate(shape_x) if i != a0] + [d for i, d in enumerate(shape_y) if i not in (0, a1)]
        return tuple(out + [1] if len(out) == 1 else out)

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs, axes=-1, **kwargs):
    """Functional form of Dot: `dot([a, b], axes=1, normalize=True)`."""
    return Dot(axes=axes, **kwargs)(inputs)
