"""Layers that merge a list of inputs: Concatenate, Add, Subtract, Multiply, Average, Maximum."""
from __future__ import annotations

from ...ops import api
from .base import Layer


class _Merge(Layer):
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

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)


def add(inputs, **kwargs):
    return Add(**kwargs)(inputs)
