"""Metric: running statistics kept in gf.Variables, the base of every metric."""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..ops import api
from ..variables import Variable
from . import backend


class Metric:
    """Base class. Subclasses create state with `add_variable` and implement `update_state` and
    `result`. Calling a metric updates it and returns the result."""

    def __init__(self, name=None, dtype=None):
        self.name = name or backend.to_snake_case(type(self).__name__)
        self._dtype = dtypes.as_dtype(dtype or backend.floatx())
        self._variables = []

    @property
    def dtype(self) -> str:
        return self._dtype.name

    def add_variable(self, shape=(), initializer="zeros", dtype=None, name=None) -> Variable:
        """A state variable, created outside any graph being traced."""
        from . import initializers
        dtype = dtypes.as_dtype(dtype or self._dtype)
        init = initializers.get(initializer)
        with backend.state_scope():
            var = Variable(init(tuple(shape), dtype=dtype), trainable=False, name=f"{self.name}/{name or 'var'}",
                           dtype=dtype)
        var._metric_initializer = init
        self._variables.append(var)
        return var

    add_weight = add_variable

    @property
    def variables(self) -> list:
        return list(self._variables)

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self) -> None:
        for v in self._variables:
            v.assign(np.zeros(tuple(v.shape), v.dtype.np) if not hasattr(v, "_metric_initializer")
                     else v._metric_initializer(tuple(v.shape), dtype=v.dtype))

    reset_states = reset_state

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def math_divide_no_nan(x, y):
    y = api.convert_to_tensor(y)
    safe = api.where(api.equal(y, 0.0), api.ones_like(y), y)
    return api.where(api.equal(y, 0.0), api.zeros_like(y), api.divide(x, safe))
