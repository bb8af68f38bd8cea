"""tf.lookup's mutable tables (experimental.MutableHashTable, DenseHashTable) and TextFileInitializer,
next to the static tables of ops/api/lookup.py.

A mutable table is a Python dict of key -> value rows carried in the attrs of stateful ops (find,
insert, remove, size, export), so programs run eagerly and in graphs; keys are numbers.
TextFileInitializer reads a file's columns into the keys and values a StaticHashTable starts with.
"""
from __future__ import annotations

import enum
import itertools
import types

import numpy as np

from ... import dtypes
from ...eager.tensor import EagerTensor
from ...shapes import TensorShape
from ..convert import convert_to_tensor
from ..dispatch import apply
from ..registry import OpDef, Spec, register
from ..registry import get as _get_op


class _Table:
    _ids = itertools.count()

    def __init__(self, key_dtype, value_dtype, default):
        self.key_dtype, self.value_dtype = key_dtype, value_dtype
        self.default = np.asarray(default, value_dtype.np)
        self.data: dict = {}
        self.id = next(self._ids)

    def __hash__(self):
        return self.id


def _lookup_infer(keys, table):
    if keys.dtype is not table.key_dtype:
        raise TypeError(f"lookup: keys must be {table.key_dtype.name}, got {keys.dtype.name}")
    rest = table.default.shape
    dims = None if keys.shape.dims is None else keys.shape.dims + tuple(rest)
    return [Spec(TensorShape(dims), table.value_dtype)]


def _lookup(keys, table):
    out = np.empty(keys.shape + table.default.shape, table.value_dtype.np)
    flat, rows = keys.reshape(-1), out.reshape((-1,) + table.default.shape)
    for i, k in enumerate(flat.tolist()):
        rows[i] = table.data.get(k, table.default)
    return out


def _insert_infer(keys, values, table):
    return []


def _insert(keys, values, table):
    rows = values.reshape((keys.size,) + table.default.shape)
    for k, v in zip(keys.reshape(-1).tolist(), rows):
        table.data[k] = np.array(v, table.value_dtype.np)
    return ()


def _remove(keys, table):
    for k in keys.reshape(-1).tolist():
        table.data.pop(k, None)
    return ()


def _size_infer(table):
    return [Spec(TensorShape(()), dtypes.int64)]


def _size(table):
    return np.int64(len(table.data))


def _export_infer(table):
    return [Spec(TensorShape((None,)), table.key_dtype),
            Spec(TensorShape((None,) + table.default.shape), table.value_dtype)]


def _export(table):
    keys = np.array(sorted(table.data), table.key_dtype.np)
    values = np.array([table.data[k] for k in sorted(table.data)], table.value_dtype.np).reshape(
        (len(keys),) + table.default.shape)
    return keys, values


register(OpDef("MutableTableFind", _lookup_infer, _lookup, stateful=True, differentiable=False))
register(OpDef("MutableTableInsert", _insert_infer, _insert, num_outputs=0, stateful=True, differentiable=False))
register(OpDef("MutableTableRemove", lambda keys, table: [], _remove, num_outputs=0, stateful=True,
               differentiable=False))
register(OpDef("MutableTableSize", _size_infer, _size, stateful=True, differentiable=False))
register(OpDef("MutableTableExport", _export_infer, _export, num_outputs=2, stateful=True, differentiable=False))


class TextFileIndex(enum.IntEnum):
    """Special column numbers of TextFileInitializer: the whole line, or its line number."""
    WHOLE_LINE = -2
    LINE_NUMBER = -1


class TextFileInitializer:
    """Initial contents of a table from a text file: key and value from columns split by `delimiter`
    (or the line number); graphflow reads integer and float columns."""

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index, vocab_size=None, delimiter="\t",
                 name=None, value_index_offset=0):
        self.filename, self.delimiter, self.vocab_size = filename, delimiter, vocab_size
        self.key_dtype, self.value_dtype = dtypes.as_dtype(key_dtype), dtypes.as_dtype(value_dtype)
        self.key_index, self.value_index = int(key_index), int(value_index)

    @property
    def keys(self):
        return self._rows()[0]

    @property
    def values(self):
        return self._rows()[1]

    def _rows(self):
        keys, values = [], []
        with open(self.filename) as f:
            for n, line in enumerate(f):
                if self.vocab_size is not None and n >= self.vocab_size:
                    break
                text = line.rstrip("\n")
                keys.append(_column(n, text, self.delimiter, self.key_index))
                values.append(_column(n, text, self.delimiter, self.value_index))
        return np.asarray(keys).astype(self.key_dtype.np), np.asarray(values).astype(self.value_dtype.np)


def _column(n, text, delimiter, index):
    if index == TextFileIndex.LINE_NUMBER:
        return n
    return text if index == TextFileIndex.WHOLE_LINE else text.split(delimiter)[index]


def _value(t):
    if isinstance(t, EagerTensor):
        return t.numpy()
    from ..static_value import constant_value
    v = constant_value(t)
    if v is None:
        raise ValueError("lookup: a table's initial keys and values must be known when it is created")
    return v


class _TableBase:
    def __init__(self, key_dtype, value_dtype, default_value):
        self._table = _Table(dtypes.as_dtype(key_dtype), dtypes.as_dtype(value_dtype), default_value)

    key_dtype = property(lambda self: self._table.key_dtype)
    value_dtype = property(lambda self: self._table.value_dtype)

    @property
    def default_value(self):
        return convert_to_tensor(self._table.default)

    def lookup(self, keys, name=None):
        return apply(_get_op("MutableTableFind"), (convert_to_tensor(keys, dtype=self.key_dtype),),
                     {"table": self._table})

    def __getitem__(self, keys):
        return self.lookup(keys)

    def size(self, name=None):
        return apply(_get_op("MutableTableSize"), (), {"table": self._table})

    def export(self, name=None):
        return tuple(apply(_get_op("MutableTableExport"), (), {"table": self._table}))


class MutableHashTable(_TableBase):
    """A key -> value table that insert/remove change."""

    def __init__(self, key_dtype, value_dtype, default_value, name="MutableHashTable", checkpoint=True,
                 experimental_is_anonymous=False):
        super().__init__(key_dtype, value_dtype, default_value)

    def insert(self, keys, values, name=None):
        return apply(_get_op("MutableTableInsert"), (convert_to_tensor(keys, dtype=self.key_dtype),
                                                    convert_to_tensor(values, dtype=self.value_dtype)),
                     {"table": self._table})

    def remove(self, keys, name=None):
        return apply(_get_op("MutableTableRemove"), (convert_to_tensor(keys, dtype=self.key_dtype),),
                     {"table": self._table})


class DenseHashTable(MutableHashTable):
    """MutableHashTable's interface with TensorFlow's empty/deleted marker keys (which may not be inserted)."""

    def __init__(self, key_dtype, value_dtype, default_value, empty_key, deleted_key, initial_num_buckets=None,
                 name="MutableDenseHashTable", checkpoint=True, experimental_is_anonymous=False):
        super().__init__(key_dtype, value_dtype, default_value)
        self._reserved = {int(np.asarray(_value(convert_to_tensor(empty_key)))),
                          int(np.asarray(_value(convert_to_tensor(deleted_key))))}

    def insert(self, keys, values, name=None):
        k = convert_to_tensor(keys, dtype=self.key_dtype)
        if isinstance(k, EagerTensor) and self._reserved & set(np.asarray(k.numpy()).reshape(-1).tolist()):
            from ...errors import InvalidArgumentError
            raise InvalidArgumentError(None, "MutableTableInsert", "Using the empty_key or deleted_key as a table key "
                                                                  "is not allowed")
        return super().insert(k, values, name)


experimental = types.ModuleType("graphflow.lookup.experimental")
experimental.__dict__.update(MutableHashTable=MutableHashTable, DenseHashTable=DenseHashTable)
