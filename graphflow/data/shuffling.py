"""`shuffle`: a buffer of `buffer_size` elements from which a uniformly random one is emitted and
replaced by the next input element, as tf.data does.

The random stream follows TensorFlow's seed rules (an op seed, else the global seed from
gf.random.set_seed, else fresh entropy), but is numpy's, not TensorFlow's Philox: a seeded
shuffle is repeatable in graphflow and has tf.data's buffer semantics, but not its exact order.
"""
from __future__ import annotations

import itertools

import numpy as np

from ..errors import InvalidArgumentError
from ..ops import random as random_ops
from . import structure

_DRAWS = 4096         # uniform draws fetched per numpy call: one call per element costs more than the shuffle


def seed_material(seed) -> list:
    """Numbers fixing the stream, from the same (global seed, op seed, op counter) key random ops
    use, so gf.random.set_seed replays pipelines too; fresh entropy when nothing is seeded."""
    key = random_ops.op_key(seed)
    if key[0] == "unseeded":
        return [int(key[1])]
    global_seed, op_seed, counter = key
    return [int(global_seed) % 2**63, 0 if op_seed == "auto" else int(op_seed) % 2**63 + 1,
            int(counter) if op_seed == "auto" else 0]


class Shuffle:
    def __init__(self, node, buffer_size, seed=None, reshuffle_each_iteration=True):
        self.input = node
        self.spec = node.spec
        size = int(structure.to_array(buffer_size))
        if size <= 0:
            raise InvalidArgumentError(None, None, f"shuffle: buffer_size must be greater than zero, got {size}")
        self.buffer_size = size
        self.seed = seed_material(None if seed is None else int(structure.to_array(seed)))
        self.reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        self._epochs = itertools.count()

    def cardinality(self) -> int:
        return self.input.cardinality()

    def _rng(self) -> np.random.Generator:
        epoch = next(self._epochs) if self.reshuffle else 0
        return np.random.default_rng(self.seed + [epoch])

    def iterate(self):
        rng = self._rng()
        draws, d = rng.random(_DRAWS), 0
        it = self.input.iterate()
        buffer = list(itertools.islice(it, self.buffer_size))
        for element in it:
            if d == _DRAWS:
                draws, d = rng.random(_DRAWS), 0
            i = int(draws[d] * len(buffer))
            d += 1
            out = buffer[i]
            buffer[i] = element
            yield out
        while buffer:
            if d == _DRAWS:
                draws, d = rng.random(_DRAWS), 0
            i = int(draws[d] * len(buffer))
            d += 1
            out = buffer[i]
            buffer[i] = buffer[-1]
            buffer.pop()
            yield out
