"""Elementwise math: gf.add, gf.exp, gf.cast, ... (one op each, or a short composite)."""
from __future__ import annotations

from ... import context as ctx_mod
from ... import dtypes
from ...errors import InvalidArgumentError
from ..convert import convert_to_tensor, is_tensorlike, pair, string_operand
from ..dispatch import apply
from .op_call import argument_error, binary, opdef, unary

_ctx = ctx_mod.context()


def _is_text(x) -> bool:
    return isinstance(x, (str, bytes)) or getattr(x, "dtype", None) is dtypes.string


def add(x, y, name=None):
    if _is_text(x) or _is_text(y):
        # TensorFlow's Add concatenates strings elementwise: the StringJoin op, with broadcasting
        if not (_is_text(x) and _is_text(y)) and _ctx.eager:
            other = y if _is_text(x) else x
            raise InvalidArgumentError(None, "Add", f"Add: cannot add a string tensor and a "
                                       f"{getattr(other, 'dtype', type(other).__name__)!s} value")
        parts = (string_operand(x, "Add"), string_operand(y, "Add"))
        return apply(opdef("StringJoin"), parts, {"separator": b""}, name)
    try:
        return binary("Add", x, y, name)
    except TypeError as e:
        # TF: eagerly, an int tensor + 2.5 fails in AddV2 (InvalidArgumentError), not in conversion
        if _ctx.eager and not (is_tensorlike(x) and is_tensorlike(y)):
            raise InvalidArgumentError(None, "AddV2", f"AddV2: {e}") from None
        raise


def subtract(x, y, name=None):
    return binary("Sub", x, y, name)


def multiply(x, y, name=None):
    return binary("Mul", x, y, name)


def truediv(x, y, name=None):
    """x / y; integer inputs are divided as floats (float64 for 32/64-bit ints), as in TF."""
    x, y = pair(x, y)
    if x.dtype is not y.dtype:
        raise TypeError(f"truediv: x and y must have the same dtype, got {x.dtype.name} != {y.dtype.name}")
    if x.dtype.is_integer:
        target = dtypes.float32 if x.dtype.size <= 2 else dtypes.float64
        x, y = cast(x, target), cast(y, target)
    return apply(opdef("RealDiv"), (x, y), {}, name)


def divide(x, y, name=None):
    return truediv(x, y, name)


def realdiv(x, y, name=None):
    return binary("RealDiv", x, y, name)


def floordiv(x, y, name=None):
    return binary("FloorDiv", x, y, name)


floor_div = floordiv


def mod(x, y, name=None):
    return binary("FloorMod", x, y, name)


floormod = mod


def pow(x, y, name=None):  # noqa: A001  (TensorFlow's name)
    return binary("Pow", x, y, name)


def maximum(x, y, name=None):
    return binary("Maximum", x, y, name)


def minimum(x, y, name=None):
    return binary("Minimum", x, y, name)


def squared_difference(x, y, name=None):
    return binary("SquaredDifference", x, y, name)


def negative(x, name=None):
    return unary("Neg", x, name)


def abs(x, name=None):  # noqa: A001
    """|x|; for complex x the modulus, a float tensor (ComplexAbs), as in TensorFlow."""
    dt = getattr(x, "dtype", None)
    if not isinstance(dt, dtypes.DType):      # a Python or numpy value
        x = convert_to_tensor(x)
        dt = x.dtype
    if dt.is_complex:
        return unary("ComplexAbs", x, name)
    return unary("Abs", x, name)


def _make_unary(op_name, doc):
    def fn(x, name=None):
        return unary(op_name, x, name)
    fn.__doc__ = doc
    return fn


exp = _make_unary("Exp", "Elementwise e**x.")
expm1 = _make_unary("Expm1", "Elementwise e**x - 1, accurate near 0.")
log = _make_unary("Log", "Elementwise natural logarithm.")
log1p = _make_unary("Log1p", "Elementwise log(1 + x), accurate near 0.")
sqrt = _make_unary("Sqrt", "Elementwise square root.")
rsqrt = _make_unary("Rsqrt", "Elementwise 1 / sqrt(x).")
square = _make_unary("Square", "Elementwise x * x.")
sin = _make_unary("Sin", "Elementwise sine.")
cos = _make_unary("Cos", "Elementwise cosine.")
tanh = _make_unary("Tanh", "Elementwise hyperbolic tangent.")
sigmoid = _make_unary("Sigmoid", "Elementwise 1 / (1 + exp(-x)).")
erf = _make_unary("Erf", "Elementwise Gauss error function.")
floor = _make_unary("Floor", "Elementwise floor.")
ceil = _make_unary("Ceil", "Elementwise ceiling.")
_round = _make_unary("Round", "Elementwise rounding, half to even (banker's rounding), as TensorFlow.")


def round(x, name=None):  # noqa: A001
    """Elementwise rounding, half to even (banker's rounding); integers are returned as they are."""
    x = convert_to_tensor(x)
    return x if x.dtype.is_integer else _round(x, name)


reciprocal = _make_unary("Reciprocal", "Elementwise 1 / x.")
softplus = _make_unary("Softplus", "Elementwise log(1 + exp(x)), computed stably.")
is_nan = _make_unary("IsNan", "Elementwise NaN test.")
is_finite = _make_unary("IsFinite", "Elementwise finiteness test.")
logical_not = _make_unary("LogicalNot", "Elementwise boolean not.")
identity = _make_unary("Identity", "Return a tensor with the same value.")
stop_gradient = _make_unary("StopGradient", "Identity in the forward pass; blocks gradients.")
relu = _make_unary("Relu", "max(x, 0).")


def add_n(inputs, name=None):
    """Sum a list of same-shaped tensors."""
    if not inputs:
        raise ValueError("add_n: inputs must be a non-empty list of tensors")
    tensors = [convert_to_tensor(t) for t in inputs]
    for t in tensors[1:]:
        if t.dtype is not tensors[0].dtype:
            raise argument_error("AddN", f"all inputs must have the same dtype, got "
                           f"{', '.join(u.dtype.name for u in tensors)}", TypeError)
        if not t.shape.is_compatible_with(tensors[0].shape):
            raise argument_error("AddN", f"all inputs must have the same shape, got "
                           f"{', '.join(str(u.shape) for u in tensors)}")
    out = tensors[0]
    for t in tensors[1:]:
        out = add(out, t)
    return out if len(tensors) > 1 else identity(out)


def cast(x, dtype, name=None):
    dtype = dtypes.as_dtype(dtype)
    if hasattr(x, "with_values") and hasattr(x, "dense_shape"):       # a SparseTensor: its values
        return x.with_values(cast(x.values, dtype, name))
    x = convert_to_tensor(x)
    if x.dtype is dtype:
        return x
    if dtypes.string in (x.dtype, dtype):   # strings hold serialized summaries, never numbers
        raise TypeError(f"Cast: casting {x.dtype.name} to {dtype.name} is not supported "
                        f"(TensorFlow raises UnimplementedError)")
    if x.dtype.is_complex and not dtype.is_complex:     # as TF: the imaginary part is dropped (bool too)
        x = apply(opdef("Real"), (x,), {})
        if x.dtype is dtype:
            return x if name is None else identity(x, name)
    return apply(opdef("Cast"), (x,), {"dtype": dtype}, name)


def saturate_cast(x, dtype, name=None):
    return cast(clip_by_value(x, dtypes.as_dtype(dtype).min, dtypes.as_dtype(dtype).max), dtype, name)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """max(min(t, clip_value_max), clip_value_min): with min > max, every value becomes min (as TF)."""
    x = convert_to_tensor(t)
    return maximum(minimum(x, clip_value_max), clip_value_min, name)
