"""Read checkpoints that TensorFlow wrote (its TensorBundle format), with the same interface as
graphflow's own reader (format.CheckpointReader), so load_checkpoint, Checkpoint.restore and
Saver.restore take them as they are.

`PREFIX.index` is an SSTable (sstable.py): under the empty key a `BundleHeaderProto`, under each
tensor's key a `BundleEntryProto` (dtype, shape, shard_id, offset, size, masked CRC-32C) saying
where its bytes are in `PREFIX.data-SSSSS-of-NNNNN`. Numeric tensors are raw little-endian bytes;
a string tensor is every element's length (varint64), a masked CRC-32C of the lengths, then the
bytes. An object-based (TF2) checkpoint also holds `_CHECKPOINTABLE_OBJECT_GRAPH`, a serialized
`TrackableObjectGraph`, turned here into graphflow's object graph (object_graph.py's nodes).

The two bundle messages are built from a descriptor at runtime (protobuf); the object graph uses
tensorboard's generated `trackable_object_graph_pb2`. Both are imported only when a TensorFlow
checkpoint is met.
"""
from __future__ import annotations

import struct

import numpy as np

from ..errors import DataLossError, NotFoundError
from . import sstable

OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
VALUE_ATTRIBUTE = "VARIABLE_VALUE"

# TensorFlow's DataType enum (tensorflow/core/framework/types.proto) -> numpy, for what graphflow reads.
_DTYPES = {1: np.float32, 2: np.float64, 3: np.int32, 4: np.uint8, 5: np.int16, 6: np.int8, 7: object,
           9: np.int64, 10: np.bool_, 17: np.uint16, 19: np.float16, 22: np.uint32, 23: np.uint64}
_DTYPE_NAMES = {8: "complex64", 14: "bfloat16", 18: "complex128", 20: "resource", 21: "variant"}
_DT_STRING = 7


def _need(module: str, what: str):
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"Reading a TensorFlow checkpoint needs {what}: pip install graphflow[tfcheckpoint]") \
            from None


_MESSAGES = None


def bundle_messages():
    """(BundleHeaderProto, BundleEntryProto) classes, built once from a descriptor.

    Field numbers and wire types as tensorflow/core/protobuf/tensor_bundle.proto; enums are read
    as int32 (the same wire encoding) and the slices (partitioned variables) as raw bytes."""
    global _MESSAGES
    if _MESSAGES is None:
        _need("google.protobuf", "the protobuf package")
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
        F = descriptor_pb2.FieldDescriptorProto
        proto = descriptor_pb2.FileDescriptorProto(name="graphflow_tf_bundle.proto", package="graphflow_tf_bundle",
                                                   syntax="proto3")

        def message(name, fields):
            m = proto.message_type.add(name=name)
            for fname, number, ftype, label, type_name in fields:
                field = m.field.add(name=fname, number=number, type=ftype, label=label)
                if type_name:
                    field.type_name = type_name

        opt, rep = F.LABEL_OPTIONAL, F.LABEL_REPEATED
        message("VersionDef", [("producer", 1, F.TYPE_INT32, opt, ""), ("min_consumer", 2, F.TYPE_INT32, opt, ""),
                               ("bad_consumers", 3, F.TYPE_INT32, rep, "")])
        message("Dim", [("size", 1, F.TYPE_INT64, opt, ""), ("name", 2, F.TYPE_STRING, opt, "")])
        message("TensorShapeProto", [("dim", 2, F.TYPE_MESSAGE, rep, ".graphflow_tf_bundle.Dim"),
                                     ("unknown_rank", 3, F.TYPE_BOOL, opt, "")])
        message("BundleHeaderProto", [("num_shards", 1, F.TYPE_INT32, opt, ""),
                                      ("endianness", 2, F.TYPE_INT32, opt, ""),
                                      ("version", 3, F.TYPE_MESSAGE, opt, ".graphflow_tf_bundle.VersionDef")])
        message("BundleEntryProto", [("dtype", 1, F.TYPE_INT32, opt, ""),
                                     ("shape", 2, F.TYPE_MESSAGE, opt, ".graphflow_tf_bundle.TensorShapeProto"),
                                     ("shard_id", 3, F.TYPE_INT32, opt, ""), ("offset", 4, F.TYPE_INT64, opt, ""),
                                     ("size", 5, F.TYPE_INT64, opt, ""), ("crc32c", 6, F.TYPE_FIXED32, opt, ""),
                                     ("slices", 7, F.TYPE_BYTES, rep, "")])
        pool = descriptor_pool.DescriptorPool()
        pool.Add(proto)
        get = message_factory.GetMessageClass
        _MESSAGES = (get(pool.FindMessageTypeByName("graphflow_tf_bundle.BundleHeaderProto")),
                     get(pool.FindMessageTypeByName("graphflow_tf_bundle.BundleEntryProto")))
    return _MESSAGES


def convert_object_graph(serialized: bytes) -> dict:
    """A TrackableObjectGraph as graphflow's object graph: nodes of {"children": {name: id},
    "variable": checkpoint key or None}, so object_graph.RestoreSession walks it unchanged."""
    pb2 = _need("tensorboard.compat.proto.trackable_object_graph_pb2", "tensorboard's protos")
    graph = pb2.TrackableObjectGraph()
    graph.ParseFromString(serialized)
    nodes = []
    for node in graph.nodes:
        value = [a.checkpoint_key for a in node.attributes if a.name == VALUE_ATTRIBUTE]
        nodes.append({"children": {c.local_name: c.node_id for c in node.children},
                      "variable": value[0] if value else None})
    return {"nodes": nodes}


def _shard_path(prefix: str, shard: int, num_shards: int) -> str:
    return f"{prefix}.data-{shard:05d}-of-{num_shards:05d}"


class TFCheckpointReader:
    """A checkpoint TensorFlow wrote, opened for reading (same methods as format.CheckpointReader)."""

    def __init__(self, prefix: str, index_bytes: bytes):
        self.prefix = prefix
        self._index_file = prefix + ".index"
        try:
            table = sstable.read_table(index_bytes)
        except sstable.TableError as e:
            raise DataLossError(None, None, f"TensorFlow checkpoint index {self._index_file} is damaged: {e}") from None
        header_cls, entry_cls = bundle_messages()
        from google.protobuf.message import DecodeError
        header = header_cls()
        self._entries = {}
        try:
            header.ParseFromString(table.pop(b"", b""))
            for key, value in table.items():
                entry = entry_cls()
                entry.ParseFromString(value)
                self._entries[key.decode("utf-8")] = entry
        except (DecodeError, UnicodeDecodeError) as e:
            raise DataLossError(None, None, f"TensorFlow checkpoint index {self._index_file} is damaged: an entry "
                                f"does not parse ({e})") from None
        if header.endianness != 0:
            raise ValueError(f"Checkpoint {prefix} was written on a big-endian machine; graphflow reads "
                             "little-endian TensorFlow checkpoints only")
        self._num_shards = max(header.num_shards, 1)
        self._shards: dict = {}
        graph = self._entries.pop(OBJECT_GRAPH_KEY, None)
        self._object_graph_bytes = None if graph is None else self._read(OBJECT_GRAPH_KEY, graph).reshape(())[()]
        try:
            self.object_graph = None if graph is None else convert_object_graph(self._object_graph_bytes)
        except DecodeError as e:
            raise DataLossError(None, None, f"Checkpoint {prefix}: its object graph ({OBJECT_GRAPH_KEY}) does not "
                                f"parse ({e})") from None

    # ---- reading tensors ------------------------------------------------------------------------------
    def _shard(self, shard: int) -> bytes:
        if shard not in self._shards:
            path = _shard_path(self.prefix, shard, self._num_shards)
            try:
                with open(path, "rb") as f:
                    self._shards[shard] = f.read()
            except FileNotFoundError:
                raise NotFoundError(None, None, f"Checkpoint {self.prefix}: its data file {path} is missing") from None
        return self._shards[shard]

    def _dtype(self, key: str, entry) -> np.dtype:
        if entry.dtype not in _DTYPES:
            name = _DTYPE_NAMES.get(entry.dtype, f"DataType {entry.dtype}")
            raise TypeError(f"Checkpoint {self.prefix}: tensor {key} has dtype {name}, which graphflow does not read")
        if entry.slices:
            raise ValueError(f"Checkpoint {self.prefix}: tensor {key} is saved in slices (a partitioned variable), "
                             "which graphflow does not read")
        return np.dtype(_DTYPES[entry.dtype])

    def _read(self, key: str, entry) -> np.ndarray:
        dtype = self._dtype(key, entry)
        shape = tuple(d.size for d in entry.shape.dim)
        data = self._shard(entry.shard_id)
        path = _shard_path(self.prefix, entry.shard_id, self._num_shards)
        raw = data[entry.offset:entry.offset + entry.size]
        if len(raw) != entry.size:
            raise DataLossError(None, None, f"Checkpoint {self.prefix}: tensor {key} needs bytes {entry.offset}.."
                                f"{entry.offset + entry.size} of {path}, which has {len(data)} (truncated)")
        count = int(np.prod(shape, dtype=np.int64))
        if dtype.kind == "O":
            strings, checked = self._strings(key, raw, count, path)
        else:
            strings, checked = None, raw
        crc = sstable.masked_crc32c(checked)
        if crc is not None and crc != entry.crc32c:
            raise DataLossError(None, None, f"Checkpoint {self.prefix}: tensor {key} in {path} does not match its "
                                "checksum (corrupted)")
        if strings is not None:
            return strings.reshape(shape)
        if count * dtype.itemsize != len(raw):
            raise DataLossError(None, None, f"Checkpoint {self.prefix}: tensor {key} in {path} has {len(raw)} bytes, "
                                f"its shape {list(shape)} and dtype {dtype.name} need {count * dtype.itemsize}")
        return np.frombuffer(raw, dtype=dtype.newbyteorder("<"), count=count).astype(dtype).reshape(shape)

    def _strings(self, key: str, raw: bytes, count: int, path: str) -> tuple[np.ndarray, bytes]:
        """(the elements, the bytes the entry's checksum covers): TensorFlow checksums each length as
        a uint32 (uint64 if larger), then the lengths' checksum and the string bytes as stored."""
        try:
            lengths, pos = [], 0
            for _ in range(count):
                n, pos = sstable.read_varint(raw, pos)
                lengths.append(n)
            checked = b"".join(struct.pack("<I" if n <= 0xFFFFFFFF else "<Q", n) for n in lengths) + raw[pos:]
            pos += 4 * bool(count)                  # the masked CRC-32C of the lengths
            out = np.empty(count, dtype=object)
            for i, n in enumerate(lengths):
                if pos + n > len(raw):
                    raise sstable.TableError("string bytes run past the tensor")
                out[i] = bytes(raw[pos:pos + n])
                pos += n
        except sstable.TableError as e:
            raise DataLossError(None, None, f"Checkpoint {self.prefix}: string tensor {key} in {path} is damaged "
                                f"({e})") from None
        return out, checked

    def has_tensor(self, key: str) -> bool:
        return key in self._entries or (key == OBJECT_GRAPH_KEY and self.object_graph is not None)

    def get_tensor(self, key: str) -> np.ndarray:
        if key == OBJECT_GRAPH_KEY and self.object_graph is not None:
            return np.array(self._object_graph_bytes, dtype=object)
        entry = self._entries.get(key)
        if entry is None:
            raise NotFoundError(None, None, f"Key {key} not found in checkpoint {self.prefix}")
        return self._read(key, entry)

    def _object_graph_entry(self, value) -> dict:
        return {} if self.object_graph is None else {OBJECT_GRAPH_KEY: value}

    def get_variable_to_shape_map(self) -> dict:
        return {**{k: [d.size for d in e.shape.dim] for k, e in self._entries.items()},
                **self._object_graph_entry([])}

    def _gf_dtype(self, key: str, entry):
        from ..dtypes import as_dtype, string
        return string if entry.dtype == _DT_STRING else as_dtype(self._dtype(key, entry).name)

    def get_variable_to_dtype_map(self) -> dict:
        from ..dtypes import string
        return {**{k: self._gf_dtype(k, e) for k, e in self._entries.items()}, **self._object_graph_entry(string)}

    def shape_and_dtype(self, key: str) -> tuple:
        """(shape list, gf dtype) of one tensor, without building the whole maps."""
        entry = self._entries[key]
        return [d.size for d in entry.shape.dim], self._gf_dtype(key, entry)

    def keys(self) -> list:
        """The tensors' keys (not the object graph)."""
        return sorted(self._entries)
