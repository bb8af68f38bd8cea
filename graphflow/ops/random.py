"""Random ops with TensorFlow's seed semantics: a global seed plus an op seed decide the stream.

Each op carries a `key` attr, fixed when the op is created: (global seed, op seed or a counter).
The generator for a key is created on first use and advances on every run, so a graph op gives
new numbers on each Session.run, and re-seeding with `gf.random.set_seed` replays everything.
"""
from __future__ import annotations

import hashlib
import itertools
import threading

import numpy as np

from ..shapes import TensorShape
from . import infer as inf
from .registry import SOURCE, OpDef, Spec, register

_lock = threading.Lock()
_state = {"global_seed": None, "counter": itertools.count(), "generators": {}}


def set_seed(seed):
    """gf.random.set_seed: reset every random stream so the program's numbers repeat."""
    with _lock:
        _state["global_seed"] = None if seed is None else int(seed)
        _state["counter"] = itertools.count()
        _state["generators"] = {}


def get_global_seed():
    return _state["global_seed"]


def op_key(seed=None):
    """The stream key for a new random op (TensorFlow's global/op seed rules)."""
    g = _state["global_seed"]
    n = next(_state["counter"])
    if g is None and seed is None:
        return ("unseeded", int(np.random.SeedSequence().entropy % (2**63)), n)
    if seed is None:
        return (g, "auto", n)
    return (g if g is not None else 87654321, int(seed), n)


def generator(key) -> np.random.Generator:
    gens = _state["generators"]
    gen = gens.get(key)
    if gen is None:
        with _lock:
            gen = gens.setdefault(key, np.random.Generator(np.random.PCG64(_stable_seed(key))))
    return gen


def _stable_seed(key) -> int:
    """A seed from the key that is the same in every process (Python's hash() of a str is not)."""
    return int.from_bytes(hashlib.blake2b(repr(key).encode(), digest_size=8).digest(), "little") >> 1


def _shape_infer(shape, dtype, key, **attrs):
    if shape.value is None:
        n = shape.shape.dims[0]
        return [Spec(TensorShape(None if n is None else (None,) * n), dtype)]
    return [Spec(TensorShape(tuple(int(d) for d in shape.value)), dtype)]


def _dims(shape):
    return tuple(int(d) for d in shape)


def _normal(shape, dtype, key, mean=0.0, stddev=1.0):
    z = generator(key).standard_normal(_dims(shape), dtype=np.float64)
    return (z * stddev + mean).astype(dtype.np)


def _truncated(shape, dtype, key, mean=0.0, stddev=1.0):
    gen = generator(key)
    z = gen.standard_normal(_dims(shape))
    bad = np.abs(z) > 2
    while bad.any():
        z[bad] = gen.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2
    return (z * stddev + mean).astype(dtype.np)


def _uniform(shape, dtype, key, minval=0.0, maxval=1.0):
    gen = generator(key)
    if dtype.is_integer:
        return gen.integers(minval, maxval, size=_dims(shape), dtype=dtype.np)
    u = gen.random(_dims(shape))
    return (minval + u * (maxval - minval)).astype(dtype.np)


def _uniform_infer(shape, dtype, key, minval=0.0, maxval=1.0):
    if dtype.is_integer and maxval is None:
        raise ValueError("random.uniform: maxval must be given for integer dtypes")
    if dtype.name not in inf.NUMERIC:
        raise TypeError(f"random.uniform: unsupported dtype {dtype.name}")
    return _shape_infer(shape, dtype, key)


def _normal_infer(shape, dtype, key, **attrs):
    if not dtype.is_floating:
        raise TypeError(f"random.normal: dtype must be a float type, got {dtype.name}")
    return _shape_infer(shape, dtype, key)


for _name, _kernel, _infer in (("RandomStandardNormal", _normal, _normal_infer),
                               ("TruncatedNormal", _truncated, _normal_infer),
                               ("RandomUniform", _uniform, _uniform_infer)):
    register(OpDef(_name, _infer, _kernel, kind=SOURCE, stateful=True, differentiable=False))


def _shuffle_infer(x, key):
    return [x]


def _shuffle(x, key):
    return generator(key).permutation(x) if np.ndim(x) else x


register(OpDef("RandomShuffle", _shuffle_infer, _shuffle, stateful=True, differentiable=False))
