"""tf.random.Generator: a random stream whose state is a variable (int64 [3]: key, counter, 0).

Each draw seeds a stateless op with (key, counter) and then advances the counter, so a generator
gives the same numbers eagerly, in graphs and in gf.function, checkpoints with its variable, and
`split` derives independent generators. The numbers are graphflow's (Philox via numpy), not
TensorFlow's.
"""
from __future__ import annotations

import numpy as np

from . import context as ctx_mod
from . import dtypes
from .ops import api
from .ops.api import random_extra as rx
from .variables import Variable

_ctx = ctx_mod.context()


class Generator:
    """A random number generator with explicit state (`state`, an int64 variable)."""

    def __init__(self, copy_from=None, state=None, alg=None):
        if copy_from is not None:
            state = copy_from.state.numpy()
        if state is None:
            raise ValueError("Generator: give copy_from or state (or use Generator.from_seed)")
        self._alg = rx.Algorithm.PHILOX if alg is None else _alg(alg)
        self._state = Variable(np.asarray(state, np.int64).reshape(3), trainable=False, dtype=dtypes.int64,
                               name="generator_state")

    @classmethod
    def from_seed(cls, seed, alg=None):
        """A generator whose stream depends only on `seed`."""
        return cls(state=rx.create_rng_state(seed, "philox"), alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        """A generator seeded from the operating system's entropy."""
        return cls.from_seed(int(np.random.SeedSequence().entropy % 2**63), alg)

    @classmethod
    def from_state(cls, state, alg):
        return cls(state=state, alg=alg)

    @property
    def state(self):
        return self._state

    @property
    def algorithm(self):
        return self._alg.value

    @property
    def key(self):
        return self._state[0]

    def reset_from_seed(self, seed):
        self._state.assign(rx.create_rng_state(seed, "philox"))

    def skip(self, delta):
        """Advance the stream by `delta` draws."""
        self._state.assign_add(np.array([0, int(delta), 0], np.int64))

    def _next_seed(self):
        s = self._state.read_value()
        seed = api.stack([s[0], s[1]])
        step = self._state.assign_add(np.array([0, 1, 0], np.int64), read_value=False)
        if not _ctx.eager:
            with api.control_dependencies([step] if step is not None else []):
                seed = api.identity(seed)
        return seed

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        return rx.stateless_normal(shape, self._next_seed(), mean, stddev, dtype)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        return rx.stateless_truncated_normal(shape, self._next_seed(), mean, stddev, dtype)

    def uniform(self, shape, minval=0, maxval=None, dtype=dtypes.float32, name=None):
        return rx.stateless_uniform(shape, self._next_seed(), minval, maxval, dtype)

    def uniform_full_int(self, shape, dtype=dtypes.uint64 if hasattr(dtypes, "uint64") else dtypes.int64, name=None):
        return rx.stateless_uniform(shape, self._next_seed(), None, None, dtype)

    def binomial(self, shape, counts, probs, dtype=dtypes.int32, name=None):
        return rx.stateless_binomial(shape, self._next_seed(), counts, probs, dtype)

    def make_seeds(self, count=1):
        """[2, count] int64 seeds for stateless ops."""
        return api.transpose(rx.split(self._next_seed(), count))

    def split(self, count=1):
        """`count` new generators, independent of this one and of each other."""
        seeds = rx.split(self._next_seed(), count).numpy()
        return [Generator(state=np.array([s[0], s[1], 0], np.int64)) for s in seeds]


def _alg(alg):
    if isinstance(alg, rx.Algorithm):
        return alg
    if isinstance(alg, str):
        return rx.Algorithm[alg.upper()]
    return rx.Algorithm(int(alg))


_global = {"generator": None}


def get_global_generator() -> Generator:
    """The process-wide generator (created from the OS's entropy on first use)."""
    if _global["generator"] is None:
        _global["generator"] = Generator.from_non_deterministic_state()
    return _global["generator"]


def set_global_generator(generator: Generator):
    """Replace the process-wide generator."""
    _global["generator"] = generator
