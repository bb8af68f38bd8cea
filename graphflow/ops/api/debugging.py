"""tf.debugging: the assert_* family, rank/shape/dtype assertions, check-numerics mode and device
placement logging.

Value assertions build on the `Assert` op (InvalidArgumentError when it runs: at once when eager,
at Session.run in graphs); rank, dtype and static-shape assertions raise ValueError/TypeError when
the answer is known while the call is made, as TensorFlow does.
"""
from __future__ import annotations

import numpy as np

from ... import context as ctx_mod
from ... import dtypes
from .. import op_hooks
from ..convert import convert_to_tensor, is_tensorlike, pair
from .construct import zeros_like
from .debug import Assert, check_numerics
from .logic import equal, greater, greater_equal, less, less_equal, logical_and, logical_or, not_equal
from .math import abs, add, multiply, subtract
from .reduce import reduce_all
from .shape import rank, shape

_ctx = ctx_mod.context()


def _fail_message(message, text):
    return ((message + "\n") if message else "") + text


def _compare(fn, symbol):
    def check(x, y, message=None, summarize=None, name=None):
        x, y = pair(x, y)
        cond = reduce_all(fn(x, y))
        return Assert(cond, [_fail_message(message, f"Condition x {symbol} y did not hold."),
                             "x (shape", shape(x), ") =", x, "y (shape", shape(y), ") =", y], summarize)
    check.__doc__ = f"Raise InvalidArgumentError unless x {symbol} y elementwise (None when eager, the op in graphs)."
    return check


assert_none_equal = _compare(not_equal, "!=")
assert_less = _compare(less, "<")
assert_less_equal = _compare(less_equal, "<=")
assert_greater = _compare(greater, ">")
assert_greater_equal = _compare(greater_equal, ">=")


def _sign(fn, what):
    def check(x, message=None, summarize=None, name=None):
        x = convert_to_tensor(x)
        cond = reduce_all(fn(x, zeros_like(x)))
        return Assert(cond, [_fail_message(message, f"Condition x {what} did not hold."), "x =", x], summarize)
    check.__doc__ = f"Raise InvalidArgumentError unless every element is {what}."
    return check


assert_positive = _sign(greater, "> 0")
assert_negative = _sign(less, "< 0")
assert_non_negative = _sign(greater_equal, ">= 0")
assert_non_positive = _sign(less_equal, "<= 0")


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """Raise InvalidArgumentError unless |x - y| <= atol + rtol |y| elementwise (float defaults:
    10 eps of the dtype for both)."""
    x, y = pair(x, y)
    eps = np.finfo(x.dtype.np).eps if x.dtype.is_floating else 0
    rtol = convert_to_tensor(10 * eps if rtol is None else rtol, x.dtype)
    atol = convert_to_tensor(10 * eps if atol is None else atol, x.dtype)
    diff = abs(subtract(x, y))
    cond = reduce_all(less_equal(diff, add(atol, multiply(rtol, abs(y)))))
    return Assert(cond, [_fail_message(message, "x and y not equal to tolerance rtol = "), rtol, ", atol = ", atol,
                         "x (shape", shape(x), ") =", x, "y (shape", shape(y), ") =", y], summarize)


def assert_all_finite(x, message, name=None):
    """x, after checking it holds no NaN or Inf (InvalidArgumentError naming `message`)."""
    return check_numerics(x, message)


def assert_integer(x, message=None, name=None):
    """TypeError unless x has an integer dtype."""
    x = convert_to_tensor(x)
    if not x.dtype.is_integer:
        raise TypeError(_fail_message(message, f"Expected integer type, got {x.dtype.name}"))


def assert_type(tensor, tf_type, message=None, name=None):
    """TypeError unless `tensor` has dtype `tf_type`."""
    t = convert_to_tensor(tensor)
    want = dtypes.as_dtype(tf_type)
    if t.dtype is not want:
        raise TypeError(_fail_message(message, f"tensor must be of type {want.name}, got {t.dtype.name}"))


def assert_scalar(tensor, message=None, name=None):
    """The tensor, after checking it is 0-d (ValueError otherwise)."""
    t = convert_to_tensor(tensor)
    if t.shape.rank != 0:
        raise ValueError(_fail_message(message, f"Expected scalar shape, saw shape: {t.shape}."))
    return None if _ctx.eager else t       # TensorFlow returns the checked tensor in graphs only


def _rank_check(x, ok, want, message, summarize):
    x = convert_to_tensor(x)
    r = x.shape.rank
    if r is not None:
        if not ok(r):
            raise ValueError(_fail_message(message, f"Tensor must have rank {want}. Received rank {r}, "
                                                    f"shape {x.shape}"))
        return None
    return Assert(ok(rank(x)), [_fail_message(message, f"Tensor must have rank {want}."), "Received shape:",
                                shape(x)], summarize)


def assert_rank(x, rank, message=None, name=None):  # noqa: A002
    """ValueError (InvalidArgumentError at run time when unknown) unless x has rank `rank`."""
    n = int(rank)
    return _rank_check(x, lambda r: equal(r, n) if is_tensorlike(r) else r == n, n, message, None)


def assert_rank_at_least(x, rank, message=None, name=None):  # noqa: A002
    """Like assert_rank, for rank >= `rank`."""
    n = int(rank)
    return _rank_check(x, lambda r: greater_equal(r, n) if is_tensorlike(r) else r >= n, f"at least {n}",
                       message, None)


def assert_rank_in(x, ranks, message=None, name=None):
    """Like assert_rank, for a rank in `ranks`."""
    ranks = [int(r) for r in ranks]

    def ok(r):
        if not is_tensorlike(r):
            return r in ranks
        out = equal(r, ranks[0])
        for k in ranks[1:]:
            out = logical_or(out, equal(r, k))
        return out
    return _rank_check(x, ok, f"in {ranks}", message, None)


def assert_same_float_dtype(tensors=None, dtype=None):
    """The common float dtype of `tensors` (and `dtype`); ValueError if they differ or are not floats.
    With nothing to compare, float32."""
    found = dtypes.as_dtype(dtype) if dtype is not None else None
    for t in tensors or []:
        if t is None:
            continue
        dt = t.dtype if hasattr(t, "dtype") else convert_to_tensor(t).dtype
        dt = dtypes.as_dtype(dt)
        if found is None:
            found = dt
        elif dt is not found:
            raise ValueError(f"Expected dtype {found.name}, got {dt.name}")
    if found is None:
        return dtypes.float32
    if not found.is_floating:
        raise ValueError(f"Expected floating point type, got {found.name}.")
    return found


def assert_proper_iterable(values):
    """TypeError if `values` is a tensor, an array or a string (iterable, but not a collection of values)."""
    if is_tensorlike(values) or isinstance(values, (np.ndarray, np.generic, str, bytes)):
        raise TypeError(f"Expected argument 'values' to be a 'proper' iterable. Found: {type(values)}")
    if not hasattr(values, "__iter__"):
        raise TypeError(f"Expected argument 'values' to be iterable. Found: {type(values)}")


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Check tensors' shapes against symbolic dimensions: `shapes` is a list of (tensor, dims) where
    dims mixes ints and names; every use of one name must have one size. ValueError when static
    shapes disagree; the Assert op checks what is only known at run time."""
    items = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    sizes: dict = {}
    checks = []
    for t, dims in items:
        t = convert_to_tensor(t)
        dims = list(dims) if not isinstance(dims, str) else [dims]
        if dims and dims[0] in ("...", Ellipsis):
            lead, dims = True, dims[1:]
        else:
            lead = False
        static = t.shape
        if static.rank is not None:
            if (static.rank < len(dims)) if lead else (static.rank != len(dims)):
                raise ValueError(_fail_message(message, f"Specified by tensor {_label(t)} dimension 0. Tensor "
                                               f"{_label(t)} must have rank {len(dims)}. Received rank "
                                               f"{static.rank}, shape {static}"))
        for i, want in enumerate(dims):
            pos = i - len(dims)
            have = static.dims[pos] if static.rank is not None else None
            if isinstance(want, str):
                if want not in sizes:
                    sizes[want] = have if have is not None else shape(t)[pos]
                    continue
                want = sizes[want]
            if have is not None and not is_tensorlike(want):
                if have != int(want):
                    raise ValueError(_fail_message(message, f"Specified by tensor {_label(t)} dimension {pos}. "
                                                   f"Tensor {_label(t)} dimension {pos} must have size {want}. "
                                                   f"Received size {have}, shape {static}"))
            else:
                checks.append(equal(shape(t)[pos], want))
    if not checks:
        return None
    cond = checks[0]
    for c in checks[1:]:
        cond = logical_and(cond, c)
    return Assert(cond, [_fail_message(message, "Shapes do not match the symbolic dimensions.")], summarize)


def _label(t):
    return getattr(t, "name", None) or "input"


def is_numeric_tensor(tensor) -> bool:
    """True for a tensor of a numeric dtype (not bool or string)."""
    return is_tensorlike(tensor) and tensor.dtype.name in {
        "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8"}


def enable_check_numerics(stack_height_limit=30, path_length_limit=50):
    """From now on every op with a float output fails with InvalidArgumentError when that output
    holds NaN or Inf (eagerly when it runs; in graphs built from now on, when the check runs)."""
    op_hooks.set_check_numerics(True)


def disable_check_numerics():
    """Stop the checks enable_check_numerics started."""
    op_hooks.set_check_numerics(False)


def set_log_device_placement(enabled):
    """Print the device of every eagerly executed op ("Executing op Add in device ...")."""
    op_hooks.set_log_device_placement(bool(enabled))


def get_log_device_placement() -> bool:
    """Whether set_log_device_placement is on."""
    return op_hooks.log_device_placement()

