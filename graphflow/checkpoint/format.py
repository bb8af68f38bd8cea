"""The checkpoint files: `PREFIX.index` (JSON) and `PREFIX.data-00000-of-00001` (raw bytes).
(`open_reader` also reads the checkpoints TensorFlow writes: tf_bundle.py.)

The data file is every tensor's bytes (C order, little-endian, 64-byte aligned) one after the
other. The index says where each tensor is and what it is:

    {"format": "graphflow.checkpoint", "version": 1,
     "data_file": "ckpt-1.data-00000-of-00001", "data_size": 1234, "data_crc32": 567,
     "tensors": {"net/w/.ATTRIBUTES/VARIABLE_VALUE": {"dtype": "float32", "shape": [2, 3],
                                                       "offset": 0, "nbytes": 24}, ...},
     "object_graph": {"nodes": [{"children": {"net": 1}, "variable": null}, ...]} or null}

so numpy alone reads a tensor: `np.frombuffer(data, dtype, count, offset).reshape(shape)`.
`object_graph` is null for a name-based (TF1 Saver) checkpoint, whose keys are variable names.

The data file is written first and the index last, each atomically: until the index is in
place the checkpoint does not exist, and an older checkpoint is never touched.
"""
from __future__ import annotations

import json
import os
import zlib

import numpy as np

from ..atomic_file import atomic_writer, write_atomic
from ..errors import DataLossError, NotFoundError

FORMAT = "graphflow.checkpoint"
VERSION = 1
ALIGN = 64
DATA_SUFFIX = ".data-00000-of-00001"
INDEX_SUFFIX = ".index"
# The key under which TensorFlow's readers list an object-based checkpoint's object graph (here
# the index's JSON, read back as one string tensor).
OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"


def data_path(prefix) -> str:
    return os.fspath(prefix) + DATA_SUFFIX


def index_path(prefix) -> str:
    return os.fspath(prefix) + INDEX_SUFFIX


def write(prefix, tensors: dict, object_graph: dict | None) -> str:
    """Write `tensors` (key -> numpy array) and the object graph under `prefix`; returns prefix."""
    prefix = os.fspath(prefix)
    entries, offset, crc = {}, 0, 0
    with atomic_writer(data_path(prefix)) as f:
        for key in sorted(tensors):
            array = np.asarray(tensors[key], order="C")   # (ascontiguousarray would make scalars 1-d)
            if array.dtype.byteorder == ">":
                array = array.astype(array.dtype.newbyteorder("<"))
            if array.dtype == object:
                raise TypeError(f"Cannot save {key!r}: checkpoints hold numeric and boolean tensors only")
            pad = (-offset) % ALIGN
            if pad:
                f.write(b"\0" * pad)
                crc = zlib.crc32(b"\0" * pad, crc)
                offset += pad
            raw = array.tobytes()
            f.write(raw)
            crc = zlib.crc32(raw, crc)
            entries[key] = {"dtype": array.dtype.name, "shape": list(array.shape), "offset": offset,
                            "nbytes": len(raw)}
            offset += len(raw)
    index = {"format": FORMAT, "version": VERSION, "data_file": os.path.basename(data_path(prefix)),
             "data_size": offset, "data_crc32": crc, "tensors": entries, "object_graph": object_graph}
    write_atomic(index_path(prefix), json.dumps(index, indent=1, sort_keys=True))
    return prefix


def exists(prefix) -> bool:
    return os.path.isfile(index_path(prefix))


def read_index(prefix: str) -> bytes:
    """The bytes of `prefix`'s index file; NotFoundError (with a hint) if there is none."""
    idx = index_path(prefix)
    if not os.path.isfile(idx):
        where = os.path.dirname(os.path.abspath(prefix))
        hint = "" if os.path.isdir(where) else f" (the directory {where} does not exist)"
        if os.path.isdir(prefix):
            hint = (" (that is a directory: pass a checkpoint prefix such as the value of "
                    "gf.train.latest_checkpoint(directory))")
        raise NotFoundError(None, None, f"Failed to find any matching files for {prefix}: no checkpoint "
                            f"index {idx}{hint}")
    with open(idx, "rb") as f:
        return f.read()


def open_reader(prefix):
    """A reader for the checkpoint at `prefix`, graphflow's own or one TensorFlow wrote (its
    TensorBundle format, read by tf_bundle.py): both answer get_tensor, has_tensor, keys, the
    shape and dtype maps, and `object_graph` (None for a name-based checkpoint)."""
    from . import sstable
    prefix = os.fspath(prefix)
    index_bytes = read_index(prefix)
    if sstable.is_table(index_bytes):
        from .tf_bundle import TFCheckpointReader
        return TFCheckpointReader(prefix, index_bytes)
    return CheckpointReader(prefix, index_bytes)


class CheckpointReader:
    """A checkpoint opened for reading: `get_tensor(key)`, `has_tensor`, shape and dtype maps.

    Opening checks the index (format, version) and the data file (size, CRC), so a truncated or
    mismatched checkpoint is refused before anything is restored from it.
    """

    def __init__(self, prefix, index_bytes: bytes | None = None):
        self.prefix = os.fspath(prefix)
        idx = index_path(self.prefix)
        if index_bytes is None:
            index_bytes = read_index(self.prefix)
        try:
            index = json.loads(index_bytes.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            if not index_bytes.lstrip().startswith(b"{"):
                raise DataLossError(None, None, f"{idx} is neither a graphflow checkpoint index (JSON) nor a "
                                    "TensorFlow one (an SSTable ending in its magic number): not a checkpoint, or "
                                    "a truncated one") from None
            raise DataLossError(None, None, f"Checkpoint index {idx} is corrupted or truncated ({e})") from None
        if not isinstance(index, dict) or index.get("format") != FORMAT:
            raise DataLossError(None, None, f"{idx} is not a graphflow checkpoint index")
        if int(index.get("version", 0)) > VERSION:
            raise ValueError(f"Checkpoint {self.prefix} has format version {index['version']}, newer than the "
                             f"version {VERSION} this graphflow reads; upgrade graphflow to read it")
        data_file = os.path.join(os.path.dirname(idx), index["data_file"])
        try:
            with open(data_file, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise NotFoundError(None, None, f"Checkpoint {self.prefix}: its data file {data_file} is missing") from None
        if len(data) != index["data_size"]:
            raise DataLossError(None, None, f"Checkpoint {self.prefix}: data file {data_file} has {len(data)} bytes, "
                                f"the index expects {index['data_size']} (truncated or overwritten)")
        if zlib.crc32(data) != index["data_crc32"]:
            raise DataLossError(None, None, f"Checkpoint {self.prefix}: data file {data_file} does not match the "
                                "checksum in its index (corrupted, or overwritten by another save)")
        self._data = data
        self._tensors = index["tensors"]
        self.object_graph = index.get("object_graph")

    def has_tensor(self, key: str) -> bool:
        return key in self._tensors or (key == OBJECT_GRAPH_KEY and self.object_graph is not None)

    def get_tensor(self, key: str) -> np.ndarray:
        if key == OBJECT_GRAPH_KEY and self.object_graph is not None:
            return np.array(json.dumps(self.object_graph, sort_keys=True).encode(), dtype=object)
        entry = self._tensors.get(key)
        if entry is None:
            raise NotFoundError(None, None, f"Key {key} not found in checkpoint {self.prefix}")
        dtype = np.dtype(entry["dtype"])
        count = entry["nbytes"] // dtype.itemsize if dtype.itemsize else 0
        array = np.frombuffer(self._data, dtype=dtype, count=count, offset=entry["offset"])
        return array.reshape(entry["shape"]).copy()

    def _object_graph_entry(self, value) -> dict:
        return {} if self.object_graph is None else {OBJECT_GRAPH_KEY: value}

    def get_variable_to_shape_map(self) -> dict:
        return {**{k: list(v["shape"]) for k, v in self._tensors.items()}, **self._object_graph_entry([])}

    def shape_and_dtype(self, key: str) -> tuple:
        """(shape list, gf dtype) of one tensor, without building the whole maps."""
        from ..dtypes import as_dtype
        entry = self._tensors[key]
        return list(entry["shape"]), as_dtype(entry["dtype"])

    def get_variable_to_dtype_map(self) -> dict:
        from ..dtypes import as_dtype, string
        return {**{k: as_dtype(v["dtype"]) for k, v in self._tensors.items()}, **self._object_graph_entry(string)}

    def keys(self) -> list:
        """The variables' keys (not the object graph, which every object-based checkpoint holds)."""
        return sorted(self._tensors)
