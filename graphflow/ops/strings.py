"""String ops: TensorFlow's tf.strings kernels over text tensors (numpy object arrays of bytes).

Text never reaches a compiled numba kernel (the fuser renders only numeric dtypes), so every mode
runs these reference kernels: Python loops over the elements, which is what TF's own string
kernels amount to. None has a gradient.
"""
from __future__ import annotations

import re

import numpy as np

from .. import dtypes
from ..shapes import TensorShape
from . import infer as inf
from .reduce import _reduce_infer
from .registry import OpDef, Spec, register
from .string_hashes import fingerprint64, siphash24

TEXT = frozenset({"string"})


def map_elements(fn, x, out_dtype=object):
    """fn over every element of the object array x, keeping x's shape."""
    out = np.empty(x.shape, dtype=out_dtype)
    flat_in, flat_out = np.asarray(x).reshape(-1), out.reshape(-1)
    for i, v in enumerate(flat_in):
        flat_out[i] = fn(v)
    return out


def _same_shape(dtype):
    def infer(x, **attrs):
        return [Spec(x.shape, dtype)]
    return infer


def _text_op(name, fn, out_dtype=dtypes.string, **extra):
    np_out = object if out_dtype is dtypes.string else out_dtype.np
    register(OpDef(name, _same_shape(out_dtype), lambda x, **attrs: map_elements(lambda v: fn(v, **attrs), x, np_out),
                   allowed=TEXT, differentiable=False, **extra))


def _decode(v: bytes) -> str:
    return v.decode("utf-8", errors="replace")


def _lower(v, encoding=""):
    return _decode(v).lower().encode() if encoding == "utf-8" else v.lower()


def _upper(v, encoding=""):
    return _decode(v).upper().encode() if encoding == "utf-8" else v.upper()


def _length(v, unit="BYTE"):
    return len(v) if unit == "BYTE" else len(_decode(v))


_text_op("StringLower", _lower)
_text_op("StringUpper", _upper)
_text_op("StringStrip", lambda v: v.strip(b" \t\n\r\v\f"))
_text_op("StringLength", _length, dtypes.int32)


def _regex_replace(v, pattern, rewrite, replace_global=True):
    # TF's RE2 rewrite writes groups as \1; Python's re accepts the same form.
    return pattern.sub(rewrite, v, count=0 if replace_global else 1)


def _regex_full_match(v, pattern):
    return pattern.fullmatch(v) is not None


_text_op("StaticRegexReplace", _regex_replace)
_text_op("StaticRegexFullMatch", _regex_full_match, dtypes.bool_)


def compile_pattern(pattern) -> re.Pattern:
    """A TF (RE2) pattern compiled for bytes: RE2's syntax is, for what programs use, Python's."""
    text = pattern if isinstance(pattern, bytes) else str(pattern).encode("utf-8")
    try:
        return re.compile(text)
    except re.error as e:
        raise ValueError(f"Invalid regular expression {pattern!r}: {e}") from None


def _to_number(v, out_type):
    text = v.strip()
    try:
        if out_type.is_integer:
            value = int(text)
            info = np.iinfo(out_type.np)
            if not info.min <= value <= info.max:
                raise ValueError
            return value
        return float(text)
    except ValueError:
        raise ValueError(f"could not convert {v!r} to {out_type.name}") from None


def _to_number_infer(x, out_type):
    if not (out_type.is_floating or out_type.is_integer):
        raise TypeError(f"StringToNumber: out_type must be a float or integer dtype, got {out_type.name}")
    return [Spec(x.shape, out_type)]


register(OpDef("StringToNumber", _to_number_infer,
               lambda x, out_type: map_elements(lambda v: _to_number(v, out_type), x, out_type.np),
               allowed=TEXT, differentiable=False))


def _as_string(v, precision=-1, scientific=False, shortest=False, width=-1, fill=""):
    if isinstance(v, (bool, np.bool_)):
        text = "true" if v else "false"
    elif isinstance(v, (np.integer, int)):
        text = str(int(v))
    elif shortest:
        text = repr(float(v)) if np.isfinite(v) else str(float(v))
        text = text[:-2] if text.endswith(".0") else text
    else:
        code = "e" if scientific else "f"
        text = f"{float(v):.{precision if precision >= 0 else 6}{code}}"
    if width > 0:
        text = text.rjust(width, fill or " ")
    return text.encode()


def _as_string_infer(x, **attrs):
    if x.dtype is dtypes.string:
        raise TypeError("AsString: the input is already a string")
    return [Spec(x.shape, dtypes.string)]


def _hash_bucket_infer(x, num_buckets, key=None):
    if x.dtype is not dtypes.string:
        raise TypeError(f"StringToHashBucket: the input must be a string, got {x.dtype.name}")
    if int(num_buckets) < 1:
        raise ValueError(f"StringToHashBucket: num_buckets must be at least 1, got {num_buckets}")
    return [Spec(x.shape, dtypes.int64)]


register(OpDef("StringToHashBucketFast", _hash_bucket_infer,
               lambda x, num_buckets: map_elements(lambda v: fingerprint64(v) % num_buckets, x, np.int64),
               allowed=TEXT, differentiable=False))
register(OpDef("StringToHashBucketStrong", _hash_bucket_infer,
               lambda x, num_buckets, key: map_elements(lambda v: siphash24(key, v) % num_buckets, x, np.int64),
               allowed=TEXT, differentiable=False))


register(OpDef("AsString", _as_string_infer, lambda x, **attrs: map_elements(lambda v: _as_string(v, **attrs), x),
               differentiable=False))


def _join_infer(*inputs, separator=b""):
    for t in inputs:
        if t.dtype is not dtypes.string:
            raise TypeError(f"StringJoin: every input must be a string, got {t.dtype.name}")
    return [Spec(inf.broadcast(*inputs), dtypes.string)]


def _join(*inputs, separator=b""):
    parts = np.broadcast_arrays(*[np.asarray(a, dtype=object) for a in inputs])
    out = np.empty(parts[0].shape, dtype=object)
    flat, out_flat = [p.reshape(-1) for p in parts], out.reshape(-1)
    for i in range(out_flat.size):
        out_flat[i] = separator.join(p[i] for p in flat)
    return out


register(OpDef("StringJoin", _join_infer, _join, differentiable=False))


def _reduce_join_infer(x, axis=None, keepdims=False, separator=b""):
    if x.dtype is not dtypes.string:
        raise TypeError(f"ReduceJoin: the input must be a string, got {x.dtype.name}")
    (out,) = _reduce_infer(x, axis, keepdims, "ReduceJoin")
    return [out]


def _reduce_join(x, axis=None, keepdims=False, separator=b""):
    x = np.asarray(x, dtype=object)
    axes = tuple(range(x.ndim)) if axis is None else tuple(a % x.ndim for a in axis)
    kept = [a for a in range(x.ndim) if a not in axes]
    moved = np.transpose(x, kept + list(axes)).reshape([x.shape[a] for a in kept] + [-1])
    out = np.empty(moved.shape[:-1], dtype=object)
    rows, out_flat = moved.reshape(-1, moved.shape[-1]), out.reshape(-1)
    for i in range(out_flat.size):
        out_flat[i] = separator.join(rows[i])
    if keepdims:
        out = out.reshape([1 if a in axes else x.shape[a] for a in range(x.ndim)])
    return out


register(OpDef("ReduceJoin", _reduce_join_infer, _reduce_join, differentiable=False))


def _substr(v, pos, len, unit="BYTE"):  # noqa: A002
    text = v if unit == "BYTE" else _decode(v)
    size = text.__len__()
    start = pos if pos >= 0 else size + pos
    if not 0 <= start <= size:
        raise ValueError(f"Substr: position {pos} is out of range for a string of length {size}")
    piece = text[start:start + len]
    return piece if unit == "BYTE" else piece.encode()


_text_op("Substr", _substr)


# ---- text to token ids: the tokenizer of Keras's TextVectorization --------------------------------------------
def split_tokens(v: bytes, split="whitespace", ngrams=()) -> list:
    """The tokens of one string: split on runs of whitespace, into characters (UTF-8), or not at
    all ("none"); then the n-grams of each width in `ngrams` joined by spaces, widths in order."""
    if split == "whitespace":
        words = v.split()
    elif split == "character":
        words = [c.encode("utf-8") for c in _decode(v)]
    else:
        words = [v]
    if not ngrams:
        return words
    out = []
    for n in ngrams:
        out.extend(b" ".join(words[i:i + n]) for i in range(len(words) - n + 1))
    return out


def _tokenize_infer(x, table, split="whitespace", ngrams=(), mode="int", sequence_length=None, depth=0):
    if x.dtype is not dtypes.string:
        raise TypeError(f"TokenizeLookup: the input must be a string, got {x.dtype.name}")
    if mode == "int":
        return [Spec(TensorShape(list(x.shape.dims or [None]) + [sequence_length]), dtypes.int64)]
    return [Spec(TensorShape(list(x.shape.dims or [None]) + [depth]), dtypes.float32)]


def _tokenize_lookup(x, table, split="whitespace", ngrams=(), mode="int", sequence_length=None, depth=0):
    """Every string's token ids: padded with 0 (or cut) to `sequence_length` (None: the longest)
    in mode "int"; token counts per id (width `depth`) in mode "count"."""
    flat = np.asarray(x, dtype=object).reshape(-1)
    ids = [table.ids(split_tokens(v, split, ngrams)) for v in flat]
    if mode == "count":
        out = np.zeros((len(ids), depth), np.float32)
        for row, found in zip(out, ids):
            np.add.at(row, np.minimum(found, depth - 1) if depth else found, 1.0)
        return out.reshape(x.shape + (depth,))
    length = sequence_length if sequence_length is not None else max((len(i) for i in ids), default=0)
    out = np.zeros((len(ids), length), np.int64)
    for row, found in zip(out, ids):
        kept = found[:length]
        row[:len(kept)] = kept
    return out.reshape(x.shape + (length,))


register(OpDef("TokenizeLookup", _tokenize_infer, _tokenize_lookup, differentiable=False))
