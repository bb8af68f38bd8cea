"""Gradients of the elementwise math ops, written with public ops so they run eagerly and in graphs.

For complex inputs each gradient is the upstream gradient times the conjugate of the derivative,
TensorFlow's convention (docs/complex.md); `gf.conj` of a real tensor is the tensor itself.
Binary ops reduce their gradients back to each input's shape (`reduce_to`), since the forward
op broadcast them. Tie and kink rules follow TensorFlow: relu'(0) = 0, abs'(0) = 0, maximum
sends a tie to its first input, minimum too.
"""
from __future__ import annotations

import math as _math

from . import api as gf
from .cwise_grad_ops import reciprocal_grad, rsqrt_grad, sqrt_grad
from .grad_ops import reduce_to, relu_grad
from .indexed_slices import is_indexed_slices
from .registry import get, set_gradient


def _both(op, dx, dy):
    x, y = op.inputs
    return reduce_to(dx, x, y), reduce_to(dy, y, x)


# ---- binary ------------------------------------------------------------------------------------

@set_gradient("Add")
def _add_grad(op, g):
    return _both(op, g, g)


@set_gradient("Sub")
def _sub_grad(op, g):
    return _both(op, g, gf.negative(g))


@set_gradient("Mul")
def _mul_grad(op, g):
    x, y = gf.conj(op.inputs[0]), gf.conj(op.inputs[1])     # complex: conjugated, as TF
    return _both(op, gf.multiply(g, y), gf.multiply(x, g))


@set_gradient("RealDiv")
def _realdiv_grad(op, g):
    x, y = gf.conj(op.inputs[0]), gf.conj(op.inputs[1])
    return _both(op, gf.realdiv(g, y), gf.multiply(g, gf.realdiv(gf.realdiv(gf.negative(x), y), y)))


@set_gradient("Pow")
def _pow_grad(op, g):
    x, y, z = gf.conj(op.inputs[0]), gf.conj(op.inputs[1]), gf.conj(op.outputs[0])
    dx = gf.multiply(g, gf.multiply(y, gf.pow(x, gf.subtract(y, gf.ones_like(y)))))
    # d/dy x**y = x**y log x, taken as 0 where x <= 0 (x == 0 for complex x), as TensorFlow does.
    if x.dtype.is_complex:
        positive = gf.not_equal(x, gf.zeros_like(x))
    else:
        positive = gf.greater(x, gf.zeros_like(x))
    log_x = gf.where(positive, gf.log(gf.where(positive, x, gf.ones_like(x))), gf.zeros_like(x))
    return _both(op, dx, gf.multiply(g, gf.multiply(z, log_x)))


def _select_pair(op, g, mask):
    zeros = gf.zeros_like(g)
    return _both(op, gf.where(mask, g, zeros), gf.where(mask, zeros, g))


@set_gradient("Maximum")
def _maximum_grad(op, g):
    x, y = op.inputs
    return _select_pair(op, g, gf.greater_equal(x, y))


@set_gradient("Minimum")
def _minimum_grad(op, g):
    x, y = op.inputs
    return _select_pair(op, g, gf.less_equal(x, y))


@set_gradient("SquaredDifference")
def _squared_difference_grad(op, g):
    x, y = op.inputs
    d = gf.multiply(gf.multiply(g, 2.0), gf.subtract(x, y))
    return _both(op, d, gf.negative(d))


# FloorMod is declared non-differentiable in ops/math.py, but TensorFlow differentiates it
# (x mod y = x - floor(x / y) y), so the gradient module turns it on.
get("FloorMod").differentiable = True


@set_gradient("FloorMod")
def _floormod_grad(op, g):
    x, y = op.inputs
    return _both(op, g, gf.multiply(gf.negative(g), gf.floordiv(x, y)))


@set_gradient("Select")
def _select_grad(op, g):
    cond, x, y = op.inputs
    zeros = gf.zeros_like(g)
    return None, reduce_to(gf.where(cond, g, zeros), x, cond, y), reduce_to(gf.where(cond, zeros, g), y, cond, x)


# ---- unary -------------------------------------------------------------------------------------

@set_gradient("Neg")
def _neg_grad(op, g):
    return (gf.negative(g),)


@set_gradient("Abs")
def _abs_grad(op, g):
    return (gf.multiply(g, gf.sign(op.inputs[0])),)


@set_gradient("Sign")
def _sign_grad(op, g):
    return (gf.zeros_like(op.inputs[0]),)


@set_gradient("Exp")
def _exp_grad(op, g):
    return (gf.multiply(g, gf.conj(op.outputs[0])),)


@set_gradient("Expm1")
def _expm1_grad(op, g):
    return (gf.multiply(g, gf.conj(gf.exp(op.inputs[0]))),)


@set_gradient("Log")
def _log_grad(op, g):
    return (gf.multiply(g, gf.reciprocal(gf.conj(op.inputs[0]))),)


@set_gradient("Log1p")
def _log1p_grad(op, g):
    x = gf.conj(op.inputs[0])
    return (gf.multiply(g, gf.reciprocal(gf.add(x, gf.ones_like(x)))),)


@set_gradient("Sqrt")
def _sqrt_grad(op, g):
    return (sqrt_grad(gf.conj(op.outputs[0]), g),)


@set_gradient("Rsqrt")
def _rsqrt_grad(op, g):
    return (rsqrt_grad(gf.conj(op.outputs[0]), g),)


@set_gradient("Square")
def _square_grad(op, g):
    return (gf.multiply(g, gf.multiply(gf.conj(op.inputs[0]), 2.0)),)


@set_gradient("Reciprocal")
def _reciprocal_grad(op, g):
    return (reciprocal_grad(gf.conj(op.outputs[0]), g),)


@set_gradient("Sin")
def _sin_grad(op, g):
    return (gf.multiply(g, gf.cos(gf.conj(op.inputs[0]))),)


@set_gradient("Cos")
def _cos_grad(op, g):
    return (gf.negative(gf.multiply(g, gf.sin(gf.conj(op.inputs[0])))),)


@set_gradient("Tanh")
def _tanh_grad(op, g):
    y = gf.conj(op.outputs[0])
    return (gf.multiply(g, gf.subtract(1.0, gf.square(y))),)


@set_gradient("Sigmoid")
def _sigmoid_grad(op, g):
    y = gf.conj(op.outputs[0])
    return (gf.multiply(g, gf.multiply(y, gf.subtract(1.0, y))),)


@set_gradient("Erf")
def _erf_grad(op, g):
    x = op.inputs[0]
    return (gf.multiply(g, gf.multiply(gf.exp(gf.negative(gf.square(x))), 2.0 / _math.sqrt(_math.pi))),)


@set_gradient("Softplus")
def _softplus_grad(op, g):
    return (gf.multiply(g, gf.sigmoid(op.inputs[0])),)


@set_gradient("Relu")
def _relu_grad(op, g):
    return (relu_grad(g, op.outputs[0]),)


@set_gradient("Identity")
def _identity_grad(op, g):
    return (g,)


@set_gradient("Cast")
def _cast_grad(op, g):
    x = op.inputs[0]
    out = op.attrs["dtype"]
    if (x.dtype.is_floating or x.dtype.is_complex) and (out.is_floating or out.is_complex):
        if is_indexed_slices(g):            # an autocast table's gradient stays slices, as in TF
            return (g.with_values(gf.cast(g.values, x.dtype)),)
        return (gf.cast(g, x.dtype),)
    return (None,)
