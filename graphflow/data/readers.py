"""Datasets read from files: `make_csv_dataset` (batches of feature dicts and labels),
`CsvDataset` (rows as tuples of scalars), `TextLineDataset` (lines as strings) and
`TFRecordDataset` (records as strings)."""
from __future__ import annotations

import gzip
import os
import zlib
from collections import OrderedDict

import numpy as np

from ..dtypes import string
from ..errors import NotFoundError
from ..ops.api import io as io_api
from ..shapes import TensorShape
from ..tensor_spec import TensorSpec
from .dataset import Dataset
from .experimental import CsvRows, _files, _header, csv_rows, typed_default
from .parallel import AUTOTUNE
from .sources import UNKNOWN


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None, label_name=None,
                     select_columns=None, field_delim=",", use_quote_delim=True, na_value="", header=True,
                     num_epochs=None, shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False, num_rows_for_inference=100,
                     compression_type=None, ignore_errors=False):
    """Batches of (features, label) from CSV files: features an OrderedDict of column batches.

    Repeats forever unless `num_epochs` is given, and shuffles unless `shuffle=False`, as
    TensorFlow's does. Text columns are string columns.
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
        dtype, default = typed_default(d[0] if isinstance(d, (list, tuple)) and d else d)
        dtypes_.append(dtype)
        defaults.append(default)
    width = len(_header(files[0], field_delim))
    select = list(select_cols) if select_cols is not None else [i for i in range(width)
                                                                 if exclude_cols is None or i not in exclude_cols]
    if len(select) != len(record_defaults):
        raise ValueError(f"CsvDataset: {len(record_defaults)} record_defaults for {len(select)} selected columns")
    node = CsvRows(files, [f"column {i}" for i in select], dtypes_, defaults, header, field_delim, na_value, select)
    return Dataset._wrap(node)


def _lines(path: str, compression_type: str):
    """The lines of one file without their line ends, decompressed as asked."""
    if compression_type == "GZIP":
        f = gzip.open(path, "rb")
    else:
        f = open(path, "rb")
    with f:
        data = f.read() if compression_type == "ZLIB" else None
        source = zlib.decompress(data).splitlines(keepends=True) if data is not None else f
        for line in source:
            if line.endswith(b"\n"):
                line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
            yield line


class FileRecords:
    """Records of files (lines, TFRecords) as scalar strings: file after file, or `parallel` files
    at a time with their records interleaved one by one (TF's order for num_parallel_reads)."""

    def __init__(self, files, read, parallel):
        self.files, self.read, self.parallel = files, read, max(1, parallel)
        self.spec = TensorSpec(TensorShape(()), string)

    def cardinality(self) -> int:
        return UNKNOWN

    def iterate(self):
        pending = list(self.files)
        active = []
        while pending or active:
            while pending and len(active) < self.parallel:
                active.append(self.read(pending.pop(0)))
            for reader in list(active):
                record = next(reader, None)
                if record is None:
                    active.remove(reader)
                    continue
                yield (record,)


def _compression(kind, what) -> str:
    compression = (kind or "").upper()
    if compression not in ("", "GZIP", "ZLIB"):
        raise ValueError(f"{what}: compression_type must be None, '', 'GZIP' or 'ZLIB', got {kind!r}")
    return compression


def _parallel_reads(num_parallel_reads, files) -> int:
    if num_parallel_reads is None:
        return 1
    return len(files) if num_parallel_reads == AUTOTUNE else int(num_parallel_reads)


def TextLineDataset(filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,  # noqa: N802
                    name=None):
    """Every line of the files (in order; line ends removed) as a scalar string element.
    `compression_type`: None/"" (plain), "GZIP" or "ZLIB"."""
    compression = _compression(compression_type, "TextLineDataset")
    files = _exact_files(filenames)
    return Dataset._wrap(FileRecords(files, lambda path: _lines(path, compression),
                                     _parallel_reads(num_parallel_reads, files)))


def TFRecordDataset(filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,  # noqa: N802
                    name=None):
    """The records of TFRecord files (TensorFlow's framing, both checksums verified) as scalar strings."""
    compression = _compression(compression_type, "TFRecordDataset")
    files = _exact_files(filenames)
    return Dataset._wrap(FileRecords(files, lambda path: io_api.read_records(path, compression),
                                     _parallel_reads(num_parallel_reads, files)))


def _exact_files(filenames) -> list:
    """File names as given (a name, a list, or a string tensor of them): no pattern matching."""
    if hasattr(filenames, "numpy"):
        filenames = filenames.numpy()
    names = [filenames] if isinstance(filenames, (str, bytes, os.PathLike)) else list(np.ravel(filenames))
    files = [os.fsdecode(n) if isinstance(n, bytes) else os.fspath(n) for n in names]
    for f in files:
        if not os.path.isfile(f):
            raise NotFoundError(None, None, f"{f}; No such file or directory")
    return files
