"""tf.math beyond the basics: trigonometry, special functions, the *_no_nan and xlogy families, and
the composites TensorFlow writes from primitives (log_sigmoid, lbeta, polyval, reduce_std, ...).

One op each for the ops of graphflow/ops/special_math.py; the rest are short compositions, so
they differentiate and fuse like their parts.
"""
from __future__ import annotations

import math as _math

from ... import dtypes
from .. import complex_math as _complex_math_ops  # noqa: F401  (declares the ops)
from .. import special_math as _special_math_ops  # noqa: F401  (declares the ops)
from ..convert import convert_to_tensor, is_tensorlike, pair
from ..dispatch import apply
from .construct import constant, fill, ones_like, zeros_like
from .logic import equal, less, logical_and, logical_not, logical_or, not_equal, where
from .math import (
    abs,
    add,
    add_n,
    cast,
    divide,
    is_finite,
    is_nan,
    multiply,
    negative,
    round,
    softplus,
    sqrt,
    square,
    subtract,
)
from .op_call import binary, opdef, unary
from .reduce import reduce_all, reduce_mean, reduce_sum
from .shape import reshape, shape


def _unary_fn(op_name, doc):
    def fn(x, name=None):
        return unary(op_name, x, name)
    fn.__doc__ = doc
    return fn


def _binary_fn(op_name, doc):
    def fn(x, y, name=None):
        return binary(op_name, x, y, name)
    fn.__doc__ = doc
    return fn


tan = _unary_fn("Tan", "Elementwise tangent.")
asin = _unary_fn("Asin", "Elementwise arcsine (NaN outside [-1, 1]).")
acos = _unary_fn("Acos", "Elementwise arccosine (NaN outside [-1, 1]).")
atan = _unary_fn("Atan", "Elementwise arctangent.")
sinh = _unary_fn("Sinh", "Elementwise hyperbolic sine.")
cosh = _unary_fn("Cosh", "Elementwise hyperbolic cosine.")
asinh = _unary_fn("Asinh", "Elementwise inverse hyperbolic sine.")
acosh = _unary_fn("Acosh", "Elementwise inverse hyperbolic cosine (NaN below 1).")
atanh = _unary_fn("Atanh", "Elementwise inverse hyperbolic tangent.")
erfc = _unary_fn("Erfc", "Complementary error function 1 - erf(x), accurate where erf(x) is near 1.")
lgamma = _unary_fn("Lgamma", "log |Gamma(x)|.")
digamma = _unary_fn("Digamma", "The derivative of lgamma.")
erfinv = _unary_fn("Erfinv", "Inverse of erf on (-1, 1).")
ndtri = _unary_fn("Ndtri", "Inverse of the standard normal CDF on (0, 1).")
bessel_i0 = _unary_fn("BesselI0", "Modified Bessel function of the first kind, order 0.")
bessel_i1 = _unary_fn("BesselI1", "Modified Bessel function of the first kind, order 1.")
bessel_i0e = _unary_fn("BesselI0e", "exp(-|x|) I0(x), which does not overflow.")
bessel_i1e = _unary_fn("BesselI1e", "exp(-|x|) I1(x), which does not overflow.")
atan2 = _binary_fn("Atan2", "atan(y / x) with the quadrant of (x, y); arguments are (y, x).")
xlogy = _binary_fn("Xlogy", "x * log(y), and 0 where x is 0 (even if y is 0).")
xlog1py = _binary_fn("Xlog1py", "x * log1p(y), and 0 where x is 0.")
xdivy = _binary_fn("Xdivy", "x / y, and 0 where x is 0.")
nextafter = _binary_fn("NextAfter", "The next representable value after x1 towards x2.")
igamma = _binary_fn("Igamma", "The regularized lower incomplete gamma function P(a, x).")
igammac = _binary_fn("Igammac", "The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x).")
zeta = _binary_fn("Zeta", "The Hurwitz zeta function zeta(x, q).")
polygamma = _binary_fn("Polygamma", "The n-th derivative of digamma; a and x are floats of one dtype.")
truncatediv = _binary_fn("TruncateDiv", "x / y rounded toward zero (C-style division).")
truncatemod = _binary_fn("TruncateMod", "The remainder of truncatediv: the sign of x, like C's fmod.")


def betainc(a, b, x, name=None):
    """The regularized incomplete beta function I_x(a, b)."""
    a, b, x = convert_to_tensor(a), convert_to_tensor(b), convert_to_tensor(x)
    return apply(opdef("Betainc"), (a, b, x), {}, name)


def erfcinv(x, name=None):
    """Inverse of erfc on (0, 2): -ndtri(x / 2) / sqrt(2), as TensorFlow writes it."""
    x = convert_to_tensor(x)
    return multiply(ndtri(multiply(x, 0.5)), -1 / _math.sqrt(2.0))


def rint(x, name=None):
    """Round half to even (TensorFlow's rint and round agree on floats)."""
    return round(x, name)


def is_inf(x, name=None):
    """True where x is +inf or -inf."""
    x = convert_to_tensor(x)
    return logical_and(logical_not(is_finite(x)), logical_not(is_nan(x)))


def log_sigmoid(x, name=None):
    """log(sigmoid(x)) = -softplus(-x), stable for large |x|."""
    return negative(softplus(negative(convert_to_tensor(x))))


def softsign(features, name=None):
    """x / (1 + |x|)."""
    x = convert_to_tensor(features)
    return divide(x, add(abs(x), ones_like(x)))


def divide_no_nan(x, y, name=None):
    """x / y, and 0 where y is 0 (even if x is 0, inf or NaN)."""
    x, y = pair(x, y)
    zero = equal(y, zeros_like(y))
    safe = where(zero, ones_like(y), y)
    q = divide(x, safe)
    return where(zero, zeros_like(q), q)


def sign(x, name=None):
    """Elementwise sign: -1, 0 or 1; for complex x, x / |x| and 0 at 0, composed of divide_no_nan and
    abs as TensorFlow's tf.math.sign is, so that its gradient is TensorFlow's (not the Sign op's 0)."""
    x = convert_to_tensor(x)
    if x.dtype.is_complex:
        return divide_no_nan(x, cast(abs(x), x.dtype))
    return unary("Sign", x, name)


def multiply_no_nan(x, y, name=None):
    """x * y, and 0 where y is 0 (even if x is inf or NaN)."""
    return binary("MulNoNan", x, y, name)


def reciprocal_no_nan(x, name=None):
    """1 / x, and 0 where x is 0."""
    x = convert_to_tensor(x)
    return divide_no_nan(ones_like(x), x)


def scalar_mul(scalar, x, name=None):
    """scalar * x, where `scalar` must be a 0-d value."""
    s = convert_to_tensor(scalar, dtype_hint=x.dtype if is_tensorlike(x) else None)
    if s.shape.rank not in (None, 0):
        raise ValueError(f"scalar_mul: the scalar must be 0-d, got shape {s.shape}")
    return multiply(s, x)


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """The elementwise sum of a list of tensors (add_n; TensorFlow deprecates accumulate_n for it)."""
    return add_n(inputs)


def complex(real, imag, name=None):  # noqa: A001  (TensorFlow's name)
    """real + imag * 1j: complex64 from float32 parts, complex128 from float64 (broadcast)."""
    real, imag = pair(real, imag)
    if real.dtype is not imag.dtype:     # TF's wrapper says so before any op exists
        raise TypeError(f"complex: the real and imag components have incorrect types: {real.dtype.name} "
                        f"{imag.dtype.name}. They must be consistent, and one of [float32, float64]")
    return apply(opdef("Complex"), (real, imag), {}, name)


def _complex_or_real(fn_complex, fn_real):
    """A tf.math function that runs op `fn_complex` on complex tensors and `fn_real` on the others."""
    def fn(input, name=None):  # noqa: A002
        x = convert_to_tensor(input)
        return unary(fn_complex, x, name) if x.dtype.is_complex else fn_real(x)
    return fn


def _angle_of_real(x):
    """pi where a real x is negative, else 0."""
    return where(less(x, zeros_like(x)), fill(shape(x), constant(_math.pi, x.dtype)), zeros_like(x))


real = _complex_or_real("Real", lambda x: x)
real.__doc__ = "The real part (float32 for complex64); a real tensor is its own real part."
imag = _complex_or_real("Imag", zeros_like)
imag.__doc__ = "The imaginary part (float32 for complex64); zeros for a real tensor."
conj = _complex_or_real("Conj", lambda x: x)
conj.__doc__ = "The complex conjugate; a real tensor is its own."
angle = _complex_or_real("Angle", _angle_of_real)
angle.__doc__ = "The argument atan2(imag, real); for a real tensor pi where it is negative, else 0."


def lbeta(x, name=None):
    """log |B(x)| over the last axis: sum(lgamma(x)) - lgamma(sum(x)); an empty axis gives 0."""
    x = convert_to_tensor(x)
    return subtract(reduce_sum(lgamma(x), -1), lgamma(reduce_sum(x, -1)))


def polyval(coeffs, x, name=None):
    """coeffs[0] x^(n-1) + ... + coeffs[n-1], by Horner's rule; an empty list gives 0."""
    x = convert_to_tensor(x)
    if not isinstance(coeffs, (list, tuple)):
        raise ValueError("polyval: coeffs must be a list of tensors")
    if not coeffs:
        return zeros_like(x)
    out = convert_to_tensor(coeffs[0], dtype_hint=x.dtype)
    for c in coeffs[1:]:
        out = add(multiply(out, x), convert_to_tensor(c, dtype_hint=x.dtype))
    return out


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """mean(|x - mean(x)|^2) over `axis` (float inputs)."""
    x = convert_to_tensor(input_tensor)
    if not x.dtype.is_floating:
        raise TypeError(f"reduce_variance: input must be a float tensor, got {x.dtype.name}")
    mean = reduce_mean(x, axis, keepdims=True)
    return reduce_mean(square(subtract(x, mean)), axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(reduce_variance)."""
    return sqrt(reduce_variance(input_tensor, axis, keepdims))


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(sum(x^2)) over `axis`; integer inputs give integers (truncated), as in TensorFlow."""
    x = convert_to_tensor(input_tensor)
    if x.dtype.is_floating:
        return sqrt(reduce_sum(square(x), axis, keepdims))
    wide = cast(x, dtypes.float64)
    return cast(sqrt(reduce_sum(square(wide), axis, keepdims)), x.dtype)


def count_nonzero(input, axis=None, keepdims=None, dtype=dtypes.int64, name=None):  # noqa: A002
    """The number of non-zero elements over `axis` (False, 0 and 0.0 are zero)."""
    x = convert_to_tensor(input)
    nz = not_equal(x, zeros_like(x)) if x.dtype is not dtypes.bool_ else x
    return cast(reduce_sum(cast(nz, dtypes.int64), axis, bool(keepdims)), dtypes.as_dtype(dtype))


def zero_fraction(value, name=None):
    """The fraction of zeros in `value`, as a float32 scalar."""
    x = convert_to_tensor(value)
    return reduce_mean(cast(equal(x, zeros_like(x)), dtypes.float32))


def _flat_pairs(x):
    flat = reshape(convert_to_tensor(x), [-1])
    return flat[:-1], flat[1:]


def is_non_decreasing(x, name=None):
    """True when every element (in row-major order) is >= the one before."""
    a, b = _flat_pairs(x)
    return reduce_all(logical_or(less(a, b), equal(a, b)))


def is_strictly_increasing(x, name=None):
    """True when every element (in row-major order) is > the one before."""
    a, b = _flat_pairs(x)
    return reduce_all(less(a, b))


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x^2), epsilon)) over `axis`."""
    from .math import maximum, rsqrt
    x = convert_to_tensor(x)
    axis = dim if axis is None else axis
    ss = reduce_sum(square(x), axis, keepdims=True)
    return multiply(x, rsqrt(maximum(ss, constant(epsilon, x.dtype))))

