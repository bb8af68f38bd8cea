"""Reductions over axes (`axis` None, int or list; `keepdims`) and arg-reductions."""
from __future__ import annotations

import math

import numpy as np

from .. import dtypes
from ..shapes import TensorShape
from . import infer as inf
from .registry import REDUCTION, OpDef, Reducer, register


def _reduce_infer(spec, axis=None, keepdims=False, op=""):
    if spec.shape.dims is None:
        return [inf.Spec(TensorShape(None), spec.dtype)]
    dims = spec.shape.dims
    axes = inf.normalize_axes(axis, len(dims), op)
    if keepdims:
        out = tuple(1 if i in axes else d for i, d in enumerate(dims))
    else:
        out = tuple(d for i, d in enumerate(dims) if i not in axes)
    return [inf.Spec(TensorShape(out), spec.dtype)]


def _axes(x, axis):
    return None if axis is None else inf.normalize_axes(axis, x.ndim)


def _reducer(npfn):
    def kernel(x, axis=None, keepdims=False):
        out = npfn(x, axis=_axes(x, axis), keepdims=keepdims)
        return np.asarray(out, dtype=x.dtype) if out.dtype != x.dtype else out
    return kernel


def _extremum(npfn, lowest):
    """max/min; over an empty axis TF returns the identity (-inf / the dtype's lowest for max)."""
    def kernel(x, axis=None, keepdims=False):
        axes = _axes(x, axis)
        if x.size == 0:
            info = np.finfo(x.dtype) if x.dtype.kind == "f" else np.iinfo(x.dtype)
            ident = (-np.inf if lowest else np.inf) if x.dtype.kind == "f" else (info.min if lowest else info.max)
            return npfn(x, axis=axes, keepdims=keepdims, initial=ident)
        return npfn(x, axis=axes, keepdims=keepdims)
    return kernel


def _mean(x, axis=None, keepdims=False):
    axes = _axes(x, axis)
    if x.dtype.kind in "iu":
        # TF's integer mean is sum // count with truncation toward zero.
        s = np.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype)
        n = x.size // max(s.size, 1) if x.size else 0
        return np.asarray(np.trunc(s / max(n, 1)), dtype=x.dtype) if n else np.zeros_like(s)
    return np.mean(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


def _declare(name, kernel, allowed, reducer, differentiable=True):
    def infer(spec, axis=None, keepdims=False):
        if spec.dtype.name not in allowed:
            raise TypeError(f"{name} does not support dtype {spec.dtype.name}")
        return _reduce_infer(spec, axis, keepdims, name)
    register(OpDef(name, infer, kernel, kind=REDUCTION, differentiable=differentiable, allowed=allowed,
                   reducer=reducer))


def _sum_leading(x, axes, keepdims):
    """np.sum over leading axes of a C-contiguous float array with a narrow trailing block (a bias
    gradient: (N, H, W, C) summed to (C,)), else None. numpy adds such rows one after another, C
    lanes wide: 0.9 ms for W7's first conv gradient. Summing g rows side by side first (rows of
    g*C lanes, then the g partial sums) takes 0.25 ms, and each lane adds g times fewer terms."""
    k = len(axes)
    if (x.dtype.kind != "f" or not 0 < k < x.ndim or axes != tuple(range(k)) or not x.flags.c_contiguous
            or x.size == 0):
        return None
    c = x.size // math.prod(x.shape[:k])
    m = x.size // c
    g = 1
    while g * 2 * c <= 1024 and m % (g * 2) == 0:
        g *= 2
    if g == 1:
        return None
    out = x.reshape(m // g, g * c).sum(axis=0).reshape(g, c).sum(axis=0)
    return out.reshape((1,) * k + x.shape[k:] if keepdims else x.shape[k:])


_np_sum = _reducer(np.sum)


def _sum(x, axis=None, keepdims=False):
    axes = _axes(x, axis)
    out = None if axes is None else _sum_leading(x, tuple(axes), keepdims)
    return _np_sum(x, axis, keepdims) if out is None else out


# Sums and products accumulate in float64/int64: a float32 loop adding one element at a time
# would drift from numpy's pairwise sum.
_declare("Sum", _sum, inf.NUMERIC | inf.COMPLEX, Reducer("add", 0, wide=True))
_declare("Mean", _mean, inf.NUMERIC | inf.COMPLEX, Reducer("add", 0, wide=True, mean=True))
_declare("Max", _extremum(np.max, True), inf.NUMERIC, Reducer("max", -math.inf))
_declare("Min", _extremum(np.min, False), inf.NUMERIC, Reducer("min", math.inf))
_declare("Prod", _reducer(np.prod), inf.NUMERIC, Reducer("mul", 1, wide=True))
_declare("Any", _reducer(np.any), inf.BOOL, Reducer("or", False), differentiable=False)
_declare("All", _reducer(np.all), inf.BOOL, Reducer("and", True), differentiable=False)


def _arg_infer(spec, axis=0, output_type=dtypes.int64):
    if spec.shape.dims is None:
        return [inf.Spec(TensorShape(None), output_type)]
    dims = spec.shape.dims
    a = inf.normalize_axis(axis, len(dims), "ArgMax")
    if dims[a] == 0:
        raise ValueError(_empty_axis(a, dims))
    return [inf.Spec(TensorShape(dims[:a] + dims[a + 1:]), output_type)]


def _empty_axis(axis, dims) -> str:
    return f"Reduction axis {axis} is empty in shape [{','.join('?' if d is None else str(d) for d in dims)}]"


def _arg(npfn):
    def kernel(x, axis=0, output_type=dtypes.int64):
        if x.ndim and x.shape[axis] == 0:     # TF: an error, not numpy's "empty sequence"
            raise ValueError(_empty_axis(axis % x.ndim, x.shape))
        return np.asarray(npfn(x, axis=axis), dtype=output_type.np)
    return kernel


register(OpDef("ArgMax", _arg_infer, _arg(np.argmax), differentiable=False, allowed=inf.NUMERIC))
register(OpDef("ArgMin", _arg_infer, _arg(np.argmin), differentiable=False, allowed=inf.NUMERIC))
