"""Random tensors: gf.random.normal, uniform, truncated_normal, shuffle."""
from __future__ import annotations

from ... import context as ctx_mod
from ... import dtypes
from .. import random as _random_ops
from ..convert import convert_to_tensor, python_value
from ..dispatch import apply
from .op_call import opdef
from .shape import shape_tensor

_ctx = ctx_mod.context()


def _random(name, shape, dtype, seed, **attrs):
    dtype = dtypes.as_dtype(dtype)
    return apply(opdef(name), (shape_tensor(shape),), {"dtype": dtype, "key": _random_ops.op_key(seed), **attrs})


def _float_dtype(dtype, fn):
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError(f"{fn}: dtype must be a float type, got {dtype.name}")
    return dtype


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    dtype = _float_dtype(dtype, "random.normal")
    return _random("RandomStandardNormal", shape, dtype, seed, mean=float(python_value(mean)),
                   stddev=float(python_value(stddev)))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    dtype = _float_dtype(dtype, "random.truncated_normal")
    return _random("TruncatedNormal", shape, dtype, seed, mean=float(python_value(mean)),
                   stddev=float(python_value(stddev)))


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    dtype = dtypes.as_dtype(dtype)
    if maxval is None and not dtype.is_integer:
        maxval = 1.0
    return _random("RandomUniform", shape, dtype, seed, minval=python_value(minval), maxval=python_value(maxval))


def random_shuffle(value, seed=None, name=None):
    x = convert_to_tensor(value)
    return apply(opdef("RandomShuffle"), (x,), {"key": _random_ops.op_key(seed)}, name)
