"""Gradients of the complex-number ops (complex_math.py) and the Fourier transforms (spectral.py),
TensorFlow's formulas (math_grad.py, signal/fft_ops.py) written with public ops.

TensorFlow's convention for a complex z = x + iy: the gradient a real loss L sends to z is
dL/dx + i dL/dy, so an op's gradient is the adjoint (conjugate transpose) of its Jacobian applied
to the upstream gradient: FFT's is N * IFFT, Mul's multiplies by the conjugate (math_grad.py).
Where a transform cropped or zero-padded its input to `fft_length`, the gradient is padded or
cropped back to the input's shape.
"""
from __future__ import annotations

import numpy as np

from . import api as gf
from .dispatch import apply
from .grad_ops import dims, reduce_to
from .registry import get, set_gradient
from .spectral import fft_lengths


def _complex(re, im):
    return apply(get("Complex"), (re, im), {})


# ---- complex numbers ------------------------------------------------------------------------------------

@set_gradient("Complex")
def _complex_grad(op, g):
    x, y = op.inputs
    return reduce_to(gf.real(g), x, y), reduce_to(gf.imag(g), y, x)


set_gradient("Real")(lambda op, g: (_complex(g, gf.zeros_like(g)),))
set_gradient("Imag")(lambda op, g: (_complex(gf.zeros_like(g), g),))
set_gradient("Conj")(lambda op, g: (gf.conj(g),))


@set_gradient("Angle")
def _angle_grad(op, g):
    x = op.inputs[0]
    return (gf.divide(_complex(gf.negative(g), gf.zeros_like(g)), _complex(gf.imag(x), gf.real(x))),)


@set_gradient("ComplexAbs")
def _complex_abs_grad(op, g):
    """g * x / |x|, and 0 where x = 0 (TF's div_no_nan)."""
    x, r = op.inputs[0], op.outputs[0]
    zero = gf.equal(r, gf.zeros_like(r))
    safe = gf.where(zero, gf.ones_like(r), r)
    scale = gf.where(zero, gf.zeros_like(g), gf.divide(g, safe))
    return (gf.multiply(_complex(scale, gf.zeros_like(scale)), x),)


# ---- Fourier transforms ---------------------------------------------------------------------------------

def _transform(kind, x, axes, fft_length=None):
    return apply(get(kind), (x,), {"axes": axes, "fft_length": fft_length})


def _size(op, axes):
    """The number of points the transform of `op` sums over (the product of its lengths)."""
    kind = op.opdef.name
    lengths = fft_lengths(dims(op.inputs[0]), axes, op.attrs.get("fft_length"), inverse_real=kind == "IRFFT")
    if None in lengths:
        raise ValueError(f"The gradient of {kind} needs the transform's lengths when the graph is built, "
                         f"got input shape {op.inputs[0].shape}")
    return int(np.prod(lengths, dtype=np.int64))


def _fit(g, like, axes):
    """`g`, cropped or zero-padded along `axes` to the static shape of `like` (the op's input)."""
    have, want = dims(g), dims(like)
    if want is None or have is None:
        return g
    crop = [slice(None)] * len(have)
    pads = [[0, 0] for _ in have]
    for a in axes:
        h, w = have[a], want[a]
        if h is not None and w is not None and h != w:
            crop[a] = slice(0, min(h, w))
            pads[a] = [0, max(w - h, 0)]
    if any(c != slice(None) for c in crop):
        g = gf.strided_slice(g, tuple(crop))
    if any(p != [0, 0] for p in pads):
        g = gf.pad(g, pads)
    return g


@set_gradient("FFT")
def _fft_grad(op, g):
    axes = op.attrs["axes"]
    return (_fit(gf.multiply(_transform("IFFT", g, axes), complex(_size(op, axes))), op.inputs[0], axes),)


@set_gradient("IFFT")
def _ifft_grad(op, g):
    axes = op.attrs["axes"]
    return (_fit(gf.multiply(_transform("FFT", g, axes), complex(1 / _size(op, axes))), op.inputs[0], axes),)


@set_gradient("RFFT")
def _rfft_grad(op, g):
    """The real part of N * IFFT of the half spectrum zero-padded to the full one: the same numbers
    as TF's 0.5 * (N * irfft(g) + real(extra terms)), in every rank."""
    axes = op.attrs["axes"]
    n = _size(op, axes)
    last = fft_lengths(dims(op.inputs[0]), axes, op.attrs.get("fft_length"))[-1]
    half = last // 2 + 1
    pads = [[0, 0] for _ in dims(g)]
    pads[axes[-1]] = [0, last - half]
    full = gf.pad(g, pads) if last > half else g
    dx = gf.real(gf.multiply(_transform("IFFT", full, axes), complex(n)))
    return (_fit(dx, op.inputs[0], axes),)


@set_gradient("IRFFT")
def _irfft_grad(op, g):
    """TF's: rfft(g) times [1, 2, ..., 2, (1 if fft_length is even)] / N along the last axis."""
    axes = op.attrs["axes"]
    lengths = fft_lengths(dims(op.inputs[0]), axes, op.attrs.get("fft_length"), inverse_real=True)
    n = _size(op, axes)
    last = lengths[-1]
    half = last // 2 + 1
    mask = np.full(half, 2.0)
    mask[0] = 1.0
    if last % 2 == 0:
        mask[-1] = 1.0
    shape = [1] * len(dims(g))
    shape[axes[-1]] = half
    spectrum = _transform("RFFT", g, axes, lengths)
    weights = gf.constant((mask / n).reshape(shape).astype(spectrum.dtype.as_numpy_dtype))
    return (_fit(gf.multiply(spectrum, weights), op.inputs[0], axes),)
