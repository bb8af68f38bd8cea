"""Gradients of the special math ops (ops/special_math.py), TensorFlow's formulas written with public ops."""
from __future__ import annotations

import math

from . import api as gf
from .dispatch import apply
from .grad_ops import reduce_to
from .registry import get, set_gradient


def _call(name, *xs):
    return apply(get(name), tuple(xs), {})


# ---- gradients (TensorFlow's formulas) ----------------------------------------------------------------

def _unary_grad(name, dydx):
    """g * conj(dy/dx): for complex x TensorFlow's convention; a real derivative is its own conjugate."""
    set_gradient(name)(lambda op, g: (gf.multiply(g, gf.conj(dydx(op.inputs[0], op.outputs[0]))),))


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
    a, b, x = op.inputs
    log_beta = gf.subtract(gf.add(gf.lgamma(a), gf.lgamma(b)), gf.lgamma(gf.add(a, b)))
    log_d = gf.subtract(gf.add(gf.xlogy(gf.subtract(a, gf.ones_like(a)), x),
                               gf.xlog1py(gf.subtract(b, gf.ones_like(b)), gf.negative(x))), log_beta)
    return None, None, reduce_to(gf.multiply(g, gf.exp(log_d)), x, a, b)
