"""TF1 initializers: objects called as `init(shape, dtype=None, partition_info=None)` that build a
tensor of that shape, for get_variable, tf.layers and tf.Variable.

Random ones draw from graphflow's random ops with the given seed; their streams differ from
TensorFlow's, their distributions do not (variance scaling divides a truncated normal's stddev by
0.8796..., the stddev of a unit normal truncated at two standard deviations, as TF does).
"""
from __future__ import annotations

import math

import numpy as np

from ... import dtypes
from ...ops import api
from ...ops import random as random_ops


def _dtype(dtype, default):
    return dtypes.as_dtype(dtype if dtype is not None else default)


def _dims(shape):
    shape = shape.as_list() if hasattr(shape, "as_list") else shape
    return [int(shape)] if isinstance(shape, (int, np.integer)) else [int(d) for d in shape]


class Initializer:
    """Base class; `get_config` gives the constructor arguments."""

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Zeros(Initializer):
    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return api.zeros(_dims(shape), _dtype(dtype, self.dtype))

    def get_config(self):
        return {"dtype": self.dtype.name}


class Ones(Zeros):
    def __call__(self, shape, dtype=None, partition_info=None):
        return api.ones(_dims(shape), _dtype(dtype, self.dtype))


class Constant(Initializer):
    """A scalar fills the shape; a list or array must have as many elements as the shape."""

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        self.value, self.dtype, self.verify_shape = value, dtypes.as_dtype(dtype), verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        dims = _dims(shape)
        arr = np.asarray(self.value)
        if arr.size not in (1, math.prod(dims)):
            raise TypeError(f"constant_initializer: a value of {arr.size} elements cannot fill shape {dims}")
        return api.constant(arr, dtype=_dtype(dtype, self.dtype), shape=dims)

    def get_config(self):
        return {"value": self.value, "dtype": self.dtype.name, "verify_shape": self.verify_shape}


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        self.mean, self.stddev, self.seed, self.dtype = mean, stddev, seed, dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return api.random_normal(_dims(shape), self.mean, self.stddev, _dtype(dtype, self.dtype), seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed, "dtype": self.dtype.name}


class TruncatedNormal(RandomNormal):
    """Normal values redrawn when more than two standard deviations from the mean."""

    def __call__(self, shape, dtype=None, partition_info=None):
        return api.truncated_normal(_dims(shape), self.mean, self.stddev, _dtype(dtype, self.dtype), seed=self.seed)


class RandomUniform(Initializer):
    def __init__(self, minval=0.0, maxval=None, seed=None, dtype=dtypes.float32):
        self.minval, self.maxval, self.seed, self.dtype = minval, maxval, seed, dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return api.random_uniform(_dims(shape), self.minval, self.maxval, _dtype(dtype, self.dtype), seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed, "dtype": self.dtype.name}


def _fans(dims):
    """fan_in and fan_out: a dense kernel's two sizes; a conv kernel's channels times its receptive field."""
    if len(dims) < 1:
        return 1, 1
    if len(dims) == 1:
        return dims[0], dims[0]
    if len(dims) == 2:
        return dims[0], dims[1]
    receptive = math.prod(dims[:-2])
    return dims[-2] * receptive, dims[-1] * receptive


_TRUNCATED_STDDEV = 0.87962566103423978   # stddev of a unit normal truncated to [-2, 2]


class VarianceScaling(Initializer):
    """Values with variance scale / n, n = fan_in, fan_out or their mean (`mode`).

    distribution: "truncated_normal" (default; "normal" is its old name), "untruncated_normal",
    or "uniform" (limit sqrt(3 * scale / n)).
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None, dtype=dtypes.float32):
        if scale <= 0.0:
            raise ValueError("`scale` must be a positive float.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"Invalid `distribution` argument: {distribution}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dims = _dims(shape)
        dtype = _dtype(dtype, self.dtype)
        fan_in, fan_out = _fans(dims)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return api.truncated_normal(dims, 0.0, math.sqrt(variance) / _TRUNCATED_STDDEV, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return api.random_normal(dims, 0.0, math.sqrt(variance), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * variance)
        return api.random_uniform(dims, -limit, limit, dtype, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed,
                "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(GlorotUniform):
    def __init__(self, seed=None, dtype=dtypes.float32):
        VarianceScaling.__init__(self, 1.0, "fan_avg", "truncated_normal", seed, dtype)


class UniformUnitScaling(Initializer):
    """Uniform in +-factor * sqrt(3 / input_size), input_size = product of all dims but the last."""

    def __init__(self, factor=1.0, seed=None, dtype=dtypes.float32):
        self.factor, self.seed, self.dtype = factor, seed, dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dims = _dims(shape)
        input_size = max(1, math.prod(dims[:-1])) if len(dims) > 1 else max(1, math.prod(dims))
        limit = math.sqrt(3.0 / input_size) * self.factor
        return api.random_uniform(dims, -limit, limit, _dtype(dtype, self.dtype), seed=self.seed)


class Orthogonal(Initializer):
    """A (gain-scaled) orthogonal matrix, reshaped: rows (or columns, whichever are fewer) orthonormal.

    The matrix is drawn with numpy from graphflow's random stream for `seed` when the graph is
    built, so it is a constant of the graph (TensorFlow redraws it each time the initializer runs).
    """

    def __init__(self, gain=1.0, seed=None, dtype=dtypes.float32):
        self.gain, self.seed, self.dtype = gain, seed, dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dims = _dims(shape)
        if len(dims) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional")
        rows, cols = math.prod(dims[:-1]), dims[-1]
        rng = random_ops.generator(random_ops.op_key(self.seed))
        a = rng.standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return api.constant((self.gain * q).reshape(dims), dtype=_dtype(dtype, self.dtype))

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


class Identity(Initializer):
    def __init__(self, gain=1.0, dtype=dtypes.float32):
        self.gain, self.dtype = gain, dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dims = _dims(shape)
        if len(dims) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices.")
        return api.constant(self.gain * np.eye(*dims), dtype=_dtype(dtype, self.dtype))


zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_normal_initializer = RandomNormal
random_uniform_initializer = RandomUniform
truncated_normal_initializer = TruncatedNormal
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
orthogonal_initializer = Orthogonal
uniform_unit_scaling_initializer = UniformUnitScaling
identity_initializer = Identity


def he_normal(seed=None):
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed=None):
    return VarianceScaling(2.0, "fan_in", "uniform", seed)


def lecun_normal(seed=None):
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed=None):
    return VarianceScaling(1.0, "fan_in", "uniform", seed)


# tf.compat.v1.initializers.* names
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, orthogonal, identity = VarianceScaling, Orthogonal, Identity
glorot_uniform, glorot_normal, uniform_unit_scaling = GlorotUniform, GlorotNormal, UniformUnitScaling


def global_variables():
    """The op that initializes every global variable (tf.initializers.global_variables())."""
    from .graph_collections import global_variables_initializer
    return global_variables_initializer()


def local_variables():
    from .graph_collections import local_variables_initializer
    return local_variables_initializer()


def variables(var_list, name="init"):
    from ... import variables as variables_mod
    return variables_mod.variables_initializer(var_list, name=name)
