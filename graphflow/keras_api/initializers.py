"""Weight initializers with Keras's defaults (GlorotUniform kernels, zero biases).

Values are drawn with numpy: a seeded initializer gives the same values on every call (as in
Keras 3); an unseeded one draws from the stream `keras.utils.set_random_seed` seeds.
"""
from __future__ import annotations

import math

import numpy as np

from . import backend
from .serialization import class_registry, deserialize_object, serialize_object


def _np_dtype(dtype):
    from .. import dtypes
    return dtypes.as_dtype(dtype or backend.floatx()).np


def compute_fans(shape, input_axes=None, output_axes=None) -> tuple[float, float]:
    """(fan_in, fan_out): dense kernels (in, out); conv kernels (*window, in, out); or the
    products of the sizes of `input_axes` and `output_axes` when both are given (Keras 3.15)."""
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return float(np.prod([shape[a] for a in input_axes])), float(np.prod([shape[a] for a in output_axes]))
    if len(shape) == 0:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive = float(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class: `initializer(shape, dtype)` returns a tensor of initial values."""

    def __call__(self, shape, dtype=None):
        from ..ops.api import constant
        return constant(self.sample(tuple(int(d) for d in shape), _np_dtype(dtype)))

    def sample(self, shape, np_dtype) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}({self.get_config()})"


class _Seeded(Initializer):
    def __init__(self, seed=None):
        self.seed = seed

    def _rng(self) -> np.random.Generator:
        return np.random.default_rng(self.seed) if self.seed is not None else backend.rng()

    def get_config(self):
        return {"seed": self.seed}


class Zeros(Initializer):
    def sample(self, shape, np_dtype):
        return np.zeros(shape, np_dtype)


class Ones(Initializer):
    def sample(self, shape, np_dtype):
        return np.ones(shape, np_dtype)


class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = value

    def sample(self, shape, np_dtype):
        return np.broadcast_to(np.asarray(self.value, np_dtype), shape).copy()

    def get_config(self):
        return {"value": self.value}


class RandomNormal(_Seeded):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def sample(self, shape, np_dtype):
        return (self._rng().standard_normal(shape) * self.stddev + self.mean).astype(np_dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def _truncated(rng, shape):
    """Standard normal values redrawn until they lie within two standard deviations."""
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2
    return z


class TruncatedNormal(RandomNormal):
    def sample(self, shape, np_dtype):
        return (_truncated(self._rng(), shape) * self.stddev + self.mean).astype(np_dtype)


class RandomUniform(_Seeded):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def sample(self, shape, np_dtype):
        return self._rng().uniform(self.minval, self.maxval, shape).astype(np_dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class VarianceScaling(_Seeded):
    """Scale / fan (fan_in, fan_out or their average), drawn uniform or (truncated) normal."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None, input_axes=None,
                 output_axes=None):
        super().__init__(seed)
        self.input_axes = None if input_axes is None else list(input_axes)
        self.output_axes = None if output_axes is None else list(output_axes)
        if scale <= 0:
            raise ValueError(f"VarianceScaling: scale must be positive, got {scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: mode must be fan_in, fan_out or fan_avg, got {mode!r}")
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"VarianceScaling: unknown distribution {distribution!r}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def sample(self, shape, np_dtype):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, fan)
        rng = self._rng()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return rng.uniform(-limit, limit, shape).astype(np_dtype)
        if self.distribution == "truncated_normal":
            # 0.8796...: the standard deviation of a unit normal truncated to [-2, 2]
            return (_truncated(rng, shape) * (math.sqrt(variance) / 0.87962566103423978)).astype(np_dtype)
        return (rng.standard_normal(shape) * math.sqrt(variance)).astype(np_dtype)

    def _axes_config(self):
        """Keras 3.15's fan axes, only when set (so configs stay as earlier Keras 3 writes them)."""
        if self.input_axes is None and self.output_axes is None:
            return {}
        return {"input_axes": self.input_axes, "output_axes": self.output_axes}

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed,
                **self._axes_config()}


def _variance_scaling(name, scale, mode, distribution):
    def __init__(self, seed=None, input_axes=None, output_axes=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self):
        return {"seed": self.seed, **self._axes_config()}
    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                           "__doc__": f"VarianceScaling({scale}, {mode}, {distribution})."})


GlorotUniform = _variance_scaling("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _variance_scaling("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeNormal = _variance_scaling("HeNormal", 2.0, "fan_in", "truncated_normal")
HeUniform = _variance_scaling("HeUniform", 2.0, "fan_in", "uniform")
LecunNormal = _variance_scaling("LecunNormal", 1.0, "fan_in", "truncated_normal")
LecunUniform = _variance_scaling("LecunUniform", 1.0, "fan_in", "uniform")


class Identity(Initializer):
    def __init__(self, gain=1.0):
        self.gain = gain

    def sample(self, shape, np_dtype):
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape, got {shape}")
        return (np.eye(*shape) * self.gain).astype(np_dtype)

    def get_config(self):
        return {"gain": self.gain}


class Orthogonal(_Seeded):
    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def sample(self, shape, np_dtype):
        rows = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
        cols = shape[-1]
        a = self._rng().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q[:rows, :cols].reshape(shape)).astype(np_dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


_CLASSES = class_registry(Initializer, globals())
_ALIASES = {"zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
            "random_uniform": RandomUniform, "uniform": RandomUniform, "normal": RandomNormal,
            "truncated_normal": TruncatedNormal, "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
            "he_normal": HeNormal, "he_uniform": HeUniform, "lecun_normal": LecunNormal,
            "lecun_uniform": LecunUniform, "identity": Identity, "orthogonal": Orthogonal,
            "variance_scaling": VarianceScaling}


def get(identifier):
    """An Initializer from a name ('glorot_uniform'), a config dict, an instance or a callable."""
    if identifier is None or isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str) and identifier in _ALIASES:
        return _ALIASES[identifier]()
    if callable(identifier) and not isinstance(identifier, type):
        return identifier
    return deserialize_object(identifier, _CLASSES, "initializer")


def serialize(initializer):
    return serialize_object(initializer)


def deserialize(config, custom_objects=None):
    return deserialize_object(config, _CLASSES, "initializer", custom_objects)
