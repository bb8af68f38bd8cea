"""SqrtGrad, RsqrtGrad, ReciprocalGrad: backprop kernels that give 0 for a zero upstream gradient.

TensorFlow's kernels for these three gradients return 0 wherever the upstream gradient is 0,
whatever the forward output was. That is what makes the guarded pattern
`where(x > 0, sqrt(x), 0)` differentiable: `where` sends 0 to the untaken branch, and there the
plain formula would compute 0 * inf or 0 * nan. Formulas TensorFlow writes with ordinary ops
(log, pow, division) keep their NaN; tests/ops/untaken_branch_cases.py records both kinds.
Each op is a full OpDef (inference, numpy kernel, scalar expression, second-order gradient).
"""
from __future__ import annotations

import numpy as np

from . import api as gf
from . import infer as inf
from .dispatch import apply
from .registry import ELEMENTWISE, OpDef, get, register, set_gradient


def _zero_where_no_upstream(dy, formula):
    with np.errstate(all="ignore"):
        out = formula()
    return np.where(dy == 0, dy.dtype.type(0), out).astype(dy.dtype, copy=False)


def _sqrt_grad(y, dy):
    return _zero_where_no_upstream(dy, lambda: dy * dy.dtype.type(0.5) / y)


def _rsqrt_grad(y, dy):
    return _zero_where_no_upstream(dy, lambda: dy * dy.dtype.type(-0.5) * (y * y * y))


def _reciprocal_grad(y, dy):
    return _zero_where_no_upstream(dy, lambda: -(dy * (y * y)))


def _declare(name, kernel, formula):
    register(OpDef(name, inf.elementwise, kernel, kind=ELEMENTWISE, same_dtype=True, allowed=inf.FLOATS | inf.COMPLEX,
                   scalar_expr=f"(T(0) if {{1}} == T(0) else {formula})"))


# inputs: {0} = y (the forward output), {1} = dy (the upstream gradient)
_declare("SqrtGrad", _sqrt_grad, "({1} * T(0.5) / {0})")
_declare("RsqrtGrad", _rsqrt_grad, "({1} * T(-0.5) * ({0} * {0} * {0}))")
_declare("ReciprocalGrad", _reciprocal_grad, "(-({1} * ({0} * {0})))")


def sqrt_grad(y, dy):
    """dy / (2 y), and 0 where dy is 0."""
    return apply(get("SqrtGrad"), (y, dy), {})


def rsqrt_grad(y, dy):
    """-dy y**3 / 2, and 0 where dy is 0."""
    return apply(get("RsqrtGrad"), (y, dy), {})


def reciprocal_grad(y, dy):
    """-dy y**2, and 0 where dy is 0."""
    return apply(get("ReciprocalGrad"), (y, dy), {})


# second order: each op is linear in dy, so d/d(dy) is the op itself applied to the new upstream g
@set_gradient("SqrtGrad")
def _sqrt_grad_grad(op, g):
    y = op.inputs[0]
    return gf.negative(gf.multiply(g, gf.realdiv(op.outputs[0], y))), sqrt_grad(y, g)


@set_gradient("RsqrtGrad")
def _rsqrt_grad_grad(op, g):
    y, dy = op.inputs
    return gf.multiply(gf.multiply(g, dy), gf.multiply(gf.square(y), -1.5)), rsqrt_grad(y, g)


@set_gradient("ReciprocalGrad")
def _reciprocal_grad_grad(op, g):
    y, dy = op.inputs
    return gf.multiply(gf.multiply(g, dy), gf.multiply(y, -2.0)), reciprocal_grad(y, g)
