"""tf.random beyond normal/uniform: the stateless_* family, categorical, gamma, poisson, seed
helpers (create_rng_state, fold_in, split) and the candidate samplers."""
from __future__ import annotations

import enum

import numpy as np

from ... import dtypes
from .. import random as _random_ops
from .. import random_extra as _ops
from ..convert import convert_to_tensor, python_value
from ..dispatch import apply
from ..static_value import constant_value
from .math import add, cast, multiply, subtract
from .op_call import argument_error, opdef
from .shape import reshape, shape_tensor


class Algorithm(enum.Enum):
    """The RNG algorithms TensorFlow names (graphflow's generators are Philox-based for all)."""
    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


def _static(v, what, op):
    v = python_value(v)
    if hasattr(v, "op"):
        v = constant_value(v)
    if v is None:
        raise ValueError(f"{op}: {what} must be known when the graph is built")
    return v


def _seed(seed, op):
    s = convert_to_tensor(seed)
    if s.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"{op}: seed must be int32 or int64, got {s.dtype.name}")
    if s.shape.rank is not None and s.shape.dims != (2,):
        raise argument_error(op, f"seed must have shape [2], not {s.shape}")
    return s


def _stateless(kind, shape, seed, dtype, *params, minval=None, maxval=None):
    dtype = dtypes.as_dtype(dtype)
    return apply(opdef("StatelessRandom"), (shape_tensor(shape), _seed(seed, f"stateless_{kind}"), *params),
                 {"kind": kind, "dtype": dtype, "minval": minval, "maxval": maxval})


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=dtypes.float32, name=None, alg="auto_select"):
    """Uniform values in [minval, maxval), a pure function of `seed` (shape [2]). Integer dtypes need
    maxval (both bounds None gives the full integer range)."""
    dtype = dtypes.as_dtype(dtype)
    if dtype.is_integer:
        if minval is None and maxval is None:
            return _stateless("uniform_full_int", shape, seed, dtype)
        if maxval is None:
            raise ValueError("stateless_uniform: must specify maxval for integer dtype")
        return _stateless("uniform_int", shape, seed, dtype, minval=int(_static(minval, "minval", "stateless_uniform")),
                          maxval=int(_static(maxval, "maxval", "stateless_uniform")))
    u = _stateless("uniform", shape, seed, dtype)
    lo = convert_to_tensor(0 if minval is None else minval, dtype)
    hi = convert_to_tensor(1 if maxval is None else maxval, dtype)
    return add(multiply(u, subtract(hi, lo)), lo)


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None, alg="auto_select"):
    """Normal values, a pure function of `seed`."""
    z = _stateless("normal", shape, seed, dtype)
    return add(multiply(z, convert_to_tensor(stddev, z.dtype)), convert_to_tensor(mean, z.dtype))


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None,
                               alg="auto_select"):
    """Normal values within two standard deviations of the mean, a pure function of `seed`."""
    z = _stateless("truncated_normal", shape, seed, dtype)
    return add(multiply(z, convert_to_tensor(stddev, z.dtype)), convert_to_tensor(mean, z.dtype))


def stateless_categorical(logits, num_samples, seed, dtype=dtypes.int64, name=None):
    """[batch, num_samples] class indices drawn from softmax(logits), a pure function of `seed`."""
    logits = convert_to_tensor(logits)
    n = int(_static(num_samples, "num_samples", "stateless_categorical"))
    batch = logits.shape.dims[0] if logits.shape.rank == 2 else None
    if logits.shape.rank not in (None, 2):
        raise ValueError(f"stateless_categorical: logits must be 2-D, got {logits.shape}")
    shape = [batch, n] if batch is not None else _shape_of_rows(logits, n)
    return _stateless("categorical", shape, seed, dtype, logits)


def _shape_of_rows(logits, n):
    from .shape import concat, shape
    return concat([shape(logits)[:1], [n]], 0)


def stateless_gamma(shape, seed, alpha, beta=None, dtype=dtypes.float32, name=None):
    """Gamma(alpha, beta) samples (alpha, beta broadcast to `shape`), a pure function of `seed`."""
    dtype = dtypes.as_dtype(dtype)
    alpha = convert_to_tensor(alpha, dtype)
    beta = convert_to_tensor(1 if beta is None else beta, dtype)
    return _stateless("gamma", shape, seed, dtype, alpha, beta)


def stateless_poisson(shape, seed, lam, dtype=dtypes.int32, name=None):
    """Poisson(lam) samples (lam broadcast to `shape`), a pure function of `seed`."""
    return _stateless("poisson", shape, seed, dtype, convert_to_tensor(lam))


def stateless_binomial(shape, seed, counts, probs, output_dtype=dtypes.int32, name=None):
    """Binomial(counts, probs) samples broadcast to `shape`, a pure function of `seed`."""
    return _stateless("binomial", shape, seed, output_dtype, convert_to_tensor(counts), convert_to_tensor(probs))


def stateless_parameterized_truncated_normal(shape, seed, means=0.0, stddevs=1.0, minvals=-2.0, maxvals=2.0,
                                             name=None):
    """Normal(means, stddevs) samples kept within [minvals, maxvals], a pure function of `seed`."""
    means = convert_to_tensor(means, dtypes.float32) if not hasattr(means, "dtype") else convert_to_tensor(means)
    dt = means.dtype
    params = [means] + [convert_to_tensor(p, dt) for p in (stddevs, minvals, maxvals)]
    return _stateless("parameterized_truncated_normal", shape, seed, dt, *params)


# ---- stateful ------------------------------------------------------------------------------------------

def _stateful(kind, shape, dtype, seed, *params):
    return apply(opdef("RandomDistribution"), (shape_tensor(shape), *params),
                 {"kind": kind, "dtype": dtypes.as_dtype(dtype), "key": _random_ops.op_key(seed)})


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """[batch, num_samples] class indices drawn from softmax(logits) (int64 unless `dtype`)."""
    logits = convert_to_tensor(logits)
    if logits.shape.rank not in (None, 2):
        raise ValueError(f"categorical: logits must be 2-D, got {logits.shape}")
    n = int(_static(num_samples, "num_samples", "categorical"))
    batch = logits.shape.dims[0] if logits.shape.rank == 2 else None
    shape = [batch, n] if batch is not None else _shape_of_rows(logits, n)
    return _stateful("categorical", shape, dtype or dtypes.int64, seed, logits)


def _param_shape(shape, *params):
    dims = [p.shape.as_list() for p in params]
    extra = _ops.broadcast_shape(*dims)
    return list(np.reshape(_static(shape_tensor(shape), "shape", "random"), -1)) + list(extra)


def gamma(shape, alpha, beta=None, dtype=dtypes.float32, seed=None, name=None):
    """Gamma(alpha, beta) samples of shape `shape` + broadcast(alpha, beta).shape."""
    dtype = dtypes.as_dtype(dtype)
    alpha = convert_to_tensor(alpha, dtype)
    beta = convert_to_tensor(1 if beta is None else beta, dtype)
    return _stateful("gamma", _param_shape(shape, alpha, beta), dtype, seed, alpha, beta)


def poisson(shape, lam, dtype=dtypes.float32, seed=None, name=None):
    """Poisson(lam) samples of shape `shape` + lam.shape."""
    lam = convert_to_tensor(lam)
    return _stateful("poisson", _param_shape(shape, lam), dtype, seed, lam)


# ---- seeds ---------------------------------------------------------------------------------------------

def create_rng_state(seed, alg):
    """The initial state array (int64) of a generator seeded with `seed`: [seed, 0, 0]."""
    if isinstance(alg, str):
        alg = {"philox": Algorithm.PHILOX, "threefry": Algorithm.THREEFRY,
               "auto_select": Algorithm.AUTO_SELECT}[alg.lower()]
    alg = Algorithm(alg.value if isinstance(alg, Algorithm) else int(alg))
    size = 2 if alg is Algorithm.THREEFRY else 3
    out = np.zeros(size, np.int64)
    out[0] = np.int64(np.uint64(int(seed) % 2**64))
    return out


def split(seed, num=2, alg="auto_select"):
    """`num` new [2] seeds (a [num, 2] tensor of the seed's dtype) derived from `seed`."""
    s = _seed(seed, "split")
    return stateless_uniform([int(num), 2], s, minval=None, maxval=None, dtype=s.dtype)


def fold_in(seed, data, alg="auto_select"):
    """A new [2] seed derived from `seed` and the integer `data`."""
    seed = _seed(seed, "fold_in")
    data = cast(convert_to_tensor(data), dtypes.int64)
    s = cast(seed, dtypes.int64)
    from .shape import concat
    mixed = concat([reshape(add(s[:1], data), [1]), s[1:]], 0)
    return reshape(stateless_uniform([2], mixed, minval=None, maxval=None, dtype=seed.dtype), [2])


# ---- candidate samplers ----------------------------------------------------------------------------------

def _sampler(kind, true_classes, num_true, num_sampled, unique, range_max, seed, probs=None):
    tc = convert_to_tensor(true_classes)
    out = apply(opdef("RandomCandidateSampler"), (tc,), {"kind": kind, "num_true": int(num_true),
                                                   "num_sampled": int(num_sampled), "unique": bool(unique),
                                                   "range_max": int(range_max), "key": _random_ops.op_key(seed),
                                                   "probs": probs})
    return tuple(out)


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """(sampled_candidates, true_expected_count, sampled_expected_count) with classes drawn uniformly."""
    return _sampler("uniform", true_classes, num_true, num_sampled, unique, range_max, seed)


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Like uniform_candidate_sampler, with P(k) = log((k + 2) / (k + 1)) / log(range_max + 1) (Zipfian)."""
    return _sampler("log_uniform", true_classes, num_true, num_sampled, unique, range_max, seed)


def learned_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Like uniform_candidate_sampler, with classes drawn by how often they were true classes in
    earlier calls of this op (uniformly at first)."""
    return _sampler("learned_unigram", true_classes, num_true, num_sampled, unique, range_max, seed)


def fixed_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, vocab_file="",
                                    distortion=1.0, num_reserved_ids=0, num_shards=1, shard=0, unigrams=(),
                                    seed=None, name=None):
    """Like uniform_candidate_sampler, with P(k) proportional to unigrams[k] ** distortion (counts from
    `unigrams` or, one per line ending in ",count", from `vocab_file`); reserved ids are never drawn."""
    if vocab_file:
        with open(vocab_file) as f:
            counts = [float(line.rsplit(",", 1)[-1]) for line in f if line.strip()]
    else:
        counts = [float(u) for u in unigrams]
    p = np.zeros(range_max)
    weights = np.power(np.asarray(counts, np.float64), distortion)
    p[num_reserved_ids:num_reserved_ids + len(weights)] = weights[:range_max - num_reserved_ids]
    if len(counts) + num_reserved_ids != range_max:
        raise ValueError(f"fixed_unigram_candidate_sampler: {len(counts)} unigrams + {num_reserved_ids} reserved ids "
                         f"!= range_max {range_max}")
    return _sampler("fixed_unigram", true_classes, num_true, num_sampled, unique, range_max, seed,
                    probs=tuple(p / p.sum()))


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    """Every class 0..num_sampled-1 as the sample, with expected counts of 1."""
    return _sampler("all", true_classes, num_true, num_sampled, unique, num_sampled, seed)


def random_index_shuffle(index, seed, max_index, rounds=4, name=None):
    """A pseudorandom permutation of [0, max_index] applied to `index`: a pure function of `seed`
    (shape [3]) that maps distinct indices to distinct ones."""
    i = convert_to_tensor(index)
    s = convert_to_tensor(seed)
    if s.shape.rank is not None and s.shape.dims[-1:] != (3,):
        raise argument_error("random_index_shuffle", f"seed must have shape [3], not {s.shape}")
    return apply(opdef("RandomIndexShuffle"), (i, s), {"max_index": int(_static(max_index, "max_index",
                                                                                  "random_index_shuffle")),
                                                      "rounds": int(rounds)})
