"""Layers that merge a list of inputs: Concatenate, Add, Subtract, Multiply, Average, Maximum."""
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
