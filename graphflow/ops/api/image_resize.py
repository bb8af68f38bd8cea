"""tf.image.resize as two interpolation matrices: every method (bilinear, bicubic, area, lanczos,
gaussian, mitchellcubic, with or without antialiasing) is linear and separable, so resizing is
einsum('oh,nhwc,pw->nopc'), with the weights computed here in numpy exactly as TensorFlow's kernels
compute them (by the ResizeWeights op when a size is known only when the graph runs). Gradients and
fusion come from einsum; nearest neighbour gathers instead, keeping
integer images exact."""
from __future__ import annotations

import math

import numpy as np

from ... import dtypes
from ...errors import InvalidArgumentError
from ...shapes import TensorShape
from ..convert import convert_to_tensor, is_tensorlike
from ..dispatch import apply
from ..registry import OpDef, Spec, get, register
from .linalg import einsum
from .math import cast
from .shape import gather, shape


class ResizeMethod:
    """The names tf.image.resize takes for `method`."""
    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


def _bilinear(in_size, out_size):
    """ResizeBilinear with half-pixel centers: the two neighbours of (o + 0.5) * scale - 0.5."""
    scale = in_size / out_size
    w = np.zeros((out_size, in_size))
    for o in range(out_size):
        src = (o + 0.5) * scale - 0.5
        lo_f = math.floor(src)
        lo, hi = max(lo_f, 0), min(math.ceil(src), in_size - 1)
        frac = src - lo_f
        w[o, lo] += 1 - frac
        w[o, hi] += frac
    return w


def _nearest_index(in_size, out_size):
    scale = in_size / out_size
    return [max(0, min(int(math.floor((o + 0.5) * scale)), in_size - 1)) for o in range(out_size)]


# ResizeBicubic reads the Keys kernel (A = -0.5 with half-pixel centers) from a 1024-entry table
_TABLE = 1024


def _keys_table(a=-0.5):
    x = np.arange(_TABLE + 1, dtype=np.float64) / _TABLE
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a
    return near.astype(np.float32), far.astype(np.float32)


def _bicubic(in_size, out_size):
    """ResizeBicubic with half-pixel centers: four taps, those outside the image dropped and the
    rest renormalised."""
    near, far = _keys_table()
    scale = in_size / out_size
    w = np.zeros((out_size, in_size))
    for o in range(out_size):
        src = (o + 0.5) * scale - 0.5
        base = math.floor(src)
        offset = int(round((src - base) * _TABLE))
        taps = [(base - 1, far[offset]), (base, near[offset]), (base + 1, near[_TABLE - offset]),
                (base + 2, far[_TABLE - offset])]
        kept = [(i, float(t)) for i, t in taps if 0 <= i < in_size]
        total = sum(t for _, t in kept)
        for i, t in kept:
            w[o, i] += t / total if abs(total) >= 1000 * np.finfo(np.float32).tiny else t
    return w


def _area(in_size, out_size):
    """ResizeArea: the mean over the input span [o * scale, (o + 1) * scale) with partial cells."""
    scale = in_size / out_size
    w = np.zeros((out_size, in_size))
    for o in range(out_size):
        start, end = o * scale, (o + 1) * scale
        for i in range(int(math.floor(start)), min(int(math.ceil(end)), in_size)):
            w[o, i] = (min(end, i + 1) - max(start, i)) / scale
    return w


def _lanczos(radius):
    def k(x):
        x = abs(x)
        if x > radius:
            return 0.0
        if x < 1e-12:
            return 1.0
        return radius * math.sin(math.pi * x) * math.sin(math.pi * x / radius) / (math.pi * x) ** 2
    return k, radius


def _mitchell(x):
    x = abs(x)
    if x >= 2:
        return 0.0
    if x >= 1:
        return (((-7.0 / 18.0) * x + 2.0) * x - 10.0 / 3.0) * x + 16.0 / 9.0
    return ((7.0 / 6.0) * x - 2.0) * x * x + 8.0 / 9.0


def _keys(x):
    x = abs(x)
    if x >= 2:
        return 0.0
    if x >= 1:
        return ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return (1.5 * x - 2.5) * x * x + 1.0


_KERNELS = {
    "lanczos3": _lanczos(3.0),
    "lanczos5": _lanczos(5.0),
    "gaussian": (lambda x: math.exp(-x * x / (2 * 0.5 * 0.5)) if abs(x) < 1.5 else 0.0, 1.5),
    "mitchellcubic": (_mitchell, 2.0),
    "triangle": (lambda x: max(0.0, 1.0 - abs(x)), 1.0),
    "keyscubic": (_keys, 2.0),
}


def _scale_and_translate(in_size, out_size, kernel_name, antialias):
    """ScaleAndTranslate (translation 0): the kernel around each output's source point, widened by
    the downscaling factor when antialiasing, over the cells it covers, normalised."""
    kernel, radius = _KERNELS[kernel_name]
    inv_scale = in_size / out_size
    kernel_scale = max(inv_scale, 1.0) if antialias else 1.0
    w = np.zeros((out_size, in_size))
    for o in range(out_size):
        sample = (o + 0.5) * inv_scale
        if sample < 0 or sample > in_size:
            continue
        start = int(math.ceil(sample - radius * kernel_scale - 0.5))
        end = int(math.floor(sample + radius * kernel_scale - 0.5))
        start, end = min(max(start, 0), in_size - 1), min(max(end, 0), in_size - 1) + 1
        weights = [kernel(abs((i + 0.5 - sample) / kernel_scale)) for i in range(start, end)]
        total = sum(weights)
        if abs(total) >= 1000 * np.finfo(np.float32).tiny:
            weights = [v / total for v in weights]
        w[o, start:end] = weights
    return w


def weights(method, in_size, out_size, antialias):
    """The [out_size, in_size] interpolation matrix of `method` along one axis."""
    if method == "bilinear":
        return _scale_and_translate(in_size, out_size, "triangle", True) if antialias else _bilinear(in_size, out_size)
    if method == "bicubic":
        return _scale_and_translate(in_size, out_size, "keyscubic", True) if antialias else _bicubic(in_size, out_size)
    if method == "area":
        return _area(in_size, out_size)
    if method in _KERNELS:
        return _scale_and_translate(in_size, out_size, method, antialias)
    raise ValueError(f"resize: unknown method {method!r}; use one of {sorted(vars(ResizeMethod).values())}")


# ---- sizes known only when the graph runs ---------------------------------------------------------------

def _resize_weights_infer(in_size, out_size, method, antialias):
    if method != "nearest" and method not in ("bilinear", "bicubic", "area") and method not in _KERNELS:
        raise ValueError(f"resize: unknown method {method!r}; use one of {sorted(vars(ResizeMethod).values())}")
    n_in, n_out = (None if s.value is None else int(np.asarray(s.value)) for s in (in_size, out_size))
    if method == "nearest":
        return [Spec(TensorShape((n_out,)), dtypes.int32)]
    return [Spec(TensorShape((n_out, n_in)), dtypes.float32)]


def _resize_weights(in_size, out_size, method, antialias):
    n_in, n_out = int(in_size), int(out_size)
    if n_out <= 0 or n_in <= 0:
        raise InvalidArgumentError(None, "ResizeWeights", f"ResizeWeights: the input and output sizes must be "
                                                          f"positive, got {n_in} -> {n_out}")
    if method == "nearest":
        return np.asarray(_nearest_index(n_in, n_out), np.int32)
    return weights(method, n_in, n_out, antialias).astype(np.float32)


# One axis's interpolation matrix (nearest: source indices) when a size is a graph tensor: the
# matrices of known sizes are constants built here, so such graphs are what they were before.
register(OpDef("ResizeWeights", _resize_weights_infer, _resize_weights, differentiable=False))


def _axis_weights(x, axis, out_size, method, antialias):
    """[out, in] weights (nearest: [out] indices) of `x`'s `axis` resized to `out_size`."""
    in_size = x.shape.dims[axis]
    if in_size is not None and not is_tensorlike(out_size):
        if method == "nearest":
            return _nearest_index(in_size, out_size)
        return convert_to_tensor(weights(method, in_size, out_size, antialias).astype(np.float32))
    sizes = [shape(x)[axis] if in_size is None else in_size, out_size]
    sizes = [s if is_tensorlike(s) else convert_to_tensor(s, dtypes.int32) for s in sizes]
    sizes = [s if s.dtype is dtypes.int32 else cast(s, dtypes.int32) for s in sizes]
    return apply(get("ResizeWeights"), tuple(sizes), {"method": method, "antialias": bool(antialias)})


def resize_4d(images, height, width, method, antialias):
    """Resize a [batch, h, w, c] tensor to (height, width); the sizes (in and out) may be graph
    tensors known only when the graph runs."""
    x = convert_to_tensor(images)
    if method == "nearest":
        if (x.shape.dims[1], x.shape.dims[2]) == (height, width):
            return x
        rows = gather(x, _axis_weights(x, 1, height, method, antialias), axis=1)
        return gather(rows, _axis_weights(x, 2, width, method, antialias), axis=2)
    if not x.dtype.is_floating or x.dtype is not dtypes.float32:
        x = cast(x, dtypes.float32)
    wh, ww = _axis_weights(x, 1, height, method, antialias), _axis_weights(x, 2, width, method, antialias)
    return einsum("oh,nhwc,pw->nopc", wh, x, ww)
