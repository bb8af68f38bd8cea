"""`tf.data.experimental` nodes: sampling from and choosing among datasets, and rows of CSV
files (the readers that build datasets from them are in readers.py)."""
from __future__ import annotations

import csv
import glob
import os

import numpy as np

from ..dtypes import DType, float32, int32, int64, string
from ..errors import InvalidArgumentError, NotFoundError
from ..shapes import TensorShape
from ..tensor_spec import TensorSpec
from . import structure
from .shuffling import seed_material
from .sources import INFINITE, UNKNOWN

INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN


def _common_spec(nodes, what):
    first = nodes[0].spec
    specs = structure.flatten(first)
    for n in nodes[1:]:
        if not structure.same_structure(first, n.spec):
            raise TypeError(f"{what}: all datasets must have the same structure, got {first} and {n.spec}")
        others = structure.flatten(n.spec)
        for i, (a, b) in enumerate(zip(specs, others)):
            if a.dtype is not b.dtype:
                raise TypeError(f"{what}: all datasets must have the same dtypes, got {first} and {n.spec}")
            specs[i] = structure.relax(a, b)
    return structure.pack(first, specs)


def _interleaved_cardinality(nodes) -> int:
    """As tf.data's directed interleave: infinite if any input is, else unknown."""
    return INFINITE if any(n.cardinality() == INFINITE for n in nodes) else UNKNOWN


class ChooseFromDatasets:
    """Element k comes from the dataset the k-th element of `choices` names."""

    def __init__(self, nodes, choices, stop_on_empty_dataset=True):
        spec = choices.spec
        if not isinstance(spec, TensorSpec) or spec.dtype is not int64 or spec.shape.dims != ():
            raise TypeError(f"choose_from_datasets: choice_dataset must be a dataset of scalar tf.int64 tensors, "
                            f"got {spec}")
        self.nodes, self.choices, self.stop = nodes, choices, bool(stop_on_empty_dataset)
        self.spec = _common_spec(nodes, "choose_from_datasets")

    def cardinality(self) -> int:
        return _interleaved_cardinality(self.nodes)

    def iterate(self):
        its = [n.iterate() for n in self.nodes]
        done = [False] * len(its)
        for (choice,) in self.choices.iterate():
            k = int(choice)
            if not 0 <= k < len(its):
                raise InvalidArgumentError(None, None, f"choose_from_datasets: selector index {k} out of range "
                                           f"[0, {len(its)})")
            if done[k]:
                continue
            try:
                yield next(its[k])
            except StopIteration:
                done[k] = True
                if self.stop or all(done):
                    return


class SampleFromDatasets:
    """Each element from a dataset drawn with probability `weights`; exhausted datasets drop
    out (or end the sampling with stop_on_empty_dataset)."""

    def __init__(self, nodes, weights=None, seed=None, stop_on_empty_dataset=False):
        self.nodes = nodes
        w = np.ones(len(nodes)) if weights is None else np.asarray(structure.to_array(weights), np.float64)
        if w.shape != (len(nodes),) or (w < 0).any() or w.sum() <= 0:
            raise ValueError(f"sample_from_datasets: weights must be {len(nodes)} non-negative numbers with a "
                             f"positive sum, got {weights!r}")
        self.weights = w / w.sum()
        self.seed = seed_material(seed)
        self.stop = bool(stop_on_empty_dataset)
        self.spec = _common_spec(nodes, "sample_from_datasets")
        self._epoch = 0

    def cardinality(self) -> int:
        return _interleaved_cardinality(self.nodes)

    def iterate(self):
        rng = np.random.default_rng(self.seed + [self._epoch])
        self._epoch += 1
        its = [n.iterate() for n in self.nodes]
        weights = self.weights.copy()
        while weights.sum() > 0:
            k = int(rng.choice(len(its), p=weights / weights.sum()))
            try:
                yield next(its[k])
            except StopIteration:
                if self.stop:
                    return
                weights[k] = 0.0


# ---- CSV --------------------------------------------------------------------------------------------------

def _files(file_pattern) -> list:
    patterns = [file_pattern] if isinstance(file_pattern, (str, os.PathLike)) else list(file_pattern)
    files = []
    for p in patterns:
        matched = sorted(glob.glob(os.fspath(p)))
        if not matched:
            raise NotFoundError(None, None, f"No files matched pattern: {os.fspath(p)}")
        files.extend(matched)
    return files


def _infer_dtype(values, na_value):
    kind = int32
    for v in values:
        if v == na_value or v == "":
            continue
        try:
            i = int(v)
            if not -2**31 <= i < 2**31:
                kind = int64 if kind is not float32 else kind
        except ValueError:
            try:
                float(v)
                kind = float32
            except ValueError:
                return string           # text: the column is a string column, as TF infers
    return kind


def _parse(value, dtype, default, na_value, column, line):
    if value == na_value or value == "":
        if default is None:
            raise InvalidArgumentError(None, None, f"CSV: field {column} is empty in {line} and has no default")
        return default
    if dtype is string:
        return value.encode("utf-8")
    try:
        return dtype.np.type(float(value) if dtype is float32 else int(value))
    except ValueError:
        raise InvalidArgumentError(None, None, f"CSV: field {column} of {line} is {value!r}, which is not a "
                                   f"{dtype.name}") from None


class CsvRows:
    """Rows of CSV files as elements: one scalar per selected column."""

    def __init__(self, files, columns, dtypes_, defaults, header, field_delim, na_value, select_indices):
        self.files, self.columns, self.dtypes = files, columns, dtypes_
        self.defaults, self.header, self.delim, self.na_value = defaults, header, field_delim, na_value
        self.select = select_indices
        self.spec = tuple(TensorSpec(TensorShape(()), d) for d in dtypes_)

    def cardinality(self) -> int:
        return UNKNOWN

    def iterate(self):
        for path in self.files:
            with open(path, newline="") as f:
                reader = csv.reader(f, delimiter=self.delim)
                if self.header:
                    next(reader, None)
                for row in reader:
                    if not row:
                        continue
                    where = f"{path}:{reader.line_num}"
                    if len(row) <= max(self.select):
                        raise InvalidArgumentError(None, None, f"CSV: {where} has {len(row)} fields, expected "
                                                   f"at least {max(self.select) + 1}")
                    yield tuple(_parse(row[i], d, dflt, self.na_value, name, where) for i, d, dflt, name in
                                zip(self.select, self.dtypes, self.defaults, self.columns))


def _header(path, field_delim):
    with open(path, newline="") as f:
        return next(csv.reader(f, delimiter=field_delim))


def _sample_rows(path, header, field_delim, n):
    with open(path, newline="") as f:
        reader = csv.reader(f, delimiter=field_delim)
        if header:
            next(reader, None)
        return [row for _, row in zip(range(n), reader) if row]


def csv_rows(file_pattern, column_names=None, column_defaults=None, select_columns=None, field_delim=",",
             na_value="", header=True, num_rows_for_inference=100):
    """(node of row tuples, selected column names) for make_csv_dataset."""
    files = _files(file_pattern)
    names = list(column_names) if column_names is not None else _header(files[0], field_delim)
    if select_columns is None:
        select = list(range(len(names)))
    else:
        select = [names.index(c) if isinstance(c, str) else int(c) for c in select_columns
                  if not isinstance(c, str) or c in names or _missing(c, names)]
    rows = _sample_rows(files[0], header, field_delim, num_rows_for_inference)
    dtypes_, defaults = [], []
    for k, i in enumerate(select):
        given = None if column_defaults is None else column_defaults[k]
        if given is not None and not (isinstance(given, (list, tuple)) and not given):
            dtype, default = typed_default(given[0] if isinstance(given, (list, tuple)) else given)
            dtypes_.append(dtype)
            defaults.append(default)
            continue
        if given is not None and isinstance(given, (int, float)):
            dtypes_.append(float32 if isinstance(given, float) else int32)
            defaults.append(given)
            continue
        dtype = _infer_dtype([r[i] for r in rows if i < len(r)], na_value)
        dtypes_.append(dtype)
        defaults.append(b"" if dtype is string else dtype.np.type(0))
    node = CsvRows(files, [names[i] for i in select], dtypes_, defaults, header, field_delim, na_value, select)
    return node, [names[i] for i in select]


def typed_default(value):
    """(dtype, default) of a CSV column from its default value: text is a string column."""
    if isinstance(value, DType):
        return value, None
    arr = structure.to_array(value)
    if arr.dtype == object:
        return string, arr[()] if arr.ndim == 0 else arr.reshape(-1)[0]
    dtype = {np.dtype(np.int32): int32, np.dtype(np.int64): int64}.get(arr.dtype, float32)
    return dtype, dtype.np.type(arr)


def _missing(column, names):
    raise ValueError(f"make_csv_dataset: select_columns has {column!r}, which is not a column ({names})")
