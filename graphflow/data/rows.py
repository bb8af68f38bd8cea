"""Batches gathered straight from the source arrays.

When everything between a `from_tensor_slices` and a `batch` only selects or reorders rows
(shuffle, repeat, take, skip, shard, prefetch), the same transformations run over row
positions (plain ints, the same algorithms and random streams), and each batch is one numpy
slice or gather per component instead of a Python step and a stack per element.  The elements
are the same as the element-by-element path gives.
"""
from __future__ import annotations

import copy

import numpy as np

from .parallel import Prefetch
from .shuffling import Shuffle
from .sources import TensorSlices
from .transform import Repeat, Shard, Skip, Take

ROW_PRESERVING = (Shuffle, Repeat, Take, Skip, Shard, Prefetch)


class Positions:
    """Row positions 0..n-1 of a TensorSlices source."""

    def __init__(self, size):
        self.size = size

    def cardinality(self) -> int:
        return self.size

    def iterate(self):
        yield from range(self.size)


def row_plan(node):
    """(source arrays, a node yielding the row positions `node` would yield, positions are in
    order) or None when `node` does more than select rows of one from_tensor_slices."""
    if isinstance(node, TensorSlices):
        return node.arrays, Positions(node.size), True
    if isinstance(node, ROW_PRESERVING) and not isinstance(node, Prefetch):
        inner = row_plan(node.input)
        if inner is None:
            return None
        arrays, positions, ordered = inner
        clone = copy.copy(node)
        clone.input = positions
        return arrays, clone, ordered and not isinstance(node, (Shuffle, Repeat, Shard))
    if isinstance(node, Prefetch):       # prefetching positions buys nothing: skip it
        return row_plan(node.input)
    return None


def gather_batches(arrays, positions, ordered: bool, size: int, drop_remainder: bool):
    """Batches of `size` rows: a slice (no copy) when the rows are in order, else a gather."""
    it = positions.iterate()
    while True:
        chunk = list(_take(it, size))
        if not chunk or (drop_remainder and len(chunk) < size):
            return
        if ordered or chunk[-1] - chunk[0] == len(chunk) - 1 and _increasing(chunk):
            start = chunk[0]
            yield tuple(a[start:start + len(chunk)] for a in arrays)
        else:
            index = np.fromiter(chunk, np.int64, len(chunk))
            yield tuple(a[index] for a in arrays)
        if len(chunk) < size:
            return


def _take(it, n):
    for _ in range(n):
        try:
            yield next(it)
        except StopIteration:
            return


def _increasing(chunk) -> bool:
    return all(b == a + 1 for a, b in zip(chunk, chunk[1:]))
