"""Debugging ops: gf.print, check_numerics, assert_equal, Assert (stateful, so never folded or pruned)."""
from __future__ import annotations

import sys

import numpy as np

from ..errors import InvalidArgumentError
from ..shapes import TensorShape
from .infer import NUMERIC
from .registry import STATEFUL, OpDef, Spec, register


def _print_infer(*specs, template, sep=" ", end="\n", stream="stderr", summarize=3):
    return []


def _format_value(v, summarize):
    return np.array2string(np.asarray(v), separator=" ", threshold=max(2 * summarize, 6),
                           edgeitems=summarize) if np.ndim(v) else str(np.asarray(v)[()])


def _print(*arrays, template, sep=" ", end="\n", stream="stderr", summarize=3):
    """`template` holds the Python (non-tensor) parts with None where a tensor goes."""
    values = iter(arrays)
    parts = [(_format_value(next(values), summarize) if t is None else str(t)) for t in template]
    out = sys.stdout if stream == "stdout" else sys.stderr
    print(*parts, sep=sep, end=end, file=out)
    return ()


register(OpDef("PrintV2", _print_infer, _print, kind=STATEFUL, stateful=True, num_outputs=0, differentiable=False))


def _check_infer(x, message):
    return [x]


def _check_numerics(x, message):
    if not np.all(np.isfinite(x)):
        what = "NaN" if np.isnan(x).any() else "Inf"
        raise InvalidArgumentError(None, None, f"{message} : Tensor had {what} values")
    return x


register(OpDef("CheckNumerics", _check_infer, _check_numerics, stateful=True, allowed=NUMERIC))


def _assert_infer(x, y, message, summarize=3):
    return []


def _assert_equal(x, y, message, summarize=3):
    if not np.all(np.equal(x, y)):
        raise InvalidArgumentError(None, None, f"{message}Condition x == y did not hold. x = "
                                   f"{_format_value(x, summarize)}, y = {_format_value(y, summarize)}")
    return ()


register(OpDef("AssertEqual", _assert_infer, _assert_equal, stateful=True, num_outputs=0, differentiable=False))


def _assert_condition_infer(condition, *data, template, summarize=3):
    if condition.dtype.name != "bool":
        raise TypeError(f"Assert: the condition must be a bool tensor, got {condition.dtype.name}")
    return []


def _assert_condition(condition, *data, template, summarize=3):
    """`template` holds the Python parts of the data with None where a tensor goes."""
    if np.all(condition):
        return ()
    values = iter(data)
    parts = [_format_value(next(values), summarize) if t is None else str(t) for t in template]
    raise InvalidArgumentError(None, None, "assertion failed: " + " ".join(f"[{p}]" for p in parts))


register(OpDef("Assert", _assert_condition_infer, _assert_condition, stateful=True, num_outputs=0,
               differentiable=False))
_ = (TensorShape, Spec)
