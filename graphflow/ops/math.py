"""Elementwise math ops: unary, binary and select. Kernels are numpy; scalar_expr feeds the fuser.

Scalar expressions use `T(...)` for a constant of the expression's dtype, so float32 code
stays float32 when generated (numba would otherwise promote Python literals to float64).
"""
from __future__ import annotations

import math
import operator

import numpy as np

from .. import dtypes
from . import infer as inf
from .registry import ELEMENTWISE, OpDef, register
from .static_value import kernel_of_known_input, small_integer_arithmetic

_erf_scalar = np.frompyfunc(math.erf, 1, 1)


def _erf(x):
    return _erf_scalar(x).astype(x.dtype) if np.ndim(x) else x.dtype.type(math.erf(x))


def _sigmoid(x):
    if x.dtype.kind == "c":
        return 1 / (1 + np.exp(-x))
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def _relu(x):
    return np.maximum(x, x.dtype.type(0))


def _check_int_divisor(x, y):
    if x.dtype.kind in "iu" and not np.all(y):
        raise ZeroDivisionError("Integer division by zero")


def _floordiv(x, y):
    if x.dtype.kind == "f":
        return np.floor(x / y)
    _check_int_divisor(x, y)
    return np.floor_divide(x, y)


def _floormod(x, y):
    _check_int_divisor(x, y)
    return np.mod(x, y)


def _rsqrt(x):
    return 1 / np.sqrt(x)


def _reciprocal(x):
    return 1 / x


def _squared_difference(x, y):
    d = x - y
    return d * d


def _softplus(x):
    return np.logaddexp(x.dtype.type(0), x)


def _identity(x):
    return x


def _unary(name, kernel, expr, allowed=inf.NUMERIC, out_dtype=None, differentiable=True, static_value=None):
    infer = inf.elementwise_to(out_dtype) if out_dtype else inf.elementwise
    return register(OpDef(name, infer, kernel, kind=ELEMENTWISE, scalar_expr=expr, allowed=allowed,
                          differentiable=differentiable, static_value=static_value))


def _binary(name, kernel, expr, allowed=inf.NUMERIC, out_dtype=None, differentiable=True, static_value=None):
    infer = inf.elementwise_to(out_dtype) if out_dtype else inf.elementwise
    return register(OpDef(name, infer, kernel, kind=ELEMENTWISE, scalar_expr=expr, allowed=allowed,
                          same_dtype=True, differentiable=differentiable, static_value=static_value))


F, N, S, B, C = inf.FLOATS, inf.NUMERIC, inf.SIGNED, inf.BOOL, inf.COMPLEX
ANY = N | B
TEXT_TOO = ANY | {"string"}     # ops that move or compare values also take strings

# unary
_unary("Neg", np.negative, "(-{0})", S | C, static_value=small_integer_arithmetic)
_unary("Abs", np.abs, "abs({0})", S)
# not numba's np.sign, which keeps the sign of -0.0; numpy and TF give +0.0 (x - x), NaN stays NaN
_unary("Sign", np.sign, "(T(1) if {0} > T(0) else (T(-1) if {0} < T(0) else ({0} - {0})))", S | C)   # complex: z / |z|
_unary("Exp", np.exp, "exp({0})", F | C)
_unary("Expm1", np.expm1, "expm1({0})", F | C)
_unary("Log", np.log, "log({0})", F | C)
_unary("Log1p", np.log1p, "log1p({0})", F | C)
_unary("Sqrt", np.sqrt, "sqrt({0})", F | C)
_unary("Rsqrt", _rsqrt, "(T(1) / sqrt({0}))", F | C)
_unary("Square", np.square, "({0} * {0})", N | C)
_unary("Sin", np.sin, "sin({0})", F | C)
_unary("Cos", np.cos, "cos({0})", F | C)
_unary("Tanh", np.tanh, "tanh({0})", F | C)
_unary("Sigmoid", _sigmoid, "sigmoid({0})", F | C)
_unary("Erf", _erf, "erf({0})", F)
_unary("Softplus", _softplus, "softplus({0})", F)
_unary("Floor", np.floor, "floor({0})", F, differentiable=False)
_unary("Ceil", np.ceil, "ceil({0})", F, differentiable=False)
_unary("Round", np.rint, "rint({0})", F, differentiable=False)
_unary("Reciprocal", _reciprocal, "(T(1) / {0})", F | C)
_unary("Relu", _relu, "({0} if ({0} > T(0) or {0} != {0}) else T(0))", N)   # NaN propagates
_unary("IsNan", np.isnan, "isnan({0})", F, out_dtype=dtypes.bool_, differentiable=False)
_unary("IsFinite", np.isfinite, "isfinite({0})", F, out_dtype=dtypes.bool_, differentiable=False)
_unary("LogicalNot", np.logical_not, "(not {0})", B, differentiable=False)
_unary("Identity", _identity, "{0}", TEXT_TOO | C).grad_keeps_slices = True     # its gradient is the gradient
_unary("StopGradient", _identity, "{0}", TEXT_TOO | C, differentiable=False)


def _cast_infer(spec, dtype):
    return [inf.Spec(spec.shape, dtype)]


def _cast(x, dtype):
    return x.astype(dtype.np, copy=False) if x.dtype != dtype.np else x


register(OpDef("Cast", _cast_infer, _cast, kind=ELEMENTWISE, scalar_expr="cast({0})", check_in_eager=False,
               static_value=kernel_of_known_input, grad_keeps_slices=True))

# binary
# Python operators rather than ufuncs: the same numpy arithmetic, but numpy scalars (0-d eager
# values) take numpy's scalar fast path, 10x quicker than a ufunc call (benchmark W2).
_binary("Add", operator.add, "({0} + {1})", N | C, static_value=small_integer_arithmetic)
_binary("Sub", operator.sub, "({0} - {1})", N | C, static_value=small_integer_arithmetic)
_binary("Mul", operator.mul, "({0} * {1})", N | C, static_value=small_integer_arithmetic)
_binary("RealDiv", operator.truediv, "({0} / {1})", F | C)
_binary("FloorDiv", _floordiv, "floordiv({0}, {1})", N, differentiable=False)
_binary("FloorMod", _floormod, "floormod({0}, {1})", N, differentiable=False)
_binary("Pow", np.power, "pow({0}, {1})", N | C)
# NaN propagates
_binary("Maximum", np.maximum, "({0} if ({0} >= {1} or {0} != {0}) else {1})", N, static_value=small_integer_arithmetic)
_binary("Minimum", np.minimum, "({0} if ({0} <= {1} or {0} != {0}) else {1})", N, static_value=small_integer_arithmetic)
_binary("SquaredDifference", _squared_difference, "(({0} - {1}) * ({0} - {1}))", N)
for _name, _fn, _sym in (("Less", operator.lt, "<"), ("LessEqual", operator.le, "<="),
                         ("Greater", operator.gt, ">"), ("GreaterEqual", operator.ge, ">="),
                         ("Equal", np.equal, "=="), ("NotEqual", np.not_equal, "!=")):
    _binary(_name, _fn, f"({{0}} {_sym} {{1}})", TEXT_TOO | C if _sym in ("==", "!=") else N,
            out_dtype=dtypes.bool_, differentiable=False)
_binary("LogicalAnd", np.logical_and, "({0} and {1})", B, differentiable=False)
_binary("LogicalOr", np.logical_or, "({0} or {1})", B, differentiable=False)
_binary("BitwiseAnd", np.bitwise_and, "({0} & {1})", inf.INTS, differentiable=False)
_binary("BitwiseOr", np.bitwise_or, "({0} | {1})", inf.INTS, differentiable=False)
_binary("BitwiseXor", np.bitwise_xor, "({0} ^ {1})", inf.INTS, differentiable=False)


def _select_infer(cond, x, y):
    if cond.dtype is not dtypes.bool_:
        raise TypeError(f"where: condition must be bool, got {cond.dtype.name}")
    if x.dtype is not y.dtype:
        raise TypeError(f"where: x and y must have the same dtype, got {x.dtype.name} and {y.dtype.name}")
    return [inf.Spec(inf.broadcast(cond, x, y), x.dtype)]


def _select(cond, x, y):
    return np.where(cond, x, y)


register(OpDef("Select", _select_infer, _select, kind=ELEMENTWISE, scalar_expr="({1} if {0} else {2})",
               check_in_eager=True))
