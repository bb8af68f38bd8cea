"""Static lookup tables: key -> value maps fixed when the graph is built (tf.lookup's
StaticHashTable, and the vocabularies of Keras's StringLookup, IntegerLookup and
TextVectorization). The table rides on the op as an attr, like a variable's state does."""
from __future__ import annotations

import numpy as np

from .registry import OpDef, Spec, register


class StaticTable:
    """keys -> values, `default` for a missing key. Keys are ints or bytes."""

    def __init__(self, keys, values, default, key_dtype, value_dtype):
        keys = list(keys)
        if len(set(keys)) != len(keys):
            raise ValueError("A lookup table's keys must be unique")
        self.mapping = dict(zip(keys, values))
        self.default = default
        self.key_dtype, self.value_dtype = key_dtype, value_dtype

    def __len__(self) -> int:
        return len(self.mapping)

    def ids(self, tokens) -> np.ndarray:
        get, default = self.mapping.get, self.default
        return np.fromiter((get(t, default) for t in tokens), dtype=self.value_dtype.np, count=len(tokens))

    def __repr__(self) -> str:
        return f"StaticTable({len(self)} keys, default={self.default!r})"


def _key(v):
    return v if isinstance(v, bytes) else int(v)


def _lookup_infer(keys, table):
    if keys.dtype is not table.key_dtype and not (keys.dtype.is_integer and table.key_dtype.is_integer):
        raise TypeError(f"LookupTableFind: the keys are {keys.dtype.name}, the table's keys "
                        f"{table.key_dtype.name}")
    return [Spec(keys.shape, table.value_dtype)]


def _lookup(keys, table):
    flat = np.asarray(keys).reshape(-1)
    return table.ids([_key(v) for v in flat]).reshape(np.shape(keys))


register(OpDef("LookupTableFind", _lookup_infer, _lookup, differentiable=False))

