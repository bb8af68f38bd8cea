"""Elementwise math beyond the basics: inverse and hyperbolic trigonometry, the gamma family,
Bessel functions, xlogy-style products, nextafter, truncating division.

Each op is one OpDef with a numpy (or scipy.special, an optional dependency loaded on first use)
reference kernel and TensorFlow's gradient, written with public ops. They have no scalar
expression, so the fuser leaves them alone and compiled plans call the same kernel.
"""
from __future__ import annotations

import math

import numpy as np

from . import api as gf
from . import infer as inf
from .dispatch import apply
from .registry import ELEMENTWISE, OpDef, get, register, set_gradient

F, N = inf.FLOATS, inf.NUMERIC


def _special():
    try:
        import scipy.special
    except ImportError as e:     # pragma: no cover - scipy is in the `special` and `test` extras
        raise ImportError("this op needs scipy: pip install 'graphflow[special]'") from e
    return scipy.special


def _keep_dtype(fn):
    """Run `fn` in float64 (float16 has no scipy loops) and return the input's dtype."""
    def kernel(*xs):
        with np.errstate(all="ignore"):
            out = fn(*[np.asarray(x, np.float64) if x.dtype == np.float16 else x for x in xs])
        return np.asarray(out, dtype=xs[-1].dtype)
    return kernel


def _scipy(name):
    return _keep_dtype(lambda *xs: getattr(_special(), name)(*xs))


def _op(name, kernel, nin, allowed=F, differentiable=True):
    return register(OpDef(name, inf.elementwise, kernel, kind=ELEMENTWISE, allowed=allowed, same_dtype=nin > 1,
                          check_in_eager=True, differentiable=differentiable))


for _name, _kernel in (("Tan", np.tan), ("Asin", np.arcsin), ("Acos", np.arccos), ("Atan", np.arctan),
                       ("Sinh", np.sinh), ("Cosh", np.cosh), ("Asinh", np.arcsinh), ("Acosh", np.arccosh),
                       ("Atanh", np.arctanh), ("Erfc", _scipy("erfc")), ("Lgamma", _scipy("gammaln")),
                       ("Digamma", _scipy("psi")), ("Erfinv", _scipy("erfinv")), ("Ndtri", _scipy("ndtri")),
                       ("BesselI0", _scipy("i0")), ("BesselI1", _scipy("i1")), ("BesselI0e", _scipy("i0e")),
                       ("BesselI1e", _scipy("i1e"))):
    _op(_name, _keep_dtype(_kernel), 1)


def _xlogy(x, y):
    return np.where(x == 0, 0, x * np.log(y))


def _xlog1py(x, y):
    return np.where(x == 0, 0, x * np.log1p(y))


def _xdivy(x, y):
    return np.where(x == 0, 0, x / y)


def _mul_no_nan(x, y):
    return np.where(y == 0, 0, x * y)


def _igamma_grad_a(a, x):
    """d/da of the regularized lower incomplete gamma P(a, x). scipy has no closed form, so: central
    differences in float64 refined twice by Richardson extrapolation (error ~1e-12, below float64's
    test tolerance and far below float32's)."""
    sp = _special()
    a64, x64 = a.astype(np.float64), x.astype(np.float64)
    h = np.minimum(1e-2 * np.maximum(1.0, np.abs(a64)), np.abs(a64) / 4)

    def d(step):
        return (sp.gammainc(a64 + step, x64) - sp.gammainc(a64 - step, x64)) / (2 * step)
    d1, d2, d4 = d(h), d(h / 2), d(h / 4)
    r1, r2 = (4 * d2 - d1) / 3, (4 * d4 - d2) / 3
    return ((16 * r2 - r1) / 15).astype(a.dtype)


def _truncatediv(x, y):
    if x.dtype.kind in "iu":
        if not np.all(y):
            raise ZeroDivisionError("Integer division by zero")
        q = np.abs(x) // np.abs(y)
        return (np.sign(x) * np.sign(y) * q).astype(x.dtype)
    return np.trunc(x / y)


def _truncatemod(x, y):
    if x.dtype.kind in "iu" and not np.all(y):
        raise ZeroDivisionError("Integer division by zero")
    return np.fmod(x, y)


_op("Atan2", _keep_dtype(np.arctan2), 2)
_op("Xlogy", _keep_dtype(_xlogy), 2)
_op("Xlog1py", _keep_dtype(_xlog1py), 2)
_op("Xdivy", _keep_dtype(_xdivy), 2)
_op("MulNoNan", _keep_dtype(_mul_no_nan), 2)
_op("NextAfter", _keep_dtype(np.nextafter), 2)
_op("Igamma", _scipy("gammainc"), 2)
_op("Igammac", _scipy("gammaincc"), 2)
_op("IgammaGradA", _keep_dtype(_igamma_grad_a), 2, differentiable=False)
_op("Zeta", _scipy("zeta"), 2)
_op("Polygamma", _keep_dtype(lambda n, x: _special().polygamma(n, x)), 2)
_op("Betainc", _scipy("betainc"), 3)
_op("TruncateDiv", _truncatediv, 2, allowed=N, differentiable=False)
_op("TruncateMod", _truncatemod, 2, allowed=N, differentiable=False)


def _call(name, *xs):
    return apply(get(name), tuple(xs), {})


# ---- gradients (TensorFlow's formulas) ----------------------------------------------------------------

def _unary_grad(name, dydx):
    set_gradient(name)(lambda op, g: (gf.multiply(g, dydx(op.inputs[0], op.outputs[0])),))


def _one_minus_square(x):
    return gf.subtract(gf.ones_like(x), gf.square(x))


_unary_grad("Tan", lambda x, y: gf.add(gf.ones_like(y), gf.square(y)))
_unary_grad("Asin", lambda x, y: gf.rsqrt(_one_minus_square(x)))
_unary_grad("Acos", lambda x, y: gf.negative(gf.rsqrt(_one_minus_square(x))))
_unary_grad("Atan", lambda x, y: gf.reciprocal(gf.add(gf.ones_like(x), gf.square(x))))
_unary_grad("Sinh", lambda x, y: gf.cosh(x))
_unary_grad("Cosh", lambda x, y: gf.sinh(x))
_unary_grad("Asinh", lambda x, y: gf.reciprocal(gf.cosh(y)))
_unary_grad("Acosh", lambda x, y: gf.reciprocal(gf.sinh(y)))
_unary_grad("Atanh", lambda x, y: gf.reciprocal(_one_minus_square(x)))
_unary_grad("Erfc", lambda x, y: gf.multiply(gf.exp(gf.negative(gf.square(x))), -2 / math.sqrt(math.pi)))
_unary_grad("Lgamma", lambda x, y: gf.digamma(x))
_unary_grad("Digamma", lambda x, y: gf.polygamma(gf.ones_like(x), x))
_unary_grad("Erfinv", lambda x, y: gf.multiply(gf.exp(gf.square(y)), math.sqrt(math.pi) / 2))
_unary_grad("Ndtri", lambda x, y: gf.multiply(gf.exp(gf.multiply(gf.square(y), 0.5)), math.sqrt(2 * math.pi)))
_unary_grad("BesselI0", lambda x, y: gf.bessel_i1(x))
_unary_grad("BesselI0e", lambda x, y: gf.subtract(gf.bessel_i1e(x), gf.multiply(gf.sign(x), y)))


def _i1_ratio(x, y):
    """y / x, taken as its limit 1/2 at x = 0 (I1(x) ~ x/2)."""
    zero = gf.equal(x, gf.zeros_like(x))
    safe = gf.where(zero, gf.ones_like(x), x)
    return gf.where(zero, gf.fill(gf.shape(x), gf.constant(0.5, x.dtype)), gf.realdiv(y, safe)), zero


def _bessel_i1_grad(op, g):
    x, y = op.inputs[0], op.outputs[0]
    ratio, zero = _i1_ratio(x, y)
    # TensorFlow imputes 1 at x = 0 (the limit of I0(x) - I1(x)/x is 1/2; we copy TensorFlow)
    d = gf.where(zero, gf.ones_like(x), gf.subtract(gf.bessel_i0(x), ratio))
    return (gf.multiply(g, d),)


def _bessel_i1e_grad(op, g):
    x, y = op.inputs[0], op.outputs[0]
    ratio, zero = _i1_ratio(x, y)
    d = gf.where(zero, ratio, gf.subtract(gf.bessel_i0e(x), gf.add(gf.multiply(y, gf.sign(x)), ratio)))
    return (gf.multiply(g, d),)


set_gradient("BesselI1")(_bessel_i1_grad)
set_gradient("BesselI1e")(_bessel_i1e_grad)


def _both(op, dx, dy):
    from .grad_ops import reduce_to
    x, y = op.inputs[:2]
    return reduce_to(dx, x, y), reduce_to(dy, y, x)


def _nonzero(x):
    return gf.cast(gf.not_equal(x, gf.zeros_like(x)), x.dtype)


@set_gradient("MulNoNan")
def _mul_no_nan_grad(op, g):
    x, y = op.inputs
    return _both(op, gf.multiply_no_nan(g, y), gf.multiply_no_nan(x, g))


@set_gradient("NextAfter")
def _nextafter_grad(op, g):
    """TensorFlow passes the gradient to x1 unchanged and gives x2 zeros."""
    return _both(op, g, gf.zeros_like(g))


@set_gradient("Atan2")
def _atan2_grad(op, g):
    y, x = op.inputs
    scale = gf.realdiv(g, gf.add(gf.square(x), gf.square(y)))
    return _both(op, gf.multiply(x, scale), gf.negative(gf.multiply(y, scale)))


@set_gradient("Xlogy")
def _xlogy_grad(op, g):
    x, y = op.inputs
    return _both(op, gf.multiply(g, gf.xlogy(_nonzero(x), y)), gf.multiply(g, gf.xdivy(x, y)))


@set_gradient("Xlog1py")
def _xlog1py_grad(op, g):
    x, y = op.inputs
    return _both(op, gf.multiply(g, gf.xlog1py(_nonzero(x), y)),
                 gf.multiply(g, gf.xdivy(x, gf.add(y, gf.ones_like(y)))))


@set_gradient("Xdivy")
def _xdivy_grad(op, g):
    x, y = op.inputs
    return _both(op, gf.multiply(g, gf.xdivy(_nonzero(x), y)),
                 gf.multiply(g, gf.xdivy(gf.negative(x), gf.square(y))))


def _igamma_dx(a, x):
    """d/dx P(a, x) = exp(-x + (a - 1) log x - lgamma(a))."""
    return gf.exp(gf.subtract(gf.subtract(gf.xlogy(gf.subtract(a, gf.ones_like(a)), x), x), gf.lgamma(a)))


@set_gradient("Igamma")
def _igamma_grad(op, g):
    a, x = op.inputs
    return _both(op, gf.multiply(g, _call("IgammaGradA", a, x)), gf.multiply(g, _igamma_dx(a, x)))


@set_gradient("Igammac")
def _igammac_grad(op, g):
    a, x = op.inputs
    return _both(op, gf.negative(gf.multiply(g, _call("IgammaGradA", a, x))),
                 gf.negative(gf.multiply(g, _igamma_dx(a, x))))


@set_gradient("Zeta")
def _zeta_grad(op, g):
    """TensorFlow differentiates zeta(x, q) in q only: -x zeta(x + 1, q)."""
    x, q = op.inputs
    dq = gf.negative(gf.multiply(x, gf.zeta(gf.add(x, gf.ones_like(x)), q)))
    return None, _both(op, g, gf.multiply(g, dq))[1]


@set_gradient("Polygamma")
def _polygamma_grad(op, g):
    """TensorFlow differentiates polygamma(n, x) in x only."""
    n, x = op.inputs
    return None, _both(op, g, gf.multiply(g, gf.polygamma(gf.add(n, gf.ones_like(n)), x)))[1]


@set_gradient("Betainc")
def _betainc_grad(op, g):
    """TensorFlow differentiates I_x(a, b) in x only: x^(a-1) (1-x)^(b-1) / B(a, b)."""
    from .grad_ops import reduce_to
    a, b, x = op.inputs
    log_beta = gf.subtract(gf.add(gf.lgamma(a), gf.lgamma(b)), gf.lgamma(gf.add(a, b)))
    log_d = gf.subtract(gf.add(gf.xlogy(gf.subtract(a, gf.ones_like(a)), x),
                               gf.xlog1py(gf.subtract(b, gf.ones_like(b)), gf.negative(x))), log_beta)
    return None, None, reduce_to(gf.multiply(g, gf.exp(log_d)), x, a, b)
