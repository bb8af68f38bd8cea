"""More random ops: the stateless family (values a pure function of a [2] seed tensor), categorical,
gamma, poisson and binomial sampling, and the candidate samplers of sampled losses.

Stateless ops draw from a Philox generator keyed by the seed, so one seed gives one tensor in every
mode and process (graphflow's numbers, not TensorFlow's: the tests check shapes, dtypes, bounds,
moments and determinism). Stateful ones use ops/random.py's streams (`key` attr, global/op seeds).
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..shapes import TensorShape, broadcast_dims
from . import random as _random
from .registry import OpDef, Spec, register


def philox(seed) -> np.random.Generator:
    """The generator of a stateless op's [2] int seed."""
    words = np.asarray(seed).astype(np.int64).reshape(-1)
    if words.size != 2:
        raise ValueError(f"a stateless random op needs a seed of shape [2], got {list(np.shape(seed))}")
    return np.random.Generator(np.random.Philox(key=words.view(np.uint64)))


def _truncated(gen, shape, lo=-2.0, hi=2.0):
    z = np.array(gen.standard_normal(shape), dtype=np.float64)
    lo, hi = np.broadcast_to(lo, shape), np.broadcast_to(hi, shape)
    bad = (z < lo) | (z > hi)
    for _ in range(100):
        if not bad.any():
            return z
        z[bad] = gen.standard_normal(int(bad.sum()))
        bad = (z < lo) | (z > hi)
    # far tails: uniform inside the bounds is the limit of the truncated density's shape there
    z[bad] = gen.uniform(lo[bad], hi[bad])
    return z


def sample(gen, kind, shape, dtype, params, minval=None, maxval=None):
    """`shape` samples of the distribution `kind` with (broadcast) `params` arrays."""
    np_dtype = dtype.np
    if kind == "uniform":
        return np.asarray(gen.random(shape)).astype(np_dtype)
    if kind == "normal":
        return np.asarray(gen.standard_normal(shape)).astype(np_dtype)
    if kind == "truncated_normal":
        return np.asarray(_truncated(gen, shape)).astype(np_dtype)
    if kind == "uniform_int":
        if minval >= maxval:
            raise ValueError(f"Need minval < maxval: {minval} >= {maxval}")
        return np.asarray(gen.integers(minval, maxval, size=shape, dtype=np_dtype))
    if kind == "uniform_full_int":
        info = np.iinfo(np_dtype)
        return np.asarray(gen.integers(info.min, info.max, size=shape, dtype=np_dtype, endpoint=True))
    if kind == "gamma":
        alpha, beta = (np.broadcast_to(p, shape) for p in params)
        return np.asarray(gen.standard_gamma(alpha) / beta).astype(np_dtype)
    if kind == "poisson":
        lam = np.broadcast_to(params[0], shape)
        return np.asarray(gen.poisson(lam)).astype(np_dtype)
    if kind == "binomial":
        counts, probs = (np.broadcast_to(p, shape) for p in params)
        return np.asarray(gen.binomial(counts.astype(np.int64), probs)).astype(np_dtype)
    if kind == "parameterized_truncated_normal":
        mean, std, lo, hi = (np.broadcast_to(np.asarray(p, np.float64), shape) for p in params)
        z = _truncated(gen, shape, (lo - mean) / std, (hi - mean) / std)
        return np.asarray(mean + std * z).astype(np_dtype)
    if kind == "categorical":
        logits, = params
        num = shape[-1]
        z = logits.astype(np.float64)
        z = z - np.max(z, axis=-1, keepdims=True)
        p = np.exp(z)
        p = p / p.sum(-1, keepdims=True)
        return np.stack([gen.choice(p.shape[-1], size=num, p=row) for row in p]).astype(np_dtype) \
            if len(p) else np.zeros((0, num), np_dtype)
    raise ValueError(f"unknown distribution {kind}")


def _static_shape(shape_spec):
    if shape_spec.value is None:
        n = shape_spec.shape.dims[0] if shape_spec.shape.dims else None
        return TensorShape(None if n is None else (None,) * n)
    return TensorShape(tuple(int(d) for d in np.reshape(shape_spec.value, -1)))


def _check_params(kind, dtype, params):
    if kind in ("uniform", "normal", "truncated_normal", "gamma", "parameterized_truncated_normal") \
            and not dtype.is_floating:
        raise TypeError(f"{kind}: dtype must be a float type, got {dtype.name}")
    if kind in ("uniform_int", "uniform_full_int", "categorical") and not dtype.is_integer:
        raise TypeError(f"{kind}: dtype must be an integer type, got {dtype.name}")


# ---- stateless ----------------------------------------------------------------------------------------------

def _stateless_infer(shape, seed, *params, kind, dtype, minval=None, maxval=None):
    _check_params(kind, dtype, params)
    if not seed.dtype.is_integer:
        raise TypeError(f"stateless_{kind}: seed must be int32 or int64, got {seed.dtype.name}")
    if seed.shape.dims is not None and seed.shape.dims != (2,):
        raise ValueError(f"stateless_{kind}: seed must have shape [2], not {seed.shape}")
    return [Spec(_static_shape(shape), dtype)]


def _stateless(shape, seed, *params, kind, dtype, minval=None, maxval=None):
    return sample(philox(seed), kind, tuple(int(d) for d in shape), dtype, params, minval, maxval)


register(OpDef("StatelessRandom", _stateless_infer, _stateless, differentiable=False))


# ---- stateful -------------------------------------------------------------------------------------------------

def _stateful_infer(shape, *params, kind, dtype, key, minval=None, maxval=None):
    _check_params(kind, dtype, params)
    return [Spec(_static_shape(shape), dtype)]


def _stateful(shape, *params, kind, dtype, key, minval=None, maxval=None):
    return sample(_random.generator(key), kind, tuple(int(d) for d in shape), dtype, params, minval, maxval)


register(OpDef("RandomDistribution", _stateful_infer, _stateful, stateful=True, differentiable=False))


# ---- candidate samplers ---------------------------------------------------------------------------------------

def _sampler_infer(true_classes, kind, num_true, num_sampled, unique, range_max, key, probs=None):
    if true_classes.dtype is not dtypes.int64:
        raise TypeError(f"{kind}_candidate_sampler: true_classes must be int64, got {true_classes.dtype.name}")
    if true_classes.shape.rank not in (None, 2):
        raise ValueError(f"{kind}_candidate_sampler: true_classes must be a matrix, got {true_classes.shape}")
    batch = true_classes.shape.dims[0] if true_classes.shape.dims else None
    return [Spec(TensorShape((num_sampled,)), dtypes.int64), Spec(TensorShape((batch, num_true)), dtypes.float32),
            Spec(TensorShape((num_sampled,)), dtypes.float32)]


_LEARNED: dict = {}        # op key -> class counts a learned_unigram sampler has seen


def _class_probs(kind, range_max, key, probs):
    if kind == "uniform":
        return np.full(range_max, 1.0 / range_max)
    if kind == "log_uniform":
        k = np.arange(range_max, dtype=np.float64)
        return (np.log(k + 2) - np.log(k + 1)) / np.log(range_max + 1)
    if kind == "learned_unigram":
        counts = _LEARNED.setdefault(key, np.zeros(range_max))
        return np.full(range_max, 1.0 / range_max) if counts.sum() == 0 else counts / counts.sum()
    p = np.asarray(probs, np.float64)
    return p / p.sum()


def _expected(p, num_sampled, tries, unique):
    if not unique or tries == num_sampled:
        return p * num_sampled
    return -np.expm1(tries * np.log1p(-p))


def _sampler(true_classes, kind, num_true, num_sampled, unique, range_max, key, probs=None):
    if kind == "all":
        sampled = np.arange(num_sampled, dtype=np.int64)
        return (sampled, np.ones(true_classes.shape, np.float32), np.ones(num_sampled, np.float32))
    if np.any(true_classes < 0) or np.any(true_classes >= range_max):
        raise ValueError(f"{kind}_candidate_sampler: true_classes must be in [0, {range_max})")
    if unique and num_sampled > range_max:
        raise ValueError(f"{kind}_candidate_sampler: num_sampled {num_sampled} > range_max {range_max} with unique")
    p = _class_probs(kind, range_max, key, probs)
    gen = _random.generator(key)
    if unique:
        chosen, seen, tries = [], set(), 0
        while len(chosen) < num_sampled:
            c = int(gen.choice(range_max, p=p))
            tries += 1
            if c not in seen:
                seen.add(c)
                chosen.append(c)
        sampled = np.asarray(chosen, np.int64)
    else:
        tries = num_sampled
        sampled = gen.choice(range_max, size=num_sampled, p=p).astype(np.int64)
    if kind == "learned_unigram":
        np.add.at(_LEARNED[key], true_classes.reshape(-1), 1)
    return (sampled, _expected(p[true_classes], num_sampled, tries, unique).astype(np.float32),
            _expected(p[sampled], num_sampled, tries, unique).astype(np.float32))


register(OpDef("RandomCandidateSampler", _sampler_infer, _sampler, num_outputs=3, stateful=True, differentiable=False))


def broadcast_shape(*shapes):
    out = ()
    for s in shapes:
        out = broadcast_dims(out, tuple(s))
    return out


# ---- random_index_shuffle: a keyed bijection of [0, max_index] ------------------------------------------

_M64 = (1 << 64) - 1


def _mix(x, key):
    """splitmix64's finalizer on x ^ key (uint64 arrays): the Feistel round function."""
    with np.errstate(over="ignore"):
        z = (x ^ key) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _index_shuffle_infer(index, seed, max_index, rounds=4):
    if not index.dtype.is_integer:
        raise TypeError(f"random_index_shuffle: index must be an integer tensor, got {index.dtype.name}")
    return [Spec(index.shape, index.dtype)]


def _index_shuffle(index, seed, max_index, rounds=4):
    """A Feistel network over the smallest even number of bits covering max_index + 1 values, walked
    until the result lands in range (cycle walking keeps it a bijection of [0, max_index])."""
    n = int(max_index) + 1
    half = max(1, ((n - 1).bit_length() + 1) // 2)
    mask = np.uint64((1 << half) - 1)
    words = np.asarray(seed).astype(np.int64).reshape(-1).view(np.uint64)
    base = np.uint64(0)
    for w in words:
        base = _mix(base, w)
    keys = [_mix(base, np.uint64(r + 1)) for r in range(int(rounds))]

    def feistel(v):
        left, right = v >> np.uint64(half), v & mask
        for k in keys:
            left, right = right, left ^ (_mix(right, k) & mask)
        return (left << np.uint64(half)) | right
    x = np.atleast_1d(np.asarray(index).astype(np.uint64))
    if np.any(x >= np.uint64(n)):
        raise ValueError(f"random_index_shuffle: index must be in [0, {max_index}]")
    out = feistel(x)
    bad = out >= np.uint64(n)
    while bad.any():
        out[bad] = feistel(out[bad])
        bad = out >= np.uint64(n)
    return out.astype(index.dtype).reshape(np.shape(index))


register(OpDef("RandomIndexShuffle", _index_shuffle_infer, _index_shuffle, differentiable=False))
