"""tf.strings: text tensors' functions (the ops are in ops/strings.py)."""
from __future__ import annotations

from ... import dtypes
from .. import strings as _ops
from ..convert import convert_to_tensor, string_operand
from ..dispatch import apply
from .op_call import opdef
from .shape import axis_value

__all__ = ["as_string", "join", "length", "lower", "reduce_join", "regex_full_match", "regex_replace",
           "strip", "substr", "to_hash_bucket_fast", "to_hash_bucket_strong", "to_number", "upper"]


def lower(input, encoding="", name=None):  # noqa: A002
    return apply(opdef("StringLower"), (string_operand(input, "lower"),), {"encoding": encoding.lower()}, name)


def upper(input, encoding="", name=None):  # noqa: A002
    return apply(opdef("StringUpper"), (string_operand(input, "upper"),), {"encoding": encoding.lower()}, name)


def strip(input, name=None):  # noqa: A002
    return apply(opdef("StringStrip"), (string_operand(input, "strip"),), {}, name)


def length(input, unit="BYTE", name=None):  # noqa: A002
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"length: unit must be 'BYTE' or 'UTF8_CHAR', got {unit!r}")
    return apply(opdef("StringLength"), (string_operand(input, "length"),), {"unit": unit}, name)


def _static(value, what):
    if hasattr(value, "numpy"):
        value = value.numpy()
    if hasattr(value, "item"):
        value = value.item()
    if not isinstance(value, (str, bytes)):
        raise TypeError(f"{what} must be a Python string (or a constant string tensor), got {value!r}")
    return value.encode("utf-8") if isinstance(value, str) else value


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    return apply(opdef("StaticRegexReplace"), (string_operand(input, "regex_replace"),),
                 {"pattern": _ops.compile_pattern(_static(pattern, "regex_replace: pattern")),
                  "rewrite": _static(rewrite, "regex_replace: rewrite"), "replace_global": bool(replace_global)},
                 name)


def regex_full_match(input, pattern, name=None):  # noqa: A002
    return apply(opdef("StaticRegexFullMatch"), (string_operand(input, "regex_full_match"),),
                 {"pattern": _ops.compile_pattern(_static(pattern, "regex_full_match: pattern"))}, name)


def to_number(string_tensor, out_type=dtypes.float32, name=None):
    return apply(opdef("StringToNumber"), (string_operand(string_tensor, "to_number"),),
                 {"out_type": dtypes.as_dtype(out_type)}, name)


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="", name=None):  # noqa: A002
    return apply(opdef("AsString"), (convert_to_tensor(input),),
                 {"precision": int(precision), "scientific": bool(scientific), "shortest": bool(shortest),
                  "width": int(width), "fill": fill}, name)


def to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002
    """FarmHash Fingerprint64 of each string modulo num_buckets (int64), TensorFlow's values."""
    return apply(opdef("StringToHashBucketFast"), (string_operand(input, "to_hash_bucket_fast"),),
                 {"num_buckets": int(num_buckets)}, name)


def to_hash_bucket_strong(input, num_buckets, key, name=None):  # noqa: A002
    """Keyed SipHash-2-4 (key: two ints) of each string modulo num_buckets (int64), TensorFlow's values."""
    key = [int(k) for k in key]
    if len(key) != 2:
        raise ValueError(f"to_hash_bucket_strong: key must be two integers, got {key}")
    return apply(opdef("StringToHashBucketStrong"), (string_operand(input, "to_hash_bucket_strong"),),
                 {"num_buckets": int(num_buckets), "key": tuple(key)}, name)


def join(inputs, separator="", name=None):
    parts = tuple(string_operand(x, "join") for x in inputs)
    if not parts:
        raise ValueError("join: needs at least one input")
    return apply(opdef("StringJoin"), parts, {"separator": _static(separator, "join: separator")}, name)


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    x = string_operand(inputs, "reduce_join")
    if axis is not None:
        axis = axis_value(axis)
        axis = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    return apply(opdef("ReduceJoin"), (x,), {"axis": axis, "keepdims": bool(keepdims),
                                             "separator": _static(separator, "reduce_join: separator")}, name)


def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"substr: unit must be 'BYTE' or 'UTF8_CHAR', got {unit!r}")
    return apply(opdef("Substr"), (string_operand(input, "substr"),),
                 {"pos": int(pos), "len": int(len), "unit": unit}, name)
