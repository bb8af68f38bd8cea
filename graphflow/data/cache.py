"""`cache()`: the first complete pass is kept (in memory, or in a file when a filename is
given) and later passes replay it instead of running the input again.

A pass that stops early keeps nothing, as in tf.data.  The file holds one stacked array per
component when its elements share a shape (else the concatenated values and their shapes),
written atomically, and is reused by any dataset cached to the same filename.
"""
from __future__ import annotations

import os

import numpy as np

from ..atomic_file import atomic_writer
from . import structure


def _path(filename: str) -> str:
    return os.fspath(filename) + ".gfdata.npz"


def _write_atomically(path: str, arrays: dict) -> None:
    with atomic_writer(path) as f:
        np.savez(f, **arrays)


def _encode(elements: list, width: int) -> dict:
    out = {"count": np.int64(len(elements))}
    for j in range(width):
        parts = [structure.leaf_array(e[j]) for e in elements]
        if parts and all(p.shape == parts[0].shape for p in parts):
            out[f"c{j}_stacked"] = np.stack(parts)
        else:
            rank = {p.ndim for p in parts}
            if len(rank) > 1:
                raise ValueError(f"cache: component {j} has elements of different ranks; cannot write them")
            out[f"c{j}_values"] = np.concatenate([p.reshape(-1) for p in parts]) if parts else np.zeros(0)
            out[f"c{j}_shapes"] = np.array([p.shape for p in parts], dtype=np.int64).reshape(len(parts), -1)
    return out


def _decode(data, width: int) -> list:
    n = int(data["count"])
    columns = []
    for j in range(width):
        if f"c{j}_stacked" in data:
            stacked = data[f"c{j}_stacked"]
            columns.append([stacked[i] for i in range(n)])
            continue
        values, shapes = data[f"c{j}_values"], data[f"c{j}_shapes"]
        sizes = [int(np.prod(s)) for s in shapes]
        offsets = np.cumsum([0] + sizes)
        columns.append([values[offsets[i]:offsets[i + 1]].reshape(shapes[i]) for i in range(n)])
    return [tuple(col[i] for col in columns) for i in range(n)]


class Cache:
    def __init__(self, node, filename=""):
        self.input = node
        self.spec = node.spec
        self.filename = os.fspath(filename) if filename else ""
        self.width = len(structure.flatten(node.spec))
        self._elements = None

    def cardinality(self) -> int:
        return self.input.cardinality()

    def _cached(self):
        if self._elements is not None:
            return self._elements
        if self.filename and os.path.exists(_path(self.filename)):
            with np.load(_path(self.filename), allow_pickle=False) as data:
                self._elements = _decode(data, self.width)
        return self._elements

    def iterate(self):
        cached = self._cached()
        if cached is not None:
            yield from cached
            return
        recorded = []
        for element in self.input.iterate():
            recorded.append(element)
            yield element
        if self.filename:
            _write_atomically(_path(self.filename), _encode(recorded, self.width))
        self._elements = recorded
