"""tf.io: reading and writing files from a program (read_file, write_file, matching_files,
gfile, TFRecords) and decoding strings (decode_raw, base64, decode_csv, serialize/parse_tensor).
The ops are in ops/file_io.py."""
from __future__ import annotations

import glob as _glob
import os
import shutil
import struct
import types

import numpy as np

from ... import dtypes
from ...atomic_file import atomic_writer
from .. import file_io as _ops
from ..convert import convert_to_tensor, string_operand
from ..dispatch import apply
from .image_codecs import decode_and_crop_jpeg, decode_gif, decode_jpeg, decode_webp, extract_jpeg_shape
from .op_call import opdef

__all__ = ["TFRecordOptions", "TFRecordWriter", "decode_and_crop_jpeg", "decode_base64", "decode_bmp",
           "decode_csv", "decode_gif", "decode_image", "decode_jpeg", "decode_png", "decode_raw", "decode_webp",
           "encode_base64", "encode_jpeg", "encode_png", "extract_jpeg_shape",
           "gfile", "matching_files", "parse_tensor", "read_file", "serialize_tensor", "write_file"]
_ = _ops      # importing the op family registers its OpDefs


def read_file(filename, name=None):
    """The whole file's bytes as a scalar string (read each time the op runs)."""
    return apply(opdef("ReadFile"), (string_operand(filename, "read_file"),), {}, name)


def write_file(filename, contents, name=None):
    """Write `contents` to `filename` (atomically; its folder is created)."""
    return apply(opdef("WriteFile"), (string_operand(filename, "write_file"), string_operand(contents, "write_file")),
                 {}, name)


def matching_files(pattern, name=None):
    return apply(opdef("MatchingFiles"), (string_operand(pattern, "matching_files"),), {}, name)


def decode_raw(input_bytes, out_type, little_endian=True, fixed_length=None, name=None):
    return apply(opdef("DecodeRaw"), (string_operand(input_bytes, "decode_raw"),),
                 {"out_type": dtypes.as_dtype(out_type), "little_endian": bool(little_endian),
                  "fixed_length": None if fixed_length is None else int(fixed_length)}, name)


def encode_base64(input, pad=False, name=None):  # noqa: A002
    return apply(opdef("EncodeBase64"), (string_operand(input, "encode_base64"),), {"pad": bool(pad)}, name)


def decode_base64(input, name=None):  # noqa: A002
    return apply(opdef("DecodeBase64"), (string_operand(input, "decode_base64"),), {}, name)


def _default(d):
    """(dtype, default tensor or an empty one for a required field) of one record_defaults entry."""
    if isinstance(d, dtypes.DType):
        return d, convert_to_tensor(np.zeros(0, d.np if d is not dtypes.string else object), dtype=d)
    t = convert_to_tensor(d)
    return t.dtype, t


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, na_value="", select_cols=None,
               name=None):
    """Each CSV record's fields as tensors shaped like `records`, typed by `record_defaults`
    (a default value, or an empty list / a dtype for a required field)."""
    pairs = [_default(d) for d in record_defaults]
    out = apply(opdef("DecodeCSV"), (string_operand(records, "decode_csv"),) + tuple(t for _, t in pairs),
                {"out_types": tuple(t for t, _ in pairs), "field_delim": field_delim,
                 "use_quote_delim": bool(use_quote_delim), "na_value": na_value,
                 "select_cols": None if select_cols is None else tuple(int(c) for c in select_cols)}, name)
    return list(out) if isinstance(out, (list, tuple)) else [out]


def serialize_tensor(tensor, name=None):
    """The tensor as a serialized TensorProto (TensorFlow's format)."""
    return apply(opdef("SerializeTensor"), (convert_to_tensor(tensor),), {}, name)


def parse_tensor(serialized, out_type, name=None):
    return apply(opdef("ParseTensor"), (string_operand(serialized, "parse_tensor"),),
                 {"out_type": dtypes.as_dtype(out_type)}, name)


# ---- images (Pillow decodes and encodes) ------------------------------------------------------------------------
def _decode(contents, channels, formats, op, name):
    if channels not in (0, 1, 2, 3, 4):
        raise ValueError(f"{op}: channels must be 0, 1, 2, 3 or 4, got {channels}")
    return apply(opdef("DecodeImage"), (string_operand(contents, op),),
                 {"channels": int(channels), "formats": formats, "name_for_errors": op}, name)


def decode_image(contents, channels=None, dtype=dtypes.uint8, name=None, expand_animations=True):
    """uint8 [height, width, channels] from PNG, JPEG or BMP bytes (GIF animations are not read);
    `dtype` float32 rescales to [0, 1] as TF's convert_image_dtype does."""
    image = _decode(contents, channels or 0, ("PNG", "JPEG", "BMP"), "decode_image", name)
    dtype = dtypes.as_dtype(dtype)
    if dtype is dtypes.uint8:
        return image
    from . import math as math_api
    return math_api.multiply(math_api.cast(image, dtype), 1.0 / 255.0)


def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None):
    return _decode(contents, channels, ("PNG",), "decode_png", name)


def decode_bmp(contents, channels=0, name=None):
    return _decode(contents, channels, ("BMP",), "decode_bmp", name)


def encode_png(image, compression=-1, name=None):
    return apply(opdef("EncodeImage"), (convert_to_tensor(image),), {"format": "PNG"}, name)


def encode_jpeg(image, format="", quality=95, name=None, **unused):  # noqa: A002
    return apply(opdef("EncodeImage"), (convert_to_tensor(image),), {"format": "JPEG", "quality": int(quality)}, name)


# ---- gfile: the local file system, as TF's gfile offers it ---------------------------------------------------------
class GFile:
    """A file object (text or binary by `mode`); writes land atomically when it is closed."""

    def __init__(self, name, mode="r"):
        self.name, self.mode = os.fspath(name), mode
        if "w" in mode or "a" in mode:
            self._writer = atomic_writer(self.name, "wb")
            self._file = self._writer.__enter__()
            if "a" in mode and os.path.exists(self.name):
                with open(self.name, "rb") as old:
                    self._file.write(old.read())
        else:
            self._writer = None
            self._file = open(self.name, mode if "b" in mode else mode + "b")
        self._binary = "b" in mode

    def write(self, data):
        self._file.write(data if isinstance(data, bytes) else str(data).encode())

    def read(self, n=-1):
        data = self._file.read(n)
        return data if self._binary else data.decode()

    def readline(self):
        line = self._file.readline()
        return line if self._binary else line.decode()

    def readlines(self):
        return list(iter(self.readline, b"" if self._binary else ""))

    def __iter__(self):
        return iter(self.readlines())

    def close(self):
        if self._writer is not None:
            self._writer.__exit__(None, None, None)
            self._writer = None
        elif not self._file.closed:
            self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if self._writer is not None and kind is not None:
            self._writer.__exit__(kind, value, tb)       # an error: the old file stays
            self._writer = None
            return False
        self.close()
        return False


def _walk(top, topdown=True, onerror=None):
    yield from os.walk(top, topdown=topdown, onerror=onerror)


def _remove(path):
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}; No such file or directory")
    os.remove(path)


gfile = types.ModuleType("graphflow.io.gfile", "tf.io.gfile on the local file system.")
gfile.__dict__.update(
    GFile=GFile, exists=os.path.exists, isdir=os.path.isdir, listdir=os.listdir, glob=lambda p: sorted(_glob.glob(p)),
    makedirs=lambda p: os.makedirs(p, exist_ok=True), mkdir=os.mkdir, remove=_remove, rmtree=shutil.rmtree,
    rename=lambda src, dst, overwrite=False: (os.replace if overwrite else _rename_new)(src, dst),
    copy=lambda src, dst, overwrite=False: _copy(src, dst, overwrite), walk=_walk, join=os.path.join,
    stat=os.stat)


def _rename_new(src, dst):
    if os.path.exists(dst):
        raise FileExistsError(f"{dst} already exists")
    os.rename(src, dst)


def _copy(src, dst, overwrite):
    if os.path.exists(dst) and not overwrite:
        raise FileExistsError(f"{dst} already exists")
    shutil.copyfile(src, dst)


# ---- TFRecord files ------------------------------------------------------------------------------------------------
def _crc():
    try:
        import google_crc32c
    except ImportError:
        raise ImportError("TFRecord files need the google-crc32c package: pip install graphflow[io]") from None
    return google_crc32c


def masked_crc32c(data: bytes) -> int:
    crc = _crc().value(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


class TFRecordOptions:
    def __init__(self, compression_type=None, **unused):
        self.compression_type = (compression_type or "").upper()
        if self.compression_type not in ("", "GZIP", "ZLIB"):
            raise ValueError(f"compression_type must be None, '', 'GZIP' or 'ZLIB', got {compression_type!r}")


class TFRecordWriter:
    """Writes records in TensorFlow's TFRecord framing (length, masked CRC32C of the length, data,
    masked CRC32C of the data); the file appears complete when the writer closes."""

    def __init__(self, path, options=None):
        options = options if isinstance(options, TFRecordOptions) else TFRecordOptions(options)
        self.path, self.compression = os.fspath(path), options.compression_type
        self._records = []

    def write(self, record):
        record = record.numpy() if hasattr(record, "numpy") else record
        record = record if isinstance(record, bytes) else str(record).encode()
        header = struct.pack("<Q", len(record))
        self._records.append(header + struct.pack("<I", masked_crc32c(header)) + record
                             + struct.pack("<I", masked_crc32c(record)))

    def flush(self):
        data = b"".join(self._records)
        if self.compression == "GZIP":
            import gzip
            data = gzip.compress(data)
        elif self.compression == "ZLIB":
            import zlib
            data = zlib.compress(data)
        with atomic_writer(self.path) as f:
            f.write(data)

    def close(self):
        self.flush()

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is None:
            self.close()
        return False


def read_records(path, compression=""):
    """The records of one TFRecord file, checking both checksums of each."""
    with open(path, "rb") as f:
        data = f.read()
    if compression == "GZIP":
        import gzip
        data = gzip.decompress(data)
    elif compression == "ZLIB":
        import zlib
        data = zlib.decompress(data)
    pos = 0
    while pos < len(data):
        if pos + 12 > len(data):
            raise ValueError(f"{path}: truncated record at byte {pos}")
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        if crc != masked_crc32c(header):
            raise ValueError(f"{path}: corrupted record at byte {pos} (length checksum)")
        record = data[pos + 12:pos + 12 + length]
        end = pos + 12 + length
        if len(record) < length or end + 4 > len(data):
            raise ValueError(f"{path}: truncated record at byte {pos}")
        (crc,) = struct.unpack("<I", data[end:end + 4])
        if crc != masked_crc32c(record):
            raise ValueError(f"{path}: corrupted record at byte {pos} (data checksum)")
        yield record
        pos = end + 4
