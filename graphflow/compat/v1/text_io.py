"""TF1's names for text and files: `tf.gfile` (CamelCase), `tf.python_io`, and the top-level
string and io functions of v1 (`tf.string_to_number`, `tf.read_file`, `tf.decode_csv`...)."""
from __future__ import annotations

import types

from ...ops.api import io as io_api
from ...ops.api import strings as strings_api


def _namespace(name, doc, **members):
    module = types.ModuleType(f"graphflow.compat.v1.{name}", doc)
    module.__dict__.update(members)
    return module


_g = io_api.gfile
gfile = _namespace(
    "gfile", "tf.compat.v1.gfile: the local file system with TF1's names.",
    GFile=_g.GFile, Open=_g.GFile, FastGFile=_g.GFile, Exists=_g.exists, Glob=_g.glob, IsDirectory=_g.isdir,
    ListDirectory=_g.listdir, MakeDirs=_g.makedirs, MkDir=_g.mkdir, Remove=_g.remove, Rename=_g.rename,
    Copy=_g.copy, DeleteRecursively=_g.rmtree, Walk=_g.walk, Stat=_g.stat)


def tf_record_iterator(path, options=None):
    """The records of a TFRecord file (TF1's python_io reader)."""
    options = options if isinstance(options, io_api.TFRecordOptions) else io_api.TFRecordOptions(options)
    return io_api.read_records(path, options.compression_type)


python_io = _namespace("python_io", "tf.compat.v1.python_io: TFRecord files.",
                       TFRecordWriter=io_api.TFRecordWriter, TFRecordOptions=io_api.TFRecordOptions,
                       tf_record_iterator=tf_record_iterator)


def string_to_number(string_tensor, out_type=None, name=None):
    from ... import dtypes
    return strings_api.to_number(string_tensor, out_type or dtypes.float32, name)


def string_join(inputs, separator="", name=None):
    return strings_api.join(inputs, separator, name)


def substr(input, pos, len, name=None, unit="BYTE"):  # noqa: A002
    return strings_api.substr(input, pos, len, unit, name)


V1_NAMES = dict(
    gfile=gfile, python_io=python_io, string_to_number=string_to_number, string_join=string_join, substr=substr,
    as_string=strings_api.as_string, reduce_join=strings_api.reduce_join, regex_replace=strings_api.regex_replace,
    read_file=io_api.read_file, write_file=io_api.write_file, decode_raw=io_api.decode_raw,
    decode_csv=io_api.decode_csv, decode_base64=io_api.decode_base64, encode_base64=io_api.encode_base64,
    serialize_tensor=io_api.serialize_tensor, parse_tensor=io_api.parse_tensor, matching_files=io_api.matching_files)
