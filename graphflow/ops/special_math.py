"""Elementwise math beyond the basics: inverse and hyperbolic trigonometry, the gamma family,
Bessel functions, xlogy-style products, nextafter, truncating division.

Each op is one OpDef with a numpy (or scipy.special, an optional dependency loaded on first use)
reference kernel; TensorFlow's gradients, written with public ops, are in special_math_grad.py. They
have no scalar expression, so the fuser leaves them alone and compiled plans call the same kernel.
"""
from __future__ import annotations

import numpy as np

from . import infer as inf
from .registry import ELEMENTWISE, OpDef, register

F, N, C = inf.FLOATS, inf.NUMERIC, inf.COMPLEX


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


# the trigonometric and hyperbolic functions take complex tensors too, as TensorFlow's kernels do
_COMPLEX_TOO = frozenset({"Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh"})


def _op(name, kernel, nin, allowed=F, differentiable=True):
    return register(OpDef(name, inf.elementwise, kernel, kind=ELEMENTWISE, allowed=allowed, same_dtype=nin > 1,
                          check_in_eager=True, differentiable=differentiable))


for _name, _kernel in (("Tan", np.tan), ("Asin", np.arcsin), ("Acos", np.arccos), ("Atan", np.arctan),
                       ("Sinh", np.sinh), ("Cosh", np.cosh), ("Asinh", np.arcsinh), ("Acosh", np.arccosh),
                       ("Atanh", np.arctanh), ("Erfc", _scipy("erfc")), ("Lgamma", _scipy("gammaln")),
                       ("Digamma", _scipy("psi")), ("Erfinv", _scipy("erfinv")), ("Ndtri", _scipy("ndtri")),
                       ("BesselI0", _scipy("i0")), ("BesselI1", _scipy("i1")), ("BesselI0e", _scipy("i0e")),
                       ("BesselI1e", _scipy("i1e"))):
    _op(_name, _keep_dtype(_kernel), 1, F | C if _name in _COMPLEX_TOO else F)


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
