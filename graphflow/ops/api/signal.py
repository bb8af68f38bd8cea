"""tf.signal for real signals: framing and overlap-add, windows, DCT types I-IV and their inverses,
the MDCT, mel filterbanks and MFCCs, fftshift. Framing is a gather, overlap-add a segment sum and
the DCTs a matmul with the transform's matrix, so everything has gradients in every mode. Windows
and filterbanks are constants computed in numpy as TensorFlow's formulas do."""
from __future__ import annotations

import numpy as np

from ... import dtypes
from ...eager.tensor import EagerTensor
from ..convert import convert_to_tensor, python_value
from ..dispatch import apply
from ..static_value import constant_value, static_int
from .construct import constant
from .linalg import matmul
from .math import add, multiply, negative, subtract
from .op_call import opdef
from .shape import concat, gather, pad, reshape, split, strided_slice, transpose


def _reverse_last(x):
    return strided_slice(x, (Ellipsis, slice(None, None, -1)))


# ---- framing -----------------------------------------------------------------------------------------

def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """Overlapping frames of `frame_length` every `frame_step` samples along `axis`: that axis
    becomes [num_frames, frame_length]."""
    x = convert_to_tensor(signal)
    length, step = static_int(frame_length, "frame_length"), static_int(frame_step, "frame_step")
    rank = x.shape.rank
    a = axis % rank
    n = x.shape.dims[a]
    if n is None:
        raise ValueError(f"frame needs the length of axis {axis} when the graph is built, got {x.shape}")
    if pad_end:
        frames = -(-n // step)
        extra = max((frames - 1) * step + length - n, 0)
        if extra:
            pads = [[0, 0]] * rank
            pads[a] = [0, extra]
            x = pad(x, pads, constant_values=pad_value)
    else:
        frames = max(0, 1 + (n - length) // step)
    index = (np.arange(frames)[:, None] * step + np.arange(length)[None, :]).astype(np.int32)
    return gather(x, index, axis=a, name=name)


def overlap_and_add(signal, frame_step, name=None):
    """Sum frames [..., frames, frame_length] placed frame_step apart: [..., output_length]."""
    x = convert_to_tensor(signal)
    step = static_int(frame_step, "frame_step")
    rank = x.shape.rank
    if rank is None or rank < 2:
        raise ValueError(f"overlap_and_add: signal must be at least 2-D, got shape {x.shape}")
    frames, length = x.shape.dims[-2:]
    total = (frames - 1) * step + length
    ids = (np.arange(frames)[:, None] * step + np.arange(length)[None, :]).astype(np.int32)
    lead = list(range(rank - 2))
    moved = transpose(x, [rank - 2, rank - 1] + lead)
    summed = apply(opdef("UnsortedSegmentSum"), (moved, convert_to_tensor(ids)), {"num_segments": total})
    return transpose(summed, list(range(1, rank - 1)) + [0], name=name)


# ---- windows --------------------------------------------------------------------------------------------

def _window(values, dtype):
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"window dtype must be a floating type, got {dtype.name}")
    return constant(np.asarray(values, np.float64).astype(dtype.as_numpy_dtype), dtype=dtype)


def _raised_cosine(length, periodic, a, b, dtype):
    length = static_int(length, "window_length")
    if length == 1:
        return _window(np.ones(1), dtype)
    # `periodic` lengthens only even windows, as in TensorFlow
    n = length + (1 if periodic and length % 2 == 0 else 0) - 1
    return _window(a - b * np.cos(2 * np.pi * np.arange(length) / n), dtype)


def hann_window(window_length, periodic=True, dtype=dtypes.float32, name=None):
    return _raised_cosine(window_length, periodic, 0.5, 0.5, dtype)


def hamming_window(window_length, periodic=True, dtype=dtypes.float32, name=None):
    return _raised_cosine(window_length, periodic, 0.54, 0.46, dtype)


def _kaiser(length, beta):
    if length == 1:
        return np.ones(1)
    half = (length - 1) / 2.0
    arg = np.arange(-half, half + 0.1, 1.0)
    return np.i0(beta * np.sqrt(np.maximum(1 - (arg / half) ** 2, 0))) / np.i0(beta)


def kaiser_window(window_length, beta=12.0, dtype=dtypes.float32, name=None):
    return _window(_kaiser(static_int(window_length, "window_length"), float(python_value(beta))), dtype)


def kaiser_bessel_derived_window(window_length, beta=12.0, dtype=dtypes.float32, name=None):
    half = static_int(window_length, "window_length") // 2
    csum = np.cumsum(_kaiser(half + 1, float(python_value(beta))))
    halfw = np.sqrt(csum[:-1] / csum[-1])
    return _window(np.concatenate([halfw, halfw[::-1]]), dtype)


def vorbis_window(window_length, dtype=dtypes.float32, name=None):
    n = static_int(window_length, "window_length")
    return _window(np.sin(np.pi / 2 * np.sin(np.pi / n * (np.arange(n) + 0.5)) ** 2), dtype)


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """A window_fn for inverse_stft that undoes `forward_window_fn`'s overlap (perfect reconstruction)."""
    step = static_int(frame_step, "frame_step")

    def window_fn(frame_length, dtype):
        length = static_int(frame_length, "frame_length")
        fw = forward_window_fn(length, dtype=dtype)
        forward = fw.numpy() if isinstance(fw, EagerTensor) else constant_value(fw)
        if forward is None:
            raise ValueError("inverse_stft_window_fn needs a forward window known when the graph is built")
        overlaps = -(-length // step)
        forward = np.asarray(forward, np.float64)
        denom = np.pad(forward ** 2, (0, overlaps * step - length)).reshape(overlaps, step).sum(0)
        return _window(forward / np.tile(denom, overlaps)[:length], dtype)
    return window_fn


# ---- DCT and MDCT ---------------------------------------------------------------------------------------

def _dct_matrix(kind, n, ortho):
    """[n, n] matrix M with y = M x along the transformed axis (scipy's definitions)."""
    k, m = np.arange(n)[:, None], np.arange(n)[None, :]
    if kind == 1:
        mat = 2 * np.cos(np.pi * k * m / (n - 1))
        mat[:, 0] = 1
        mat[:, -1] = (-1.0) ** np.arange(n)
    elif kind == 2:
        mat = 2 * np.cos(np.pi * k * (2 * m + 1) / (2 * n))
        if ortho:
            mat[0] *= np.sqrt(1 / (4 * n))
            mat[1:] *= np.sqrt(1 / (2 * n))
    elif kind == 3:
        mat = 2 * np.cos(np.pi * m * (2 * k + 1) / (2 * n))
        mat[:, 0] = 1
        if ortho:
            mat[:, 0] *= np.sqrt(1 / n)
            mat[:, 1:] *= np.sqrt(1 / (2 * n))
    else:
        mat = 2 * np.cos(np.pi * (2 * m + 1) * (2 * k + 1) / (4 * n))
        if ortho:
            mat *= np.sqrt(1 / (2 * n))
    return mat


def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The DCT of type 1-4 along the last axis (zero-padded or truncated to n), norm None or 'ortho'."""
    x = convert_to_tensor(input)
    kind = int(type)
    if kind not in (1, 2, 3, 4):
        raise ValueError(f"dct: type must be 1, 2, 3 or 4, got {type}")
    if axis != -1:
        raise NotImplementedError("axis must be -1. Got: %s" % axis)
    if norm not in (None, "ortho"):
        raise ValueError(f"dct: norm must be None or 'ortho', got {norm!r}")
    if kind == 1 and norm == "ortho":
        raise ValueError("Normalization is not supported for the Type-I DCT.")
    if not x.dtype.is_floating:
        raise ValueError(f"dct: input must be a float tensor, got {x.dtype.name}")
    size = x.shape.dims[-1]
    if n is not None:
        n = int(n)
        if n < 1:
            raise ValueError(f"dct: n must be positive, got {n}")
        if n < size:
            x = strided_slice(x, (Ellipsis, slice(0, n)))
        elif n > size:
            x = pad(x, [[0, 0]] * (x.shape.rank - 1) + [[0, n - size]])
        size = n
    if kind == 1 and size < 2:
        raise ValueError("dct: a Type-I DCT needs at least 2 points")
    mat = constant(_dct_matrix(kind, size, norm == "ortho").T.astype(x.dtype.as_numpy_dtype))
    lead = x.shape.as_list()[:-1]
    flat = reshape(x, [-1, size])
    return reshape(matmul(flat, mat), [-1 if d is None else d for d in lead] + [size], name=name)


def idct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The inverse DCT up to scaling (exact with norm='ortho'): the DCT of the inverse type."""
    return dct(input, {1: 1, 2: 3, 3: 2, 4: 4}[int(type)], n, axis, norm, name)


def mdct(signals, frame_length, window_fn=vorbis_window, pad_end=False, norm=None, name=None):
    """Modified DCT of 50%-overlapping frames: [..., frames, frame_length / 2]."""
    length = static_int(frame_length, "frame_length")
    if length % 4:
        raise ValueError("The frame length must be a multiple of 4.")
    framed = frame(signals, length, length // 2, pad_end=pad_end)
    framed = multiply(framed, window_fn(length, dtype=framed.dtype) if window_fn is not None else 1 / np.sqrt(2))
    q0, q1, q2, q3 = split(framed, 4, axis=-1)
    first = subtract(negative(_reverse_last(q2)), q3)
    second = subtract(q0, _reverse_last(q1))
    return dct(concat([first, second], -1), type=4, norm=norm)


def inverse_mdct(mdcts, window_fn=vorbis_window, norm=None, name=None):
    """The signal whose mdct gives `mdcts` (with a Princen-Bradley window such as vorbis)."""
    x = convert_to_tensor(mdcts)
    half = x.shape.dims[-1]
    if norm is None:
        res = multiply(dct(x, type=4), 0.5 / half)
    elif norm == "ortho":
        res = dct(x, type=4, norm="ortho")
    else:
        raise ValueError(f"inverse_mdct: norm must be None or 'ortho', got {norm!r}")
    s0, s1 = split(res, 2, axis=-1)
    frames = concat([s1, negative(_reverse_last(s1)), negative(_reverse_last(s0)), negative(s0)], -1)
    frames = multiply(frames, window_fn(2 * half, dtype=x.dtype) if window_fn is not None else 1 / np.sqrt(2))
    return overlap_and_add(frames, half, name=name)


# ---- mel scale ---------------------------------------------------------------------------------------

_MEL_BREAK_HZ, _MEL_Q = 700.0, 1127.0


def _hz_to_mel(hz):
    return _MEL_Q * np.log(1.0 + hz / _MEL_BREAK_HZ)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0, dtype=dtypes.float32, name=None):
    """[num_spectrogram_bins, num_mel_bins] triangular filters equally spaced in mel (the DC bin 0)."""
    num_mel_bins = static_int(num_mel_bins, "num_mel_bins")
    bins = static_int(num_spectrogram_bins, "num_spectrogram_bins")
    rate = float(python_value(sample_rate))
    lo, hi = float(python_value(lower_edge_hertz)), float(python_value(upper_edge_hertz))
    if num_mel_bins <= 0 or lo < 0 or lo >= hi or hi > rate / 2 or rate <= 0:
        raise ValueError("linear_to_mel_weight_matrix: need num_mel_bins > 0 and "
                         "0 <= lower_edge_hertz < upper_edge_hertz <= sample_rate / 2")
    np_dtype = dtypes.as_dtype(dtype).as_numpy_dtype
    freqs = np.linspace(0.0, rate / 2, bins).astype(np_dtype)[1:]
    mel = _hz_to_mel(freqs.astype(np.float64))[:, None]
    edges = np.linspace(_hz_to_mel(lo), _hz_to_mel(hi), num_mel_bins + 2)
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    weights = np.maximum(0.0, np.minimum((mel - lower) / (center - lower), (upper - mel) / (upper - center)))
    return constant(np.pad(weights, [[1, 0], [0, 0]]).astype(np_dtype))


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """MFCCs: the orthonormal-scaled DCT-II of log-mel spectrograms along the last axis."""
    x = convert_to_tensor(log_mel_spectrograms)
    bins = x.shape.dims[-1]
    return multiply(dct(x, type=2), float(1 / np.sqrt(2.0 * bins)), name)


# ---- shifts -------------------------------------------------------------------------------------------

def _roll(x, shifts):
    for axis, shift in shifts:
        n = x.shape.dims[axis]
        s = shift % n if n else 0
        if s:
            head = [slice(None)] * x.shape.rank
            tail = [slice(None)] * x.shape.rank
            head[axis], tail[axis] = slice(n - s, None), slice(0, n - s)
            x = concat([strided_slice(x, tuple(head)), strided_slice(x, tuple(tail))], axis)
    return x


def _shift_axes(x, axes):
    if axes is None:
        return list(range(x.shape.rank))
    return [int(a) % x.shape.rank for a in (axes if isinstance(axes, (list, tuple)) else [axes])]


def fftshift(x, axes=None, name=None):
    """Move the zero-frequency entry to the centre: roll each axis by n // 2."""
    x = convert_to_tensor(x)
    out = _roll(x, [(a, x.shape.dims[a] // 2) for a in _shift_axes(x, axes)])
    return out if name is None else add(out, 0, name)


def ifftshift(x, axes=None, name=None):
    x = convert_to_tensor(x)
    out = _roll(x, [(a, -(x.shape.dims[a] // 2)) for a in _shift_axes(x, axes)])
    return out if name is None else add(out, 0, name)
