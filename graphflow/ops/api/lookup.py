"""tf.lookup: static hash tables (the op and the table are in ops/lookup.py)."""
from __future__ import annotations

import numpy as np

from ... import dtypes
from ...eager.tensor import EagerTensor
from ...tensor import Tensor
from ..convert import convert_to_tensor, to_array
from ..dispatch import apply
from ..lookup import StaticTable
from ..static_value import constant_value
from .op_call import opdef

__all__ = ["KeyValueTensorInitializer", "StaticHashTable"]


def _values(x):
    if isinstance(x, Tensor) and not isinstance(x, EagerTensor):
        known = constant_value(x)
        if known is None:
            raise ValueError(f"A static lookup table needs keys and values known when the graph is built; {x!r} "
                             "is computed at run time")
        return np.asarray(known)
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def _host_array(value, dtype):
    """keys/values as a numpy array of `dtype` (TF's default dtypes when None), in any mode."""
    if isinstance(value, Tensor):
        value = _values(value)
    return to_array(value, None if dtype is None else dtypes.as_dtype(dtype))


class KeyValueTensorInitializer:
    """The keys and values a StaticHashTable starts with (known when the graph is built)."""

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        keys_arr, values_arr = _host_array(keys, key_dtype), _host_array(values, value_dtype)
        self.keys, self.values = keys_arr.reshape(-1), values_arr.reshape(-1)
        if self.keys.shape != self.values.shape:
            raise ValueError(f"KeyValueTensorInitializer: {self.keys.size} keys but {self.values.size} values")
        self.key_dtype, self.value_dtype = dtypes.from_numpy(keys_arr.dtype), dtypes.from_numpy(values_arr.dtype)


class StaticHashTable:
    """A key -> value table fixed at creation: `lookup(keys)` maps a tensor of keys elementwise,
    `default_value` for a missing key."""

    def __init__(self, initializer: KeyValueTensorInitializer, default_value, name=None,
                 experimental_is_anonymous=False):
        keys = [k if isinstance(k, bytes) else int(k) for k in initializer.keys.tolist()]
        default = np.asarray(_values(default_value), initializer.value_dtype.np)[()]
        self._table = StaticTable(keys, initializer.values.tolist(), default, initializer.key_dtype,
                                  initializer.value_dtype)
        self.key_dtype, self.value_dtype = initializer.key_dtype, initializer.value_dtype
        self.default_value = default
        self.name = name

    def lookup(self, keys, name=None):
        keys = convert_to_tensor(keys)
        if keys.dtype is not self.key_dtype and not (keys.dtype.is_integer and self.key_dtype.is_integer):
            raise TypeError(f"StaticHashTable.lookup: keys are {keys.dtype.name}, the table's "
                            f"{self.key_dtype.name}")
        return apply(opdef("LookupTableFind"), (keys,), {"table": self._table}, name)

    def size(self, name=None):
        return convert_to_tensor(np.int64(len(self._table)))      # fixed at creation: a constant

    def export(self, name=None):
        keys = list(self._table.mapping)
        return (convert_to_tensor(np.array(keys, dtype=self.key_dtype.np)),
                convert_to_tensor(np.array([self._table.mapping[k] for k in keys], self.value_dtype.np)))

    def __getitem__(self, keys):
        return self.lookup(keys)
