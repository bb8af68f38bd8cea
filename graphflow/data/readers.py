"""Datasets read from files: `make_csv_dataset` (batches of feature dicts and labels) and
`CsvDataset` (rows as tuples of scalars)."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np

from ..dtypes import DType, float32, int32, int64
from . import structure
from .dataset import Dataset
from .experimental import CsvRows, _files, _header, csv_rows
from .parallel import AUTOTUNE


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None, label_name=None,
                     select_columns=None, field_delim=",", use_quote_delim=True, na_value="", header=True,
                     num_epochs=None, shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False, num_rows_for_inference=100,
                     compression_type=None, ignore_errors=False):
    """Batches of (features, label) from CSV files: features an OrderedDict of column batches.

    Repeats forever unless `num_epochs` is given, and shuffles unless `shuffle=False`, as
    TensorFlow's does.  Columns must be numeric (graphflow has no string dtype).
    """
    node, names = csv_rows(file_pattern, column_names, column_defaults, select_columns, field_delim, na_value,
                           header, num_rows_for_inference)
    if label_name is not None and label_name not in names:
        raise ValueError(f"make_csv_dataset: label_name {label_name!r} is not one of the columns {names}")
    ds = Dataset._wrap(node)

    def to_features(*values):
        features = OrderedDict((n, v) for n, v in zip(names, values) if n != label_name)
        if label_name is None:
            return features
        return features, values[names.index(label_name)]

    if shuffle:
        ds = ds.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    if num_epochs != 1:
        ds = ds.repeat(num_epochs)
    ds = ds.batch(batch_size).map(to_features)
    return ds.prefetch(AUTOTUNE if prefetch_buffer_size is None else prefetch_buffer_size)


def CsvDataset(filenames, record_defaults, compression_type=None, buffer_size=None, header=False,  # noqa: N802
               field_delim=",", use_quote_delim=True, na_value="", select_cols=None, exclude_cols=None):
    """Rows of CSV files as tuples of scalars typed by `record_defaults` (a default, or a dtype /
    empty list for a required column)."""
    files = _files(filenames)
    dtypes_, defaults = [], []
    for d in record_defaults:
        if isinstance(d, DType):
            dtypes_.append(d)
            defaults.append(None)
            continue
        arr = structure.to_array(d[0] if isinstance(d, (list, tuple)) and d else d)
        dtype = {np.dtype(np.int32): int32, np.dtype(np.int64): int64}.get(arr.dtype, float32)
        dtypes_.append(dtype)
        defaults.append(dtype.np.type(arr))
    width = len(_header(files[0], field_delim))
    select = list(select_cols) if select_cols is not None else [i for i in range(width)
                                                                 if exclude_cols is None or i not in exclude_cols]
    if len(select) != len(record_defaults):
        raise ValueError(f"CsvDataset: {len(record_defaults)} record_defaults for {len(select)} selected columns")
    node = CsvRows(files, [f"column {i}" for i in select], dtypes_, defaults, header, field_delim, na_value, select)
    return Dataset._wrap(node)
