"""Comparisons and logic: gf.equal, gf.less, gf.logical_and, gf.where, and the `& | ^ ~` operators."""
from __future__ import annotations

import numpy as np

from ... import context as ctx_mod
from ..convert import convert_to_tensor, pair
from ..dispatch import apply
from .construct import constant
from .math import logical_not, negative, subtract
from .op_call import argument_error, binary, opdef

_ctx = ctx_mod.context()


def equal(x, y, name=None):
    return binary("Equal", x, y, name)


def not_equal(x, y, name=None):
    return binary("NotEqual", x, y, name)


def less(x, y, name=None):
    return binary("Less", x, y, name)


def less_equal(x, y, name=None):
    return binary("LessEqual", x, y, name)


def greater(x, y, name=None):
    return binary("Greater", x, y, name)


def greater_equal(x, y, name=None):
    return binary("GreaterEqual", x, y, name)


def logical_and(x, y, name=None):
    return binary("LogicalAnd", x, y, name)


def logical_or(x, y, name=None):
    return binary("LogicalOr", x, y, name)


def logical_xor(x, y, name=None):
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name)


def logical_and_or_bitwise(kind, x, y):
    """`&`, `|`, `^`: logical on bool tensors, bitwise on integer tensors (as TensorFlow)."""
    x, y = pair(x, y)
    if x.dtype.is_bool:
        if kind == "xor":
            return logical_xor(x, y)
        return apply(opdef("LogicalAnd" if kind == "and" else "LogicalOr"), (x, y), {})
    return apply(opdef({"and": "BitwiseAnd", "or": "BitwiseOr", "xor": "BitwiseXor"}[kind]), (x, y), {})


def invert(x):
    x = convert_to_tensor(x)
    if x.dtype.is_bool:
        return logical_not(x)
    if not x.dtype.is_integer:
        raise argument_error("Invert", f"~ needs a bool or integer tensor, got {x.dtype.name}", TypeError)
    return subtract(negative(x), 1)


def where(condition, x=None, y=None, name=None):
    """3-argument where selects elementwise with broadcasting; 1-argument returns indices."""
    condition = convert_to_tensor(condition)
    if x is None and y is None:
        return apply(opdef("Where"), (condition,), {}, name)
    x, y = pair(x, y)
    return apply(opdef("Select"), (condition, x, y), {}, name)


def compare(fn, x, y):
    """`==`/`!=` as TF2: elementwise, but None or shapes that cannot broadcast compare as a
    scalar (False for ==, True for !=) rather than raising."""
    if y is None:
        return fn == "not_equal"
    xs, ys = x.shape, getattr(y, "shape", None)
    if ys is None:
        ys = np.shape(y)
    if not _broadcastable(xs, ys):
        return constant(fn == "not_equal")
    return (equal if fn == "equal" else not_equal)(x, y)


def _broadcastable(a, b) -> bool:
    a = getattr(a, "dims", a)
    b = getattr(b, "dims", b)
    if a is None or b is None:
        return True
    return all(p == q or p in (1, None) or q in (1, None) for p, q in zip(reversed(a), reversed(b)))
