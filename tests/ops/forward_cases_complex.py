"""Forward cases (see forward_cases.py) for the complex-number ops (graphflow/ops/complex_math.py)
and the Fourier transforms (graphflow/ops/spectral.py), against numpy; imported by forward_cases.py,
rebuilds its BY_OP index."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import graphflow as gf

from . import forward_cases as fc
from .forward_cases import case, shape, values

COMPLEX_OF = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}


def complex_values(d, shp, dtype=np.complex64):
    real = np.dtype(dtype).type(0).real.dtype
    return (values(d, shp, real) + 1j * values(d, shp, real)).astype(dtype)


def _draw_complex(d, min_dims=0):
    return [complex_values(d, shape(d, min_dims=min_dims), d(st.sampled_from((np.complex64, np.complex128))))], {}


def _draw_parts(d):
    return fc.broadcast_pair(d, fc.float_dtype(d)), {}


def _complex_ref(x, y):
    out = np.empty(np.broadcast_shapes(x.shape, y.shape), COMPLEX_OF[x.dtype])
    out.real, out.imag = x, y
    return out


case("Complex", _draw_parts, lambda x, y: gf.complex(x, y), _complex_ref)
for _op, _fn, _ref in (("Real", gf.math.real, np.real), ("Imag", gf.math.imag, np.imag),
                       ("Angle", gf.math.angle, np.angle), ("ComplexAbs", gf.abs, np.abs),
                       ("Conj", gf.math.conj, np.conjugate)):
    case(_op, _draw_complex, _fn, lambda x, _ref=_ref: np.asarray(_ref(x)).astype(x.dtype if _ref is np.conjugate
                                                                                 else x.real.dtype))


# ---- Fourier transforms: 1, 2, 3 innermost axes, lengths that crop and pad ---------------------------------

_C2C = {("FFT", 1): gf.signal.fft, ("FFT", 2): gf.signal.fft2d, ("FFT", 3): gf.signal.fft3d,
        ("IFFT", 1): gf.signal.ifft, ("IFFT", 2): gf.signal.ifft2d, ("IFFT", 3): gf.signal.ifft3d}
_REAL = {("RFFT", 1): gf.signal.rfft, ("RFFT", 2): gf.signal.rfft2d, ("RFFT", 3): gf.signal.rfft3d,
         ("IRFFT", 1): gf.signal.irfft, ("IRFFT", 2): gf.signal.irfft2d, ("IRFFT", 3): gf.signal.irfft3d}


def _draw_c2c(d):
    rank = d(st.integers(1, 3))
    return [complex_values(d, shape(d, min_dims=rank, max_dims=rank + 1, min_side=1),
                           d(st.sampled_from((np.complex64, np.complex128))))], {"rank": rank}


def _draw_real(kind):
    def draw(d):
        rank = d(st.integers(1, 3))
        shp = shape(d, min_dims=rank, max_dims=rank + 1, min_side=1)
        lengths = [d(st.integers(1, 6)) for _ in range(rank)]
        if kind == "RFFT":
            x = values(d, shp, fc.float_dtype(d))
        else:
            x = complex_values(d, shp, d(st.sampled_from((np.complex64, np.complex128))))
        return [x], {"rank": rank, "fft_length": lengths}
    return draw


def _np_transform(kind, x, rank, fft_length=None):
    fn = {"FFT": np.fft.fftn, "IFFT": np.fft.ifftn, "RFFT": np.fft.rfftn, "IRFFT": np.fft.irfftn}[kind]
    out = fn(x.astype(np.complex128 if kind != "RFFT" else np.float64), s=fft_length, axes=tuple(range(-rank, 0)))
    dtype = COMPLEX_OF[x.dtype] if kind == "RFFT" else x.real.dtype if kind == "IRFFT" else x.dtype
    return out.astype(dtype)


for _kind in ("FFT", "IFFT"):
    case(_kind, _draw_c2c, lambda x, rank, _k=_kind: _C2C[(_k, rank)](x),
         lambda x, rank, _k=_kind: _np_transform(_k, x, rank), rtol=1e-4)
for _kind in ("RFFT", "IRFFT"):
    case(_kind, _draw_real(_kind), lambda x, rank, fft_length, _k=_kind: _REAL[(_k, rank)](x, fft_length),
         lambda x, rank, fft_length, _k=_kind: _np_transform(_k, x, rank, fft_length), rtol=1e-4)

fc.BY_OP.clear()
for _c in fc.CASES:
    fc.BY_OP.setdefault(_c.op, []).append(_c)
