"""Forward cases for the text, lookup and file ops (ops/strings.py, ops/lookup.py,
ops/file_io.py): string inputs are object arrays of bytes, references are plain Python."""
from __future__ import annotations

import base64
import os
import re
import tempfile

import numpy as np
from hypothesis import strategies as st

import graphflow as gf
from graphflow.ops.lookup import StaticTable

from .forward_cases import BY_OP, CASES, case, shape

WORDS = [b"", b"a", b"Cat", b"the DOG", b"  pad  ", b"x1 y2", b"\xc3\x9cber", b"3.5", b"-7"]


def texts(d, dims=None):
    dims = shape(d) if dims is None else dims
    flat = [d(st.sampled_from(WORDS)) for _ in range(int(np.prod(dims)))]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(dims)


def _each(fn, x, dtype=object):
    out = np.empty(x.shape, dtype=dtype)
    for i, v in np.ndenumerate(x):
        out[i] = fn(v)
    return out


def _draw_text(d):
    return [texts(d)], {}


case("StringLower", _draw_text, gf.strings.lower, lambda x: _each(bytes.lower, x))
case("StringUpper", _draw_text, gf.strings.upper, lambda x: _each(bytes.upper, x))
case("StringStrip", _draw_text, gf.strings.strip, lambda x: _each(bytes.strip, x))
case("StringLength", _draw_text, gf.strings.length, lambda x: _each(len, x, np.int32))
case("StaticRegexReplace", _draw_text, lambda x: gf.strings.regex_replace(x, r"[aeiou]", "_"),
     lambda x: _each(lambda v: re.sub(rb"[aeiou]", b"_", v), x))
case("StaticRegexFullMatch", _draw_text, lambda x: gf.strings.regex_full_match(x, r"[a-z ]*"),
     lambda x: _each(lambda v: re.fullmatch(rb"[a-z ]*", v) is not None, x, np.bool_))


def _draw_numbers(d):
    dims = shape(d)
    flat = [d(st.sampled_from([b"3.5", b"-7", b"0", b" 12 "])) for _ in range(int(np.prod(dims)))]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return [out.reshape(dims)], {}


case("StringToNumber", _draw_numbers, lambda x: gf.strings.to_number(x),
     lambda x: _each(lambda v: float(v), x, np.float32))
case("AsString", lambda d: ([np.arange(d(st.integers(0, 4)), dtype=np.int32) - 2], {}), gf.strings.as_string,
     lambda x: _each(lambda v: str(int(v)).encode(), x))
# TensorFlow 2.21's buckets of WORDS (to_hash_bucket_fast(WORDS, 1000); _strong with key [7, 9])
TF_FAST_BUCKETS = {b"": 263, b"a": 939, b"Cat": 601, b"the DOG": 255, b"  pad  ": 607, b"x1 y2": 94,
                   b"\xc3\x9cber": 666, b"3.5": 625, b"-7": 62}
TF_STRONG_BUCKETS = {b"": 164, b"a": 351, b"Cat": 300, b"the DOG": 480, b"  pad  ": 122, b"x1 y2": 31,
                     b"\xc3\x9cber": 661, b"3.5": 6, b"-7": 966}
case("StringToHashBucketFast", _draw_text, lambda x: gf.strings.to_hash_bucket_fast(x, 1000),
     lambda x: _each(TF_FAST_BUCKETS.get, x, np.int64))
case("StringToHashBucketStrong", _draw_text, lambda x: gf.strings.to_hash_bucket_strong(x, 1000, [7, 9]),
     lambda x: _each(TF_STRONG_BUCKETS.get, x, np.int64))
case("StringJoin", lambda d: ([texts(d, (2, 3)), texts(d, (3,))], {}),
     lambda a, b: gf.strings.join([a, b], separator="-"), lambda a, b: _each(lambda p: p[0] + b"-" + p[1],
                                                                              _pairs(a, b)))
case("ReduceJoin", lambda d: ([texts(d, (2, 3))], {}), lambda x: gf.strings.reduce_join(x, axis=1, separator=","),
     lambda x: np.array([b",".join(row) for row in x], dtype=object))
case("Substr", lambda d: ([texts(d, (3,))], {}), lambda x: gf.strings.substr(x, 0, 2),
     lambda x: _each(lambda v: v[:2], x))


def _pairs(a, b):
    a, b = np.broadcast_arrays(a, b)
    out = np.empty(a.shape, dtype=object)
    for i in np.ndindex(a.shape):
        out[i] = (a[i], b[i])
    return out


TABLE = StaticTable([b"a", b"Cat", b"the DOG"], [1, 2, 3], np.int64(-1), gf.string, gf.int64)
case("LookupTableFind", _draw_text,
     lambda x: gf.lookup.StaticHashTable(gf.lookup.KeyValueTensorInitializer(["a", "Cat", "the DOG"], [1, 2, 3],
                                                                             value_dtype=gf.int64), -1).lookup(x),
     lambda x: _each(lambda v: TABLE.mapping.get(v, -1), x, np.int64))


def _tokenize(x):
    layer = gf.keras.layers.TextVectorization(vocabulary=["cat", "the", "dog"], standardize=None,
                                              output_sequence_length=3)
    return layer(x)


def _tokenize_ref(x):
    ids = {b"cat": 2, b"the": 3, b"dog": 4}
    out = np.zeros((len(x), 3), np.int64)
    for r, v in enumerate(x):
        found = [ids.get(t, 1) for t in v.split()][:3]
        out[r, :len(found)] = found
    return out


case("TokenizeLookup", lambda d: ([texts(d, (d(st.integers(0, 3)),))], {}), _tokenize, _tokenize_ref)

# ---- files and decoders --------------------------------------------------------------------------------------
_FOLDER = tempfile.mkdtemp(prefix="gf-io-cases-")


def _draw_blob(d):
    name = os.path.join(_FOLDER, f"f{d(st.integers(0, 3))}.bin")
    data = bytes(d(st.lists(st.integers(0, 255), max_size=8)))
    with open(name, "wb") as f:
        f.write(data)
    return [np.array(name.encode(), dtype=object)], {"data": data}


case("ReadFile", _draw_blob, lambda path, data: gf.io.read_file(path), lambda path, data: np.array(data, object))


def _write_then_read(path, contents):
    with gf.control_dependencies([gf.io.write_file(path, contents)]):
        return gf.io.read_file(path)


case("WriteFile", lambda d: ([np.array(os.path.join(_FOLDER, "w.txt").encode(), dtype=object),
                              np.array(d(st.sampled_from(WORDS)), dtype=object)], {}), _write_then_read,
     lambda path, contents: contents)
case("MatchingFiles", lambda d: ([np.array(os.path.join(_FOLDER, "nothing-*.none").encode(), dtype=object)], {}),
     gf.io.matching_files, lambda pattern: np.zeros(0, dtype=object))


def _draw_raw(d):
    n = d(st.integers(0, 3))
    return [np.array([bytes(d(st.lists(st.integers(0, 255), min_size=4 * n, max_size=4 * n))) for _ in range(2)],
                     dtype=object)], {}


case("DecodeRaw", _draw_raw, lambda x: gf.io.decode_raw(x, gf.int32),
     lambda x: np.stack([np.frombuffer(v, "<i4") for v in x]).astype(np.int32))
case("EncodeBase64", _draw_text, gf.io.encode_base64,
     lambda x: _each(lambda v: base64.urlsafe_b64encode(v).rstrip(b"="), x))
case("DecodeBase64", lambda d: ([_each(lambda v: base64.urlsafe_b64encode(v).rstrip(b"="), texts(d))], {}),
     gf.io.decode_base64, lambda x: _each(lambda v: base64.urlsafe_b64decode(v + b"=" * (-len(v) % 4)), x))
case("DecodeCSV", lambda d: ([np.array([b"1,a", b"2,b c"], dtype=object)], {}),
     lambda x: gf.io.decode_csv(x, [[0], [""]]),
     lambda x: [np.array([1, 2], np.int32), np.array([b"a", b"b c"], dtype=object)])


def _draw_tensor(d):
    dims = shape(d)
    return [np.arange(int(np.prod(dims)), dtype=np.float32).reshape(dims) / 4], {}


case("SerializeTensor", _draw_tensor, lambda x: gf.io.parse_tensor(gf.io.serialize_tensor(x), gf.float32),
     lambda x: x)
case("ParseTensor", _draw_tensor, lambda x: gf.io.parse_tensor(gf.io.serialize_tensor(x), gf.float32),
     lambda x: x)


def _draw_image(d):
    h, w, c = d(st.integers(1, 4)), d(st.integers(1, 4)), d(st.sampled_from([1, 3, 4]))
    return [np.arange(h * w * c, dtype=np.uint8).reshape(h, w, c) * 7], {}


case("EncodeImage", _draw_image, lambda x: gf.io.decode_png(gf.io.encode_png(x)), lambda x: x)
case("DecodeImage", _draw_image, lambda x: gf.io.decode_image(gf.io.encode_png(x)), lambda x: x)


def _encoded(fmt, **save):
    """Draws a flat grey image (every codec keeps it exactly) encoded by Pillow in `fmt`: a scalar string."""
    def draw(d):
        import io

        import pillow_jxl  # noqa: F401  (registers JPEG XL with Pillow)
        from PIL import Image
        h, w = d(st.integers(1, 9)), d(st.integers(1, 9))
        buf = io.BytesIO()
        Image.fromarray(np.full((h, w, 3), d(st.sampled_from([0, 64, 128, 255])), np.uint8)).save(buf, fmt, **save)
        return [np.array(buf.getvalue(), dtype=object)], {}
    return draw


def _pixels(data):
    import io

    import pillow_jxl  # noqa: F401
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(data.item() if isinstance(data, np.ndarray) else data)).convert("RGB"))


_jpeg = _encoded("JPEG", quality=95)
case("DecodeJpeg", _jpeg, gf.io.decode_jpeg, _pixels)
case("DecodeAndCropJpeg", _jpeg, lambda x: gf.image.decode_and_crop_jpeg(x, [0, 0, 1, 1]), lambda x: _pixels(x)[:1, :1])
case("ExtractJpegShape", _jpeg, gf.image.extract_jpeg_shape, lambda x: np.array(_pixels(x).shape, np.int32))
case("EncodeJpegVariableQuality", lambda d: ([np.full((d(st.integers(1, 9)), 3, 3), 128, np.uint8)], {}),
     lambda x: gf.image.adjust_jpeg_quality(x, 90), lambda x: x)
case("DecodeGif", _encoded("GIF"), gf.image.decode_gif, lambda x: _pixels(x)[None])
case("DecodeWebP", _encoded("WEBP", lossless=True), gf.image.decode_webp, lambda x: _pixels(x)[None])
case("DecodeJxl", _encoded("JXL", lossless=True), gf.image.decode_jxl, _pixels)

BY_OP.clear()
for _c in CASES:
    BY_OP.setdefault(_c.op, []).append(_c)


# ---- collective ops (gf.distribute): one process, the group is the identity -----------------------------------
def _collective(op):
    from graphflow.distribute.process_group import LocalGroup
    from graphflow.ops.dispatch import apply
    from graphflow.ops.registry import get
    attrs = {"group": LocalGroup(), "reduction": "sum"} if op == "CollectiveAllReduce" \
        else {"group": LocalGroup(), "root": 0}
    return lambda x: apply(get(op), (x,), dict(attrs))


for _op in ("CollectiveAllReduce", "CollectiveBroadcast"):
    case(_op, lambda d: ([np.arange(d(st.integers(0, 5)), dtype=np.float32)], {}), _collective(_op), lambda x: x)

BY_OP.clear()
for _c in CASES:
    BY_OP.setdefault(_c.op, []).append(_c)
