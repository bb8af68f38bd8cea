"""Complex numbers: building one from its parts (Complex), taking it apart (Real, Imag, Angle,
ComplexAbs) and conjugating it (Conj). numpy kernels and no scalar expressions: the fuser leaves
complex values to these kernels (passes/fuse.py fuses real dtypes only). Gradients are in
complex_grad.py."""
from __future__ import annotations

import numpy as np

from .. import dtypes
from . import infer as inf
from .registry import ELEMENTWISE, OpDef, Spec, register

_COMPLEX_OF = {"float32": dtypes.complex64, "float64": dtypes.complex128}


def _complex_infer(real, imag):
    if real.dtype is not imag.dtype or real.dtype.name not in _COMPLEX_OF:
        raise TypeError(f"Complex: real and imag must both be float32 or both float64, got {real.dtype.name} "
                        f"and {imag.dtype.name}")
    return [Spec(inf.broadcast(real, imag), _COMPLEX_OF[real.dtype.name])]


def _complex(real, imag):
    # filled part by part: real + 1j * imag would turn an infinite imag into nan + inf j
    out = np.empty(np.broadcast_shapes(np.shape(real), np.shape(imag)), _COMPLEX_OF[real.dtype.name].np)
    out.real, out.imag = real, imag
    return out


def _to_real(x, *rest, **attrs):
    return [Spec(x.shape, x.dtype.real_dtype)]


def _part(fn, view=False):
    """A kernel returning fn(x) in x's real dtype; `view`: fn returns a view of x (np.real, np.imag),
    copied so that the output owns its memory."""
    def kernel(x):
        out = np.asarray(fn(x), dtype=x.real.dtype)
        return out.copy() if view else out
    return kernel


def _op(name, infer, kernel, allowed):
    register(OpDef(name, infer, kernel, kind=ELEMENTWISE, allowed=allowed, same_dtype=True, check_in_eager=True))


_op("Complex", _complex_infer, _complex, inf.FLOATS - {"float16"})
_op("Real", _to_real, _part(np.real, view=True), inf.COMPLEX)
_op("Imag", _to_real, _part(np.imag, view=True), inf.COMPLEX)
_op("Angle", _to_real, _part(np.angle), inf.COMPLEX)
_op("ComplexAbs", _to_real, _part(np.abs), inf.COMPLEX)
_op("Conj", inf.same_as_input, np.conjugate, inf.COMPLEX)
