"""tf.signal's Fourier transforms (fft, ifft, rfft, irfft in 1, 2, 3 and N dimensions) and the
short-time Fourier transform built on them (stft, inverse_stft: frame, window, rfft, as TensorFlow
writes them). Each transform is one registry op of ops/spectral.py with its axes and lengths as
attrs, so the lengths must be known when the graph is built."""
from __future__ import annotations

import numpy as np

from ... import dtypes
from ..convert import convert_to_tensor, python_value
from ..dispatch import apply
from ..spectral import fft_lengths
from ..static_value import constant_value
from .math import multiply
from .op_call import argument_error, opdef
from .shape import pad, strided_slice
from .signal import frame, hann_window, overlap_and_add


def _lengths(fft_length, what="fft_length"):
    """A list of lengths known when the graph is built, or None."""
    if fft_length is None:
        return None
    v = python_value(fft_length)
    if hasattr(v, "op"):
        v = constant_value(v)
        if v is None:
            raise ValueError(f"{what} must be known when the graph is built")
    return tuple(int(n) for n in np.atleast_1d(np.asarray(v)))


def _transform(kind, x, axes, fft_length, name):
    return apply(opdef(kind), (x,), {"axes": tuple(axes), "fft_length": fft_length}, name)


def _real_input(input_tensor, op):
    x = convert_to_tensor(input_tensor, dtype_hint=dtypes.float32)
    if x.dtype not in (dtypes.float32, dtypes.float64):
        raise ValueError(f"{op} requires tf.float32 or tf.float64 inputs, got: {x.dtype.name}")
    return x


def _complex_input(input_tensor, op):
    """The input as a complex tensor. TF's rfft-family wrappers refuse others with a ValueError; the
    complex-to-complex ops check their dtype attr (InvalidArgumentError eagerly, TypeError in graphs)."""
    x = convert_to_tensor(input_tensor, dtype_hint=dtypes.complex64)
    if not x.dtype.is_complex:
        message = f"{op} requires tf.complex64 or tf.complex128 inputs, got: {x.dtype.name}"
        if op.startswith("IRFFT"):
            raise ValueError(message)
        raise argument_error(op, message, TypeError)
    return x


def _make_c2c(kind, rank, tf_name):
    def fn(input, name=None):  # noqa: A002
        return _transform(kind, _complex_input(input, tf_name.upper()), range(-rank, 0), None, name)
    fn.__name__ = tf_name
    fn.__doc__ = (f"The {'inverse ' if kind == 'IFFT' else ''}discrete Fourier transform over the innermost "
                  f"{rank} axes of a complex tensor.")
    return fn


fft, fft2d, fft3d = (_make_c2c("FFT", r, n) for r, n in ((1, "fft"), (2, "fft2d"), (3, "fft3d")))
ifft, ifft2d, ifft3d = (_make_c2c("IFFT", r, n) for r, n in ((1, "ifft"), (2, "ifft2d"), (3, "ifft3d")))


def _make_rfft(rank, tf_name):
    def fn(input_tensor, fft_length=None, name=None):
        x = _real_input(input_tensor, "RFFT")
        return _transform("RFFT", x, range(-rank, 0), _lengths(fft_length), name)
    fn.__name__ = tf_name
    fn.__doc__ = (f"The discrete Fourier transform over the innermost {rank} axes of a real tensor: the "
                  "non-negative frequencies of the last one (fft_length // 2 + 1 of them); float32 gives "
                  "complex64. Each axis is cropped or zero-padded to `fft_length` first.")
    return fn


def _make_irfft(rank, tf_name):
    def fn(input_tensor, fft_length=None, name=None):
        x = _complex_input(input_tensor, "IRFFT")
        return _transform("IRFFT", x, range(-rank, 0), _lengths(fft_length), name)
    fn.__name__ = tf_name
    fn.__doc__ = (f"The inverse of rfft over the innermost {rank} axes: a real signal of `fft_length` "
                  "samples per axis (by default 2 * (n - 1) on the last) from its half spectrum.")
    return fn


rfft, rfft2d, rfft3d = (_make_rfft(r, n) for r, n in ((1, "rfft"), (2, "rfft2d"), (3, "rfft3d")))
irfft, irfft2d, irfft3d = (_make_irfft(r, n) for r, n in ((1, "irfft"), (2, "irfft2d"), (3, "irfft3d")))


# ---- N-dimensional transforms (fftnd and friends), with TensorFlow's `norm` ------------------------------

def _nd(kind, x, fft_length, axes, norm, name, inverse):
    rank = x.shape.rank
    if rank is None:
        raise ValueError(f"{kind}: the rank of the input must be known when the graph is built")
    axes = tuple(range(rank)) if axes is None else tuple(int(a) for a in np.atleast_1d(python_value(axes)))
    axes = tuple(a - rank if a >= 0 else a for a in axes)       # the kernels count from the innermost
    lengths = _lengths(fft_length)
    if norm not in (None, "backward", "forward", "ortho"):
        raise ValueError(f"{kind}: norm must be 'backward', 'forward' or 'ortho', got {norm!r}")
    if norm in ("forward", "ortho"):
        known = fft_lengths(x.shape.dims, axes, lengths, inverse_real=kind == "IRFFT")
        if None in known:
            raise ValueError(f"{kind}: norm={norm!r} needs the transform's lengths when the graph is built")
        n = int(np.prod(known))
        scale = n if norm == "forward" else np.sqrt(n)
        x = multiply(x, scale if inverse else 1 / scale)
    return _transform(kind, x, axes, lengths, name)


def fftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The discrete Fourier transform over `axes` (all by default) of a complex tensor."""
    return _nd("FFT", _complex_input(input_tensor, "FFTND"), fft_length, axes, norm, name, False)


def ifftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The inverse discrete Fourier transform over `axes` (all by default) of a complex tensor."""
    return _nd("IFFT", _complex_input(input_tensor, "IFFTND"), fft_length, axes, norm, name, True)


def rfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """rfft over `axes` (all by default): the half spectrum along the last of them."""
    return _nd("RFFT", _real_input(input_tensor, "RFFTND"), fft_length, axes, norm, name, False)


def irfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The inverse of rfftnd over `axes` (all by default)."""
    return _nd("IRFFT", _complex_input(input_tensor, "IRFFTND"), fft_length, axes, norm, name, True)


# ---- short-time Fourier transform ---------------------------------------------------------------------

def _enclosing_power_of_two(n: int) -> int:
    return int(2 ** np.ceil(np.log(n) / np.log(2.0)))


def _static_int(v, what):
    lengths = _lengths(v, what)
    if len(lengths) != 1:
        raise ValueError(f"{what} must be a scalar, got {list(lengths)}")
    return lengths[0]


def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window, pad_end=False, name=None):
    """The short-time Fourier transform of real `signals` [..., samples]: windowed frames of
    `frame_length` every `frame_step` samples, each rfft'd to fft_length // 2 + 1 bins (fft_length:
    by default the smallest power of two >= frame_length). Returns [..., frames, bins], complex."""
    x = convert_to_tensor(signals)
    if x.shape.rank == 0:
        raise ValueError(f"stft: signals must have rank at least 1, got shape {x.shape}")
    length = _static_int(frame_length, "frame_length")
    n = _enclosing_power_of_two(length) if fft_length is None else _static_int(fft_length, "fft_length")
    framed = frame(x, length, _static_int(frame_step, "frame_step"), pad_end=pad_end)
    if window_fn is not None:
        framed = multiply(framed, window_fn(length, dtype=framed.dtype))
    return rfft(framed, [n], name=name)


def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window, name=None):
    """The signal whose stft is `stfts` [..., frames, bins]: irfft of each frame, cropped or padded to
    frame_length, windowed by `window_fn` (inverse_stft_window_fn(frame_step) for perfect
    reconstruction), then overlap-added."""
    x = convert_to_tensor(stfts)
    if x.shape.rank is not None and x.shape.rank < 2:
        raise ValueError(f"inverse_stft: stfts must have rank at least 2, got shape {x.shape}")
    length = _static_int(frame_length, "frame_length")
    n = _enclosing_power_of_two(length) if fft_length is None else _static_int(fft_length, "fft_length")
    frames = irfft(x, [n])
    if n > length:
        frames = strided_slice(frames, (Ellipsis, slice(0, length)))
    elif n < length:
        frames = pad(frames, [[0, 0]] * (frames.shape.rank - 1) + [[0, length - n]])
    if window_fn is not None:
        frames = multiply(frames, window_fn(length, dtype=x.dtype.real_dtype))
    return overlap_and_add(frames, _static_int(frame_step, "frame_step"), name=name)
