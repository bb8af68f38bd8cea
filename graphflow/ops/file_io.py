"""tf.io's ops: files in and out of the graph (ReadFile, WriteFile, MatchingFiles) and decoders of
string tensors (DecodeRaw, DecodeBase64/EncodeBase64, DecodeCSV, SerializeTensor/ParseTensor).

File ops are stateful (they run every time, in order, and are never folded); decoders are pure.
All of them are reference kernels over bytes: every mode runs these same functions.
"""
from __future__ import annotations

import base64
import csv
import glob
import os

import numpy as np

from .. import dtypes
from ..atomic_file import atomic_writer
from ..shapes import TensorShape
from .image_codecs import jpeg_pixels
from .image_codecs import pillow as _pillow
from .registry import STATEFUL, OpDef, Spec, register
from .strings import map_elements


def _scalar_text(spec, op):
    if spec.dtype is not dtypes.string or spec.shape.rank not in (0, None):
        raise TypeError(f"{op}: expected a scalar string, got {spec.dtype.name}{spec.shape}")


def _item(x) -> bytes:
    v = np.asarray(x, dtype=object).reshape(-1)[0] if np.ndim(x) else np.asarray(x, dtype=object)[()]
    return v if isinstance(v, bytes) else str(v).encode()


def _read_infer(filename):
    _scalar_text(filename, "ReadFile")
    return [Spec(TensorShape([]), dtypes.string)]


def _read_file(filename):
    path = os.fsdecode(_item(filename))
    try:
        with open(path, "rb") as f:
            return np.array(f.read(), dtype=object)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}; No such file or directory") from None


register(OpDef("ReadFile", _read_infer, _read_file, kind=STATEFUL, stateful=True, differentiable=False))


def _write_infer(filename, contents):
    _scalar_text(filename, "WriteFile")
    _scalar_text(contents, "WriteFile")
    return []


def _write_file(filename, contents):
    """Write atomically, creating the folder if needed (as TF does)."""
    path = os.fsdecode(_item(filename))
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with atomic_writer(path) as f:
        f.write(_item(contents))
    return ()


register(OpDef("WriteFile", _write_infer, _write_file, kind=STATEFUL, stateful=True, differentiable=False,
               num_outputs=0))


def _matching_infer(pattern):
    if pattern.dtype is not dtypes.string:
        raise TypeError(f"MatchingFiles: the pattern must be a string, got {pattern.dtype.name}")
    return [Spec(TensorShape([None]), dtypes.string)]


def _matching_files(pattern):
    patterns = np.asarray(pattern, dtype=object).reshape(-1)
    found = sorted({m for p in patterns for m in glob.glob(os.fsdecode(p))})
    return np.array([os.fsencode(m) for m in found], dtype=object).reshape(len(found))


register(OpDef("MatchingFiles", _matching_infer, _matching_files, kind=STATEFUL, stateful=True,
               differentiable=False))


# ---- decoders --------------------------------------------------------------------------------------------------
def _decode_raw_infer(x, out_type, little_endian=True, fixed_length=None):
    if x.dtype is not dtypes.string:
        raise TypeError(f"DecodeRaw: the input must be a string, got {x.dtype.name}")
    width = None if fixed_length is None else fixed_length // out_type.np().itemsize
    return [Spec(TensorShape(list(x.shape.dims or []) + [width]) if x.shape.dims is not None else TensorShape(None),
                 out_type)]


def _decode_raw(x, out_type, little_endian=True, fixed_length=None):
    dtype = np.dtype(out_type.np).newbyteorder("<" if little_endian else ">")
    flat = np.asarray(x, dtype=object).reshape(-1)
    rows = []
    for v in flat:
        if fixed_length is not None:
            v = v[:fixed_length].ljust(fixed_length, b"\0")
        if len(v) % dtype.itemsize:
            raise ValueError(f"DecodeRaw: input to DecodeRaw has length {len(v)} that is not a multiple of "
                             f"{dtype.itemsize}, the size of {out_type.name}")
        rows.append(np.frombuffer(v, dtype=dtype).astype(out_type.np))
    if len({len(r) for r in rows}) > 1:
        raise ValueError("DecodeRaw: the inputs decode to different lengths; all must have the same length")
    width = len(rows[0]) if rows else 0
    return np.stack(rows).reshape(np.shape(x) + (width,)) if rows else np.zeros(np.shape(x) + (0,), out_type.np)


register(OpDef("DecodeRaw", _decode_raw_infer, _decode_raw, differentiable=False))


def _same_text(x, **attrs):
    if x.dtype is not dtypes.string:
        raise TypeError(f"expected a string tensor, got {x.dtype.name}")
    return [Spec(x.shape, dtypes.string)]


def _map_text(fn):
    return lambda x, **attrs: map_elements(lambda v: fn(v, **attrs), x)


def _encode_base64(v, pad=False):
    text = base64.urlsafe_b64encode(v)
    return text if pad else text.rstrip(b"=")


def _decode_base64(v):
    try:
        return base64.urlsafe_b64decode(v + b"=" * (-len(v) % 4))
    except ValueError:
        raise ValueError(f"DecodeBase64: invalid character found in base64 {v!r}") from None


register(OpDef("EncodeBase64", _same_text, _map_text(_encode_base64), differentiable=False))
register(OpDef("DecodeBase64", _same_text, _map_text(_decode_base64), differentiable=False))


def _csv_infer(records, *defaults, out_types, field_delim=",", use_quote_delim=True, na_value="",
               select_cols=None):
    if records.dtype is not dtypes.string:
        raise TypeError(f"DecodeCSV: records must be strings, got {records.dtype.name}")
    return [Spec(records.shape, t) for t in out_types]


def _parse_field(text, dtype, default, column, row):
    if text == "" or text == row.na_value:
        if default is None:
            raise ValueError(f"DecodeCSV: field {column} is required but missing in record {row.index}")
        return default
    if dtype is dtypes.string:
        return text.encode()
    try:
        return dtype.np.type(float(text) if dtype.is_floating else int(text))
    except ValueError:
        raise ValueError(f"DecodeCSV: field {column} in record {row.index} is not a valid {dtype.name}: "
                         f"{text!r}") from None


class _Row:
    def __init__(self, index, na_value):
        self.index, self.na_value = index, na_value


def _decode_csv(records, *defaults, out_types, field_delim=",", use_quote_delim=True, na_value="",
                select_cols=None):
    flat = np.asarray(records, dtype=object).reshape(-1)
    outs = [np.empty(flat.shape, dtype=t.np) for t in out_types]
    given = [None if np.size(d) == 0 else np.asarray(d).reshape(-1)[0] for d in defaults]
    for i, record in enumerate(flat):
        text = record.decode("utf-8")
        reader = csv.reader([text], delimiter=field_delim, quoting=csv.QUOTE_MINIMAL if use_quote_delim
                            else csv.QUOTE_NONE)
        fields = next(reader, [])
        if select_cols is not None:
            fields = [fields[c] if c < len(fields) else "" for c in select_cols]
        if len(fields) != len(out_types):
            raise ValueError(f"DecodeCSV: expect {len(out_types)} fields but have {len(fields)} in record {i}")
        for j, (field, t) in enumerate(zip(fields, out_types)):
            outs[j][i] = _parse_field(field, t, given[j], j, _Row(i, na_value))
    return tuple(o.reshape(np.shape(records)) for o in outs)


register(OpDef("DecodeCSV", _csv_infer, _decode_csv, differentiable=False, num_outputs=-1))


# ---- TensorProto serialization ---------------------------------------------------------------------------------
def _proto_module():
    try:
        from tensorboard.compat.proto import tensor_pb2
    except ImportError:
        raise ImportError("serialize_tensor/parse_tensor use TensorFlow's TensorProto from the tensorboard "
                          "package: pip install graphflow[tensorboard]") from None
    return tensor_pb2


def _serialize_infer(x):
    return [Spec(TensorShape([]), dtypes.string)]


def _serialize_tensor(x):
    tensor_pb2 = _proto_module()
    arr = np.asarray(x)
    proto = tensor_pb2.TensorProto(dtype=dtypes.enum_of(dtypes.from_numpy(arr.dtype)))
    for d in arr.shape:
        proto.tensor_shape.dim.add(size=d)
    if arr.dtype == object:
        proto.string_val.extend(arr.reshape(-1).tolist())
    else:
        proto.tensor_content = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
    return np.array(proto.SerializeToString(), dtype=object)


register(OpDef("SerializeTensor", _serialize_infer, _serialize_tensor, differentiable=False))


def _parse_infer(serialized, out_type):
    if serialized.dtype is not dtypes.string:
        raise TypeError(f"ParseTensor: the input must be a string, got {serialized.dtype.name}")
    return [Spec(TensorShape(None), out_type)]


_VALUE_FIELDS = {"float32": "float_val", "float64": "double_val", "int32": "int_val", "int16": "int_val",
                 "int8": "int_val", "uint8": "int_val", "int64": "int64_val", "bool": "bool_val",
                 "float16": "half_val", "string": "string_val"}


def _parse_tensor(serialized, out_type):
    tensor_pb2 = _proto_module()
    proto = tensor_pb2.TensorProto()
    proto.ParseFromString(_item(serialized))
    stored = dtypes.from_enum(proto.dtype)
    if stored is not out_type:
        raise TypeError(f"ParseTensor: Type mismatch between parsed tensor ({stored.name}) and dtype "
                        f"({out_type.name})")
    shape = tuple(d.size for d in proto.tensor_shape.dim)
    if proto.tensor_content:
        return np.frombuffer(proto.tensor_content, dtype=np.dtype(out_type.np).newbyteorder("<")) \
            .astype(out_type.np).reshape(shape)
    values = list(getattr(proto, _VALUE_FIELDS[out_type.name]))
    if out_type is dtypes.string:
        out = np.empty(int(np.prod(shape)), dtype=object)
        out[:] = values
        return out.reshape(shape)
    if out_type is dtypes.float16:
        values = np.array(values, np.uint16).view(np.float16)
    arr = np.array(values, dtype=out_type.np)
    size = int(np.prod(shape))
    return (np.full(size, arr[-1] if arr.size else 0, out_type.np) if arr.size < size else arr).reshape(shape)


register(OpDef("ParseTensor", _parse_infer, _parse_tensor, differentiable=False))


# ---- image codecs (Pillow) -------------------------------------------------------------------------------------


_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def _decode_infer(contents, channels=0, formats=None, name_for_errors="DecodeImage"):
    _scalar_text(contents, name_for_errors)
    return [Spec(TensorShape([None, None, channels or None]), dtypes.uint8)]


def _decode_image(contents, channels=0, formats=None, name_for_errors="DecodeImage"):
    """uint8 [height, width, channels] of a PNG/JPEG/GIF/BMP; `channels` 0 keeps the file's."""
    import io
    Image = _pillow()
    try:
        image = Image.open(io.BytesIO(_item(contents)))
    except Exception:  # noqa: BLE001  Pillow raises several kinds for data that is not an image
        raise ValueError(f"{name_for_errors}: the data is not a known image format") from None
    if formats is not None and image.format not in formats:
        raise ValueError(f"{name_for_errors}: expected {' or '.join(formats)} data, got {image.format}")
    if image.format == "JPEG" and channels in (0, 1, 3):    # libjpeg-turbo as TensorFlow runs it (its fast DCT)
        return jpeg_pixels(_item(contents), channels, "", True, 1, name_for_errors)
    if image.format == "BMP" and image.mode == "RGB" and _item(contents)[28:30] == b"\x20\x00":
        image = _bmp_with_alpha(_item(contents), image)
    if image.mode not in ("L", "LA", "RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
    if channels in (1, 2) and image.format == "PNG" and image.mode in ("RGB", "RGBA"):
        return _png_gray(np.asarray(image, dtype=np.uint8), channels)
    if channels:
        image = image.convert(_MODES[channels])
    arr = np.asarray(image, dtype=np.uint8)
    return arr[:, :, None] if arr.ndim == 2 else arr


def _bmp_with_alpha(data: bytes, image):
    """A 32-bit BMP's fourth byte, which Pillow drops and TensorFlow reads as alpha."""
    offset, width, height = int.from_bytes(data[10:14], "little"), image.size[0], image.size[1]
    rows = np.frombuffer(data, np.uint8, width * height * 4, offset).reshape(height, width, 4)
    bottom_up = int.from_bytes(data[22:26], "little", signed=True) > 0
    rgba = (rows[::-1] if bottom_up else rows)[:, :, [2, 1, 0, 3]]
    return _pillow().fromarray(np.ascontiguousarray(rgba), "RGBA")


def _png_gray(rgb, channels):
    """libpng's colour to grey, as TF's PNG decoder asks it (0.299/0.587 in 15-bit fixed point,
    truncated): Pillow rounds, which differs by one on some pixels."""
    r, g, b = (rgb[:, :, i].astype(np.uint32) for i in range(3))
    gray = ((r * 9798 + g * 19235 + b * 3735) >> 15).astype(np.uint8)[:, :, None]
    if channels == 2:
        alpha = rgb[:, :, 3:4] if rgb.shape[2] == 4 else np.full_like(gray, 255)
        return np.concatenate([gray, alpha], axis=2)
    return gray


register(OpDef("DecodeImage", _decode_infer, _decode_image, differentiable=False))


def _encode_infer(image, format="PNG", quality=95):  # noqa: A002
    if image.dtype is not dtypes.uint8 or image.shape.rank not in (3, None):
        raise TypeError(f"Encode{format.title()}: expects a uint8 image [height, width, channels], got "
                        f"{image.dtype.name}{image.shape}")
    return [Spec(TensorShape([]), dtypes.string)]


def _encode_image(image, format="PNG", quality=95):  # noqa: A002
    import io
    Image = _pillow()
    arr = np.asarray(image)
    if arr.shape[-1] not in _MODES:
        raise ValueError(f"Encode{format.title()}: images need 1 to 4 channels, got {arr.shape[-1]}")
    buffer = io.BytesIO()
    Image.fromarray(arr[:, :, 0] if arr.shape[-1] == 1 else arr, _MODES[arr.shape[-1]]).save(
        buffer, format=format, **({"quality": quality} if format == "JPEG" else {}))
    return np.array(buffer.getvalue(), dtype=object)


register(OpDef("EncodeImage", _encode_infer, _encode_image, differentiable=False))
