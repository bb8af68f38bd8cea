"""tf.image for dense images ([height, width, channels] or a batch of them): resizing, crops and
pads, flips and rotations, colour spaces and adjustments, dtype conversion, quality metrics
(psnr, ssim), gradients and patches, boxes (crop_and_resize, drawing, non-max suppression) and
random augmentation. Written with public ops (gradients for free) except box drawing and non-max
suppression (ops/image.py); resize weights come from api/image_resize.py."""
from __future__ import annotations

import math as _pymath

import numpy as np

from ... import dtypes
from .. import box_proposals as _box_proposals  # noqa: F401  (importing the op family registers its OpDef)
from ..convert import convert_to_tensor, python_value
from ..dispatch import apply
from ..static_value import constant_value, static_int
from .construct import constant, ones_like, zeros_like
from .image_resize import ResizeMethod, resize_4d
from .linalg import tensordot
from .logic import equal, greater_equal, less, logical_and, where
from .math import (
    abs,
    add,
    cast,
    ceil,
    clip_by_value,
    divide,
    floor,
    floormod,
    log,
    maximum,
    multiply,
    pow,
    relu,
    saturate_cast,
    sqrt,
    square,
    subtract,
)
from .nn import avg_pool2d, softmax
from .nn_extra import depthwise_conv2d
from .op_call import argument_error, opdef
from .random import random_uniform
from .reduce import reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum
from .shape import (
    concat,
    expand_dims,
    gather,
    gather_nd,
    pad,
    reshape,
    squeeze,
    stack,
    strided_slice,
    tile,
    transpose,
    unstack,
)

# ---- shapes and batches ---------------------------------------------------------------------------

def _image(image, fn, ranks=(3, 4)):
    x = convert_to_tensor(image)
    if x.shape.rank not in ranks:
        raise ValueError(f"{fn}: image must be {' or '.join(f'{r}-D' for r in ranks)} "
                         f"([batch,] height, width, channels), got shape {x.shape}")
    return x


def _as_batch(x):
    """(4-D tensor, whether x was a single 3-D image)."""
    return (expand_dims(x, 0), True) if x.shape.rank == 3 else (x, False)


def _unbatch(y, single):
    return squeeze(y, [0]) if single else y


def _hw(x):
    h, w = x.shape.dims[-3:-1]
    if h is None or w is None:
        raise ValueError(f"tf.image needs the height and width when the graph is built, got {x.shape}")
    return h, w



def _slice_hw(x, top, left, height, width):
    return strided_slice(x, (Ellipsis, slice(top, top + height), slice(left, left + width), slice(None)))


# ---- flips, rotations, crops, pads --------------------------------------------------------------------

def flip_left_right(image):
    x = _image(image, "flip_left_right")
    return strided_slice(x, (Ellipsis, slice(None, None, -1), slice(None)))


def flip_up_down(image):
    x = _image(image, "flip_up_down")
    return strided_slice(x, (Ellipsis, slice(None, None, -1), slice(None), slice(None)))


def transpose_image(image, name=None):
    """Swap height and width."""
    x = _image(image, "transpose")
    r = x.shape.rank
    return transpose(x, [1, 0, 2] if r == 3 else [0, 2, 1, 3], name=name)


def rot90(image, k=1, name=None):
    """Rotate counter-clockwise by k quarter turns."""
    x = _image(image, "rot90")
    k = static_int(k, "k") % 4
    for _ in range(k):
        x = flip_up_down(transpose_image(x))
    return x


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    x = _image(image, "crop_to_bounding_box")
    h, w = _hw(x)
    top, left = static_int(offset_height, "offset_height"), static_int(offset_width, "offset_width")
    th, tw = static_int(target_height, "target_height"), static_int(target_width, "target_width")
    if top < 0 or left < 0 or th <= 0 or tw <= 0 or top + th > h or left + tw > w:
        raise ValueError(f"crop_to_bounding_box: the box (offset {top}, {left}, size {th}x{tw}) must lie inside "
                         f"the {h}x{w} image")
    return _slice_hw(x, top, left, th, tw)


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    x = _image(image, "pad_to_bounding_box")
    h, w = _hw(x)
    top, left = static_int(offset_height, "offset_height"), static_int(offset_width, "offset_width")
    th, tw = static_int(target_height, "target_height"), static_int(target_width, "target_width")
    if top < 0 or left < 0 or th < h + top or tw < w + left:
        raise ValueError(f"pad_to_bounding_box: a {h}x{w} image at offset ({top}, {left}) does not fit "
                         f"{th}x{tw}")
    pads = [[top, th - h - top], [left, tw - w - left], [0, 0]]
    return pad(x, ([[0, 0]] if x.shape.rank == 4 else []) + pads)


def central_crop(image, central_fraction):
    x = _image(image, "central_crop")
    f = float(python_value(central_fraction))
    if not 0.0 < f <= 1.0:
        raise ValueError("central_fraction must be within (0, 1]")
    if f == 1.0:
        return x
    h, w = _hw(x)
    top, left = int((h - h * f) / 2), int((w - w * f) / 2)
    return _slice_hw(x, top, left, h - 2 * top, w - 2 * left)


def resize_with_crop_or_pad(image, target_height, target_width):
    """Centre-crop or zero-pad (evenly, the extra row/column at the end) to the target size."""
    x = _image(image, "resize_with_crop_or_pad")
    h, w = _hw(x)
    th, tw = static_int(target_height, "target_height"), static_int(target_width, "target_width")
    if th <= 0 or tw <= 0:
        raise ValueError("resize_with_crop_or_pad: target sizes must be positive")
    crop_h, crop_w = max(h - th, 0), max(w - tw, 0)
    x = _slice_hw(x, crop_h // 2, crop_w // 2, min(h, th), min(w, tw))
    ch, cw = min(h, th), min(w, tw)
    pad_h, pad_w = max(th - h, 0), max(tw - w, 0)
    return pad_to_bounding_box(x, pad_h // 2, pad_w // 2, ch + pad_h, cw + pad_w)


def _resize_size(size):
    """[height, width] as ints where known while the graph is built, else scalar int tensors."""
    if isinstance(size, (list, tuple)):
        parts = list(size)
    else:
        known = python_value(size) if not hasattr(size, "op") else constant_value(size)
        parts = list(np.ravel(known)) if known is not None else list(unstack(convert_to_tensor(size), 2))
    if len(parts) != 2:
        raise ValueError(f"resize: size must be 2 ints [new_height, new_width], got {size}")
    out = []
    for p in parts:
        value = python_value(p) if not hasattr(p, "op") else constant_value(p)
        if value is None:
            out.append(p)
            continue
        if int(value) <= 0:
            raise ValueError(f"resize: size must be 2 positive ints [new_height, new_width], got {size}")
        out.append(int(value))
    return out


def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False, antialias=False, name=None):
    """Resize to `size` = [height, width] with `method` (a ResizeMethod name). Every method but
    nearest returns float32; nearest keeps the dtype. The sizes, and the images' height and width,
    may be graph tensors known only when the graph runs."""
    x = _image(images, "resize")
    th, tw = _resize_size(size)
    if preserve_aspect_ratio:
        h, w = _hw(x)
        if not isinstance(th, int) or not isinstance(tw, int):
            raise ValueError("resize: preserve_aspect_ratio needs the size when the graph is built")
        scale = min(th / h, tw / w)
        th, tw = max(int(round(h * scale)), 1), max(int(round(w * scale)), 1)
    batch, single = _as_batch(x)
    method = method.lower() if isinstance(method, str) else method
    out = resize_4d(batch, th, tw, method, bool(antialias))
    return _unbatch(out, single)


def resize_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR, antialias=False):
    """Resize keeping the aspect ratio, then zero-pad to the target size (centred)."""
    x = _image(image, "resize_with_pad")
    h, w = _hw(x)
    th, tw = static_int(target_height, "target_height"), static_int(target_width, "target_width")
    f32 = np.float32
    ratio = max(f32(w) / f32(tw), f32(h) / f32(th))
    rh_f, rw_f = f32(h) / ratio, f32(w) / ratio
    resized = resize(x, [int(np.floor(rh_f)), int(np.floor(rw_f))], method=method, antialias=antialias)
    top, left = max(0, int(np.floor((f32(th) - rh_f) / 2))), max(0, int(np.floor((f32(tw) - rw_f) / 2)))
    return pad_to_bounding_box(resized, top, left, th, tw)


# ---- dtype conversion ---------------------------------------------------------------------------------

def _max_of(dtype):
    return float(np.iinfo(dtype.as_numpy_dtype).max) if dtype.is_integer else 1.0


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Cast with rescaling: floats live in [0, 1], integers in [0, MAX]."""
    x = convert_to_tensor(image)
    dtype = dtypes.as_dtype(dtype)
    if x.dtype is dtype:
        return x
    to = saturate_cast if saturate else cast
    if x.dtype.is_integer and dtype.is_integer:
        in_max, out_max = int(_max_of(x.dtype)), int(_max_of(dtype))
        if in_max > out_max:
            from .math import floordiv
            return to(floordiv(x, (in_max + 1) // (out_max + 1)), dtype)
        return multiply(cast(x, dtype), (out_max + 1) // (in_max + 1))
    if x.dtype.is_floating and dtype.is_floating:
        return cast(x, dtype)
    if x.dtype.is_integer:
        return multiply(cast(x, dtype), 1.0 / _max_of(x.dtype))
    return to(multiply(x, _max_of(dtype) + 0.5), dtype)


def _to_float(x):
    """(float image, dtype to convert back to) as TensorFlow's adjust_* functions do."""
    if x.dtype in (dtypes.float16, dtypes.float32):
        return x, None
    return convert_image_dtype(x, dtypes.float32), x.dtype


def _back(y, orig, saturate=False):
    return y if orig is None else convert_image_dtype(y, orig, saturate=saturate)


# ---- colour spaces ----------------------------------------------------------------------------------

_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617], [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021], [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512], [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _check_rgb(x, fn):
    if x.shape.rank is None or x.shape.rank < 1 or x.shape.dims[-1] not in (None, 3):
        raise ValueError(f"{fn}: the last dimension must be 3 (RGB), got shape {x.shape}")


def _mix(images, kernel, fn):
    x = convert_to_tensor(images)
    _check_rgb(x, fn)
    k = constant(np.asarray(kernel, np.float64), dtype=x.dtype)
    return tensordot(x, k, [[x.shape.rank - 1], [0]])


def rgb_to_yiq(images):
    return _mix(images, _RGB_TO_YIQ, "rgb_to_yiq")


def yiq_to_rgb(images):
    return _mix(images, _YIQ_TO_RGB, "yiq_to_rgb")


def rgb_to_yuv(images):
    return _mix(images, _RGB_TO_YUV, "rgb_to_yuv")


def yuv_to_rgb(images):
    return _mix(images, _YUV_TO_RGB, "yuv_to_rgb")


def rgb_to_grayscale(images, name=None):
    """Luma 0.2989 R + 0.587 G + 0.114 B, keeping a channel axis of size 1 and the dtype."""
    x = convert_to_tensor(images)
    _check_rgb(x, "rgb_to_grayscale")
    flt = convert_image_dtype(x, dtypes.float32)
    gray = reduce_sum(multiply(flt, constant([0.2989, 0.587, 0.114], dtype=dtypes.float32)), -1, keepdims=True)
    return convert_image_dtype(gray, x.dtype, name=name)


def grayscale_to_rgb(images, name=None):
    x = convert_to_tensor(images)
    if x.shape.rank is None or x.shape.rank < 2 or x.shape.dims[-1] not in (None, 1):
        raise ValueError(f"grayscale_to_rgb: the last dimension must be 1, got shape {x.shape}")
    return tile(x, [1] * (x.shape.rank - 1) + [3])


def _channel(x, i):
    return gather(x, i, axis=x.shape.rank - 1)


def rgb_to_hsv(images, name=None):
    """Hue, saturation and value in [0, 1] from float RGB in [0, 1]."""
    x = convert_to_tensor(images)
    _check_rgb(x, "rgb_to_hsv")
    r, g, b = (_channel(x, i) for i in range(3))
    v = reduce_max(x, -1)
    spread = subtract(v, reduce_min(x, -1))
    s = where(greater_equal(zeros_like(v), v), zeros_like(v), divide(spread, where(equal(v, 0.0), ones_like(v), v)))
    norm = divide(1.0, multiply(where(equal(spread, 0.0), ones_like(spread), spread), 6.0))
    h = where(equal(r, v), multiply(norm, subtract(g, b)),
              where(equal(g, v), add(multiply(norm, subtract(b, r)), 2.0 / 6.0),
                    add(multiply(norm, subtract(r, g)), 4.0 / 6.0)))
    h = where(greater_equal(zeros_like(spread), spread), zeros_like(h), h)
    h = where(less(h, 0.0), add(h, 1.0), h)
    return stack([h, s, v], axis=-1, name=name)


def hsv_to_rgb(images, name=None):
    x = convert_to_tensor(images)
    _check_rgb(x, "hsv_to_rgb")
    h, s, v = (_channel(x, i) for i in range(3))
    c = multiply(s, v)
    m = subtract(v, c)
    dh = multiply(h, 6.0)
    xx = multiply(c, subtract(1.0, abs(subtract(floormod(dh, 2.0), 1.0))))
    sector = floor(dh)
    zero = zeros_like(c)
    table = [(c, xx, zero), (xx, c, zero), (zero, c, xx), (zero, xx, c), (xx, zero, c), (c, zero, xx)]
    rgb = []
    for ch in range(3):
        value = zero
        for k, row in enumerate(table):
            value = where(equal(sector, float(k)), row[ch], value)
        rgb.append(add(value, m))
    return stack(rgb, axis=-1, name=name)


# ---- adjustments -------------------------------------------------------------------------------------

def adjust_brightness(image, delta):
    x, orig = _to_float(convert_to_tensor(image))
    return _back(add(x, delta), orig, saturate=True)


def adjust_contrast(images, contrast_factor):
    """(x - mean) * factor + mean, the mean per image and channel."""
    x, orig = _to_float(convert_to_tensor(images))
    mean = reduce_mean(x, [-3, -2], keepdims=True)
    return _back(add(multiply(subtract(x, mean), contrast_factor), mean), orig, saturate=True)


def adjust_gamma(image, gamma=1, gain=1):
    """gain * image ** gamma (gamma must be non-negative)."""
    x = convert_to_tensor(image)
    g = python_value(gamma)
    if isinstance(g, (int, float, np.number)) and g < 0:
        raise ValueError("adjust_gamma: gamma must be non-negative")
    flt, orig = _to_float(x)
    return _back(multiply(pow(flt, gamma), gain), orig, saturate=True)


def adjust_hue(image, delta, name=None):
    d = python_value(delta)
    if isinstance(d, (int, float, np.number)) and not -1 <= d <= 1:
        raise ValueError("delta must be in the interval [-1, 1]")
    x, orig = _to_float(convert_to_tensor(image))
    hsv = rgb_to_hsv(x)
    h = floormod(add(_channel(hsv, 0), delta), 1.0)
    return _back(hsv_to_rgb(stack([h, _channel(hsv, 1), _channel(hsv, 2)], -1)), orig)


def adjust_saturation(image, saturation_factor, name=None):
    x, orig = _to_float(convert_to_tensor(image))
    hsv = rgb_to_hsv(x)
    s = clip_by_value(multiply(_channel(hsv, 1), saturation_factor), 0.0, 1.0)
    return _back(hsv_to_rgb(stack([_channel(hsv, 0), s, _channel(hsv, 2)], -1)), orig)


def per_image_standardization(image):
    """(x - mean) / max(stddev, 1 / sqrt(number of elements)) per image."""
    x = _image(image, "per_image_standardization")
    x = cast(x, dtypes.float32)
    h, w = _hw(x)
    n = h * w * x.shape.dims[-1]
    mean = reduce_mean(x, [-1, -2, -3], keepdims=True)
    std = sqrt(reduce_mean(square(subtract(x, mean)), [-1, -2, -3], keepdims=True))
    return divide(subtract(x, mean), maximum(std, 1.0 / _pymath.sqrt(n)))


# ---- metrics and filters ------------------------------------------------------------------------------

def total_variation(images, name=None):
    """Sum of absolute differences of neighbouring pixels, per image."""
    x = _image(images, "total_variation")
    dy = subtract(strided_slice(x, (Ellipsis, slice(1, None), slice(None), slice(None))),
                  strided_slice(x, (Ellipsis, slice(None, -1), slice(None), slice(None))))
    dx = subtract(strided_slice(x, (Ellipsis, slice(1, None), slice(None))),
                  strided_slice(x, (Ellipsis, slice(None, -1), slice(None))))
    axes = [-3, -2, -1]
    return add(reduce_sum(abs(dy), axes), reduce_sum(abs(dx), axes), name)


def psnr(a, b, max_val, name=None):
    """Peak signal-to-noise ratio in dB, per image, computed in float32."""
    x, y = convert_to_tensor(a), convert_to_tensor(b)
    max_val = convert_image_dtype(cast(max_val, x.dtype), dtypes.float32)
    x, y = convert_image_dtype(x, dtypes.float32), convert_image_dtype(y, dtypes.float32)
    mse = reduce_mean(square(subtract(x, y)), [-3, -2, -1])
    return subtract(multiply(log(max_val), 20.0 / _pymath.log(10.0)), multiply(log(mse), 10.0 / _pymath.log(10.0)),
                    name)


def _gauss_kernel(size, sigma):
    coords = np.arange(size, dtype=np.float32) - (size - 1) / 2.0
    g = np.square(coords) * (-0.5 / np.float32(sigma) ** 2)
    g = reshape(constant((g[None, :] + g[:, None]).reshape(1, -1), dtype=dtypes.float32), [1, -1])
    return reshape(softmax(g), [size, size, 1, 1])


def _ssim_per_channel(x, y, max_val, filter_size, filter_sigma, k1, k2):
    h, w = _hw(x)
    if h < filter_size or w < filter_size:
        raise argument_error("SSIM", f"images of {h}x{w} are smaller than the {filter_size}x{filter_size} filter")
    channels = x.shape.dims[-1]
    kernel = tile(_gauss_kernel(filter_size, filter_sigma), [1, 1, channels, 1])
    lead = x.shape.dims[:-3]

    def reducer(t):
        flat = reshape(t, [-1, h, w, channels])
        out = depthwise_conv2d(flat, kernel, [1, 1, 1, 1], "VALID")
        return reshape(out, list(lead) + list(out.shape.dims[1:]))

    c1, c2 = square(multiply(max_val, k1)), square(multiply(max_val, k2))
    mean0, mean1 = reducer(x), reducer(y)
    num0 = multiply(multiply(mean0, mean1), 2.0)
    den0 = add(square(mean0), square(mean1))
    luminance = divide(add(num0, c1), add(den0, c1))
    num1 = multiply(reducer(multiply(x, y)), 2.0)
    den1 = reducer(add(square(x), square(y)))
    cs = divide(add(subtract(num1, num0), c2), add(subtract(den1, den0), c2))
    return reduce_mean(multiply(luminance, cs), [-3, -2]), reduce_mean(cs, [-3, -2])


def _ssim_inputs(img1, img2, max_val):
    x, y = convert_to_tensor(img1), convert_to_tensor(img2)
    if x.shape.rank is None or x.shape.rank < 3 or not x.shape.is_compatible_with(y.shape):
        raise ValueError(f"ssim: images must be at least 3-D and of one shape, got {x.shape} and {y.shape}")
    max_val = convert_image_dtype(cast(max_val, x.dtype), dtypes.float32)
    return convert_image_dtype(x, dtypes.float32), convert_image_dtype(y, dtypes.float32), max_val


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, return_index_map=False):
    """Structural similarity per image, averaged over channels (Gaussian window, 'VALID')."""
    if return_index_map:
        raise ValueError("ssim: return_index_map=True is not supported")
    x, y, max_val = _ssim_inputs(img1, img2, max_val)
    per_channel, _ = _ssim_per_channel(x, y, max_val, filter_size, filter_sigma, k1, k2)
    return reduce_mean(per_channel, [-1])


_MS_SSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def ssim_multiscale(img1, img2, max_val, power_factors=_MS_SSIM_WEIGHTS, filter_size=11, filter_sigma=1.5,
                    k1=0.01, k2=0.03):
    """Multi-scale SSIM: contrast-structure at each 2x-downsampled scale, SSIM at the last."""
    x, y, max_val = _ssim_inputs(img1, img2, max_val)
    mcs = []
    per_channel = None
    lead = x.shape.dims[:-3]
    for k in range(len(power_factors)):
        if k > 0:
            scaled = []
            for t in (x, y):
                h, w = _hw(t)
                flat = reshape(t, [-1, h, w, t.shape.dims[-1]])
                if h % 2 or w % 2:
                    flat = pad(flat, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]], mode="SYMMETRIC")
                down = avg_pool2d(flat, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
                scaled.append(reshape(down, list(lead) + list(down.shape.dims[1:])))
            x, y = scaled
        per_channel, cs = _ssim_per_channel(x, y, max_val, filter_size, filter_sigma, k1, k2)
        mcs.append(relu(cs))
    mcs.pop()
    stacked = stack(mcs + [relu(per_channel)], axis=-1)
    factors = constant(np.asarray(power_factors, np.float32))
    return reduce_mean(reduce_prod(pow(stacked, factors), [-1]), [-1])


def sobel_edges(image):
    """[batch, h, w, d, 2]: the vertical (dy) and horizontal (dx) Sobel responses, reflect-padded."""
    x = _image(image, "sobel_edges", ranks=(4,))
    d = x.shape.dims[-1]
    kernels = np.transpose(np.asarray([[[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
                                       [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]]), (1, 2, 0))[:, :, None, :]
    k = tile(constant(kernels, dtype=x.dtype), [1, 1, d, 1])
    padded = pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    out = depthwise_conv2d(padded, k, [1, 1, 1, 1], "VALID")
    return reshape(out, x.shape.as_list()[:1] + x.shape.as_list()[1:] + [2] if None not in x.shape.as_list()
                   else [-1] + x.shape.as_list()[1:] + [2])


def image_gradients(image):
    """(dy, dx): forward differences, zero in the last row / column."""
    x = _image(image, "image_gradients", ranks=(4,))
    dy = subtract(strided_slice(x, (slice(None), slice(1, None))), strided_slice(x, (slice(None), slice(None, -1))))
    dx = subtract(strided_slice(x, (slice(None), slice(None), slice(1, None))),
                  strided_slice(x, (slice(None), slice(None), slice(None, -1))))
    dy = pad(dy, [[0, 0], [0, 1], [0, 0], [0, 0]])
    dx = pad(dx, [[0, 0], [0, 0], [0, 1], [0, 0]])
    return dy, dx


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """[batch, out_h, out_w, kh * kw * depth]: each patch flattened row by row."""
    x = _image(images, "extract_patches", ranks=(4,))
    from ..nn import conv_out_size
    (kh, kw), (sh, sw), (rh, rw) = ([int(v) for v in p[1:3]] for p in (sizes, strides, rates))
    h, w = _hw(x)
    pad_mode = padding.upper()
    oh, (pt, pb) = conv_out_size(h, kh, sh, rh, pad_mode)
    ow, (pl, pr) = conv_out_size(w, kw, sw, rw, pad_mode)
    xp = pad(x, [[0, 0], [pt, pb], [pl, pr], [0, 0]])
    taps = [strided_slice(xp, (slice(None), slice(i * rh, i * rh + (oh - 1) * sh + 1, sh),
                               slice(j * rw, j * rw + (ow - 1) * sw + 1, sw)))
            for i in range(kh) for j in range(kw)]
    return concat(taps, -1, name=name)


# ---- boxes -----------------------------------------------------------------------------------------

def crop_and_resize(image, boxes, box_indices, crop_size, method="bilinear", extrapolation_value=0.0, name=None):
    """Crop each normalised box [y1, x1, y2, x2] of image[box_indices[i]] and resample it to
    crop_size with bilinear or nearest sampling; samples outside the image get extrapolation_value."""
    x = cast(_image(image, "crop_and_resize", ranks=(4,)), dtypes.float32)
    b = convert_to_tensor(boxes, dtype_hint=dtypes.float32)
    idx = convert_to_tensor(box_indices)
    ch, cw = (int(v) for v in np.ravel(python_value(crop_size)))
    h, w = _hw(x)

    def coords(lo, hi, size, crop):
        steps = np.arange(crop, dtype=np.float32)
        if crop > 1:
            scale = multiply(subtract(hi, lo), (size - 1) / (crop - 1))
            return add(expand_dims(multiply(lo, float(size - 1)), -1), multiply(expand_dims(scale, -1), steps))
        return expand_dims(multiply(add(lo, hi), 0.5 * (size - 1)), -1)

    ys = coords(_channel(b, 0), _channel(b, 2), h, ch)            # [boxes, ch]
    xs = coords(_channel(b, 1), _channel(b, 3), w, cw)            # [boxes, cw]
    valid = logical_and(expand_dims(_inside(ys, h), -1), expand_dims(_inside(xs, w), -2))   # [boxes, ch, cw]
    images = gather(x, idx)                                          # [boxes, h, w, c]
    if method == "nearest":
        yi = cast(clip_by_value(_round_half_away(ys), 0.0, h - 1.0), dtypes.int32)
        xi = cast(clip_by_value(_round_half_away(xs), 0.0, w - 1.0), dtypes.int32)
        out = _sample(images, yi, xi)
    elif method == "bilinear":
        y0f, x0f = floor(ys), floor(xs)
        dy, dx = expand_dims(expand_dims(subtract(ys, y0f), -1), -1), expand_dims(expand_dims(subtract(xs, x0f), 1), -1)
        y0 = cast(clip_by_value(y0f, 0.0, h - 1.0), dtypes.int32)
        # the upper neighbour is ceil (not floor + 1), as TensorFlow's: on an exact grid line both
        # neighbours coincide, so the gradient with respect to the box is 0 there
        y1 = cast(clip_by_value(ceil(ys), 0.0, h - 1.0), dtypes.int32)
        x0 = cast(clip_by_value(x0f, 0.0, w - 1.0), dtypes.int32)
        x1 = cast(clip_by_value(ceil(xs), 0.0, w - 1.0), dtypes.int32)
        top = add(_sample(images, y0, x0), multiply(subtract(_sample(images, y0, x1), _sample(images, y0, x0)), dx))
        bottom = add(_sample(images, y1, x0), multiply(subtract(_sample(images, y1, x1), _sample(images, y1, x0)), dx))
        out = add(top, multiply(subtract(bottom, top), dy))
    else:
        raise ValueError(f"crop_and_resize: method must be 'bilinear' or 'nearest', got {method!r}")
    return where(expand_dims(valid, -1), out, zeros_like(out) + extrapolation_value, name)


def _inside(coords, size):
    return logical_and(greater_equal(coords, 0.0), greater_equal(size - 1.0, coords))


def _round_half_away(v):
    return where(greater_equal(v, 0.0), floor(add(v, 0.5)), -floor(add(-v, 0.5)))


def _sample(images, yi, xi):
    """images[b, yi[b, i], xi[b, j]] for every box b: [boxes, ch, cw, channels]."""
    rows = gather(images, yi, axis=1, batch_dims=1)                 # [boxes, ch, w, c]
    return gather(rows, xi, axis=2, batch_dims=1)                   # [boxes, ch, cw, c]


def extract_glimpse(input, size, offsets, centered=True, normalized=True, noise="uniform", name=None):  # noqa: A002
    """[batch, gh, gw, c] windows of the images at `offsets` ([batch, 2] as (y, x)): with centered
    and normalized, (y + 1) / 2 of the image minus half the glimpse; centered alone, pixels from
    the centre; normalized alone, fractions of the size; neither, pixels. Cells outside the image
    are filled with `noise`: 'uniform' in [min, max] of the image, 'gaussian' with its mean and
    stddev, or 'zero'."""
    x = cast(_image(input, "extract_glimpse", ranks=(4,)), dtypes.float32)
    off = convert_to_tensor(offsets, dtype_hint=dtypes.float32)
    gh, gw = (int(v) for v in np.ravel(python_value(size)))
    h, w = _hw(x)
    if noise not in ("uniform", "gaussian", "zero"):
        raise ValueError(f"extract_glimpse: noise must be 'uniform', 'gaussian' or 'zero', got {noise!r}")

    def start(o, n, g):
        if centered and normalized:
            return subtract(multiply(add(o, 1.0), n / 2.0), g / 2.0)
        if centered:
            return add(o, n / 2.0)
        return multiply(o, float(n)) if normalized else o

    def index(o, n, g):
        first = cast(start(o, n, g), dtypes.int32)                        # truncated, as TF
        pos = add(expand_dims(first, -1), constant(np.arange(g, dtype=np.int32)))
        inside = logical_and(greater_equal(pos, 0), less(pos, n))
        return clip_by_value(pos, 0, n - 1), inside

    rows, row_ok = index(_channel(off, 0), h, gh)
    cols, col_ok = index(_channel(off, 1), w, gw)
    glimpse = gather(gather(x, rows, axis=1, batch_dims=1), cols, axis=2, batch_dims=1)
    inside = expand_dims(logical_and(expand_dims(row_ok, -1), expand_dims(col_ok, -2)), -1)
    shape_ = [x.shape.dims[0] or -1, gh, gw, x.shape.dims[-1]]
    if noise == "zero":
        fill = zeros_like(glimpse)
    elif noise == "uniform":
        lo = reduce_min(x, [1, 2, 3], keepdims=True)
        fill = add(lo, multiply(random_uniform(shape_), subtract(reduce_max(x, [1, 2, 3], keepdims=True), lo)))
    else:
        from .random import random_normal
        mean = reduce_mean(x, [1, 2, 3], keepdims=True)
        std = sqrt(reduce_mean(square(subtract(x, mean)), [1, 2, 3], keepdims=True))
        fill = add(mean, multiply(random_normal(shape_), std))
    return where(inside, glimpse, fill, name)


def is_jpeg(contents, name=None):
    """Whether the encoded image starts with JPEG's marker bytes FF D8 FF."""
    from .strings import substr
    return equal(substr(convert_to_tensor(contents), 0, 3), b"\xff\xd8\xff", name=name)


def draw_bounding_boxes(images, boxes, colors, name=None):
    x = convert_to_tensor(images)
    b = convert_to_tensor(boxes, dtype_hint=dtypes.float32)
    c = convert_to_tensor(np.zeros((0, 4), np.float32) if colors is None else colors, dtype_hint=dtypes.float32)
    return apply(opdef("DrawBoundingBoxesV2"), (x, b, c), {}, name)


def _nms_attrs(max_output_size, iou_threshold, score_threshold, soft_nms_sigma=0.0, pad=False):
    return {"max_output_size": static_int(max_output_size, "max_output_size"),
            "iou_threshold": float(python_value(iou_threshold)),
            "score_threshold": float(python_value(score_threshold)),
            "soft_nms_sigma": float(python_value(soft_nms_sigma)), "pad_to_max_output_size": bool(pad)}


def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=float("-inf"),
                        name=None):
    """Indices of up to max_output_size boxes by descending score, dropping any box whose IoU with
    a kept one exceeds iou_threshold."""
    b, s = convert_to_tensor(boxes), convert_to_tensor(scores)
    return apply(opdef("NonMaxSuppressionV5"), (b, s), _nms_attrs(max_output_size, iou_threshold, score_threshold),
                 name)[0]


def non_max_suppression_with_scores(boxes, scores, max_output_size, iou_threshold=0.5,
                                    score_threshold=float("-inf"), soft_nms_sigma=0.0, name=None):
    """(indices, their scores); with soft_nms_sigma > 0 overlapping boxes are rescored (Soft-NMS)."""
    b, s = convert_to_tensor(boxes), convert_to_tensor(scores)
    out = apply(opdef("NonMaxSuppressionV5"), (b, s),
                _nms_attrs(max_output_size, iou_threshold, score_threshold, soft_nms_sigma), name)
    return out[0], out[1]


def non_max_suppression_padded(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=float("-inf"),
                               pad_to_max_output_size=False, name=None, sorted_input=False,
                               canonicalized_coordinates=False, tile_size=512):
    """(indices, number valid), indices zero-padded to max_output_size when asked."""
    b, s = convert_to_tensor(boxes), convert_to_tensor(scores)
    out = apply(opdef("NonMaxSuppressionV5"), (b, s),
                _nms_attrs(max_output_size, iou_threshold, score_threshold, pad=pad_to_max_output_size), name)
    return out[0], out[2]


def non_max_suppression_overlaps(overlaps, scores, max_output_size, overlap_threshold=0.5,
                                 score_threshold=float("-inf"), name=None):
    o, s = convert_to_tensor(overlaps), convert_to_tensor(scores)
    return apply(opdef("NonMaxSuppressionWithOverlaps"), (o, s),
                 _nms_attrs(max_output_size, overlap_threshold, score_threshold), name)[0]


def combined_non_max_suppression(boxes, scores, max_output_size_per_class, max_total_size, iou_threshold=0.5,
                                 score_threshold=float("-inf"), pad_per_class=False, clip_boxes=True, name=None):
    """Per image, non-max suppression class by class, then the best max_total_size detections:
    (boxes, scores, classes, number valid), zero-padded."""
    b = convert_to_tensor(boxes, dtype_hint=dtypes.float32)
    s = convert_to_tensor(scores, dtype_hint=dtypes.float32)
    attrs = {"max_output_size_per_class": static_int(max_output_size_per_class, "max_output_size_per_class"),
             "max_total_size": static_int(max_total_size, "max_total_size"),
             "iou_threshold": float(python_value(iou_threshold)),
             "score_threshold": float(python_value(score_threshold)),
             "pad_per_class": bool(pad_per_class), "clip_boxes": bool(clip_boxes)}
    return tuple(apply(opdef("CombinedNonMaxSuppression"), (b, s), attrs, name))


def generate_bounding_box_proposals(scores, bbox_deltas, image_info, anchors, nms_threshold=0.7, pre_nms_topn=6000,
                                    min_size=16, post_nms_topn=300, name=None):
    """(rois [images, post_nms_topn, 4], their scores), zero-padded: per image, the pre_nms_topn best-scored
    anchors ([height, width, anchors * 4], each [y1, x1, y2, x2]) moved by bbox_deltas ([dy, dx, dh, dw]),
    clipped to image_info's height and width, those narrower than min_size * scale dropped, then
    non-max suppression at nms_threshold. TensorFlow's own kernel runs on GPUs only (ops/box_proposals.py)."""
    inputs = tuple(convert_to_tensor(x, dtype=dtypes.float32) for x in (scores, bbox_deltas, image_info, anchors))
    attrs = {"nms_threshold": float(python_value(nms_threshold)),
             "pre_nms_topn": static_int(pre_nms_topn, "pre_nms_topn"), "min_size": float(python_value(min_size)),
             "post_nms_topn": static_int(post_nms_topn, "post_nms_topn")}
    return tuple(apply(opdef("GenerateBoundingBoxProposals"), inputs, attrs, name))


# ---- random augmentation ----------------------------------------------------------------------------

def _coin(x, seed):
    """Per image (batch) or single: whether to apply, with probability 1/2."""
    n = [x.shape.dims[0]] if x.shape.rank == 4 else []
    return less(random_uniform(n, seed=seed), 0.5)


def _random_flip(image, seed, flip, fn):
    x = _image(image, fn)
    coin = _coin(x, seed)
    if x.shape.rank == 4:
        coin = reshape(coin, [-1, 1, 1, 1])
    return where(coin, flip(x), x)


def random_flip_left_right(image, seed=None):
    return _random_flip(image, seed, flip_left_right, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    return _random_flip(image, seed, flip_up_down, "random_flip_up_down")


def random_brightness(image, max_delta, seed=None):
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_brightness(image, random_uniform([], -max_delta, max_delta, seed=seed))


def random_contrast(image, lower, upper, seed=None):
    if upper <= lower or lower < 0:
        raise ValueError("random_contrast needs 0 <= lower < upper")
    return adjust_contrast(image, random_uniform([], lower, upper, seed=seed))


def random_hue(image, max_delta, seed=None):
    if not 0 <= max_delta <= 0.5:
        raise ValueError("max_delta must be in the interval [0, 0.5].")
    return adjust_hue(image, random_uniform([], -max_delta, max_delta, seed=seed))


def random_saturation(image, lower, upper, seed=None):
    if upper <= lower or lower < 0:
        raise ValueError("random_saturation needs 0 <= lower < upper")
    return adjust_saturation(image, random_uniform([], lower, upper, seed=seed))


def random_crop(value, size, seed=None, name=None):
    """A crop of `size` at a uniformly random offset (every dim, size <= value's)."""
    x = convert_to_tensor(value)
    size = [int(s) for s in np.ravel(python_value(size))]
    dims = x.shape.as_list()
    if len(size) != len(dims) or any(s > d for s, d in zip(size, dims)):
        raise ValueError(f"random_crop: size {size} must fit shape {dims}")
    limit = constant([d - s + 1 for d, s in zip(dims, size)], dtype=dtypes.float32)
    offset = cast(floor(multiply(random_uniform([len(dims)], seed=seed), limit)), dtypes.int32)
    grids = np.stack(np.meshgrid(*[np.arange(s) for s in size], indexing="ij"), -1).astype(np.int32)
    return gather_nd(x, add(constant(grids), offset), name=name)



# ---- stateless augmentation: one result per seed --------------------------------------------------

def _seed(seed, fn):
    """A stateless op's seed: two integers known when the graph is built."""
    v = python_value(seed)
    if hasattr(v, "op"):
        v = constant_value(v)
    if v is None or np.size(v) != 2:
        raise ValueError(f"{fn}: seed must be a shape [2] integer tensor known when the graph is built, got {seed!r}")
    return tuple(int(s) for s in np.ravel(v))


def _seeded(seed, fn, shape, lo=0.0, hi=1.0):
    """Uniform floats in [lo, hi) determined by the seed alone, as a constant: the same in every mode
    and on every run."""
    from ..image import seeded_generator
    return constant(seeded_generator(_seed(seed, fn)).uniform(lo, hi, shape).astype(np.float32))


def _stateless_flip(image, seed, flip, fn):
    x = _image(image, fn)
    n = [x.shape.dims[0]] if x.shape.rank == 4 else []
    coin = less(_seeded(seed, fn, n), 0.5)
    if x.shape.rank == 4:
        coin = reshape(coin, [-1, 1, 1, 1])
    return where(coin, flip(x), x)


def stateless_random_flip_left_right(image, seed):
    return _stateless_flip(image, seed, flip_left_right, "stateless_random_flip_left_right")


def stateless_random_flip_up_down(image, seed):
    return _stateless_flip(image, seed, flip_up_down, "stateless_random_flip_up_down")


def stateless_random_brightness(image, max_delta, seed):
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_brightness(image, _seeded(seed, "stateless_random_brightness", [], -max_delta, max_delta))


def stateless_random_contrast(image, lower, upper, seed):
    if upper <= lower or lower < 0:
        raise ValueError("stateless_random_contrast needs 0 <= lower < upper")
    return adjust_contrast(image, _seeded(seed, "stateless_random_contrast", [], lower, upper))


def stateless_random_hue(image, max_delta, seed):
    if not 0 <= max_delta <= 0.5:
        raise ValueError("max_delta must be in the interval [0, 0.5].")
    return adjust_hue(image, _seeded(seed, "stateless_random_hue", [], -max_delta, max_delta))


def stateless_random_saturation(image, lower, upper, seed):
    if upper <= lower or lower < 0:
        raise ValueError("stateless_random_saturation needs 0 <= lower < upper")
    return adjust_saturation(image, _seeded(seed, "stateless_random_saturation", [], lower, upper))


def stateless_random_crop(value, size, seed, name=None):
    x = convert_to_tensor(value)
    size = [int(s) for s in np.ravel(python_value(size))]
    dims = x.shape.as_list()
    if len(size) != len(dims) or any(s > d for s, d in zip(size, dims)):
        raise ValueError(f"stateless_random_crop: size {size} must fit shape {dims}")
    u = _seeded(seed, "stateless_random_crop", [len(dims)])
    limit = constant([d - s + 1 for d, s in zip(dims, size)], dtype=dtypes.float32)
    offset = cast(floor(multiply(u, limit)), dtypes.int32)
    grids = np.stack(np.meshgrid(*[np.arange(s) for s in size], indexing="ij"), -1).astype(np.int32)
    return gather_nd(x, add(constant(grids), offset), name=name)


def _crop_box(image_size, bounding_boxes, min_object_covered, key, aspect_ratio_range, area_range, max_attempts,
              use_image_if_no_bounding_boxes, name):
    size = convert_to_tensor(image_size)
    boxes = convert_to_tensor(bounding_boxes, dtype_hint=dtypes.float32)
    attrs = {"key": key, "aspect_ratio_range": tuple(float(v) for v in aspect_ratio_range),
             "area_range": tuple(float(v) for v in area_range), "max_attempts": int(max_attempts or 100),
             "use_image_if_no_bounding_boxes": bool(use_image_if_no_bounding_boxes)}
    covered = convert_to_tensor(min_object_covered, dtype=dtypes.float32)
    return tuple(apply(opdef("SampleDistortedBoundingBoxV2"), (size, boxes, covered), attrs, name))


def sample_distorted_bounding_box(image_size, bounding_boxes, seed=0, min_object_covered=0.1,
                                  aspect_ratio_range=None, area_range=None, max_attempts=None,
                                  use_image_if_no_bounding_boxes=None, name=None):
    """(begin, size, box) of a random crop covering at least min_object_covered of a bounding box,
    with area and aspect ratio in the given ranges; new on every run."""
    from ..random import op_key
    return _crop_box(image_size, bounding_boxes, min_object_covered, op_key(seed or None),
                     aspect_ratio_range or (0.75, 1.33), area_range or (0.05, 1.0), max_attempts,
                     use_image_if_no_bounding_boxes, name)


def stateless_sample_distorted_bounding_box(image_size, bounding_boxes, seed, min_object_covered=0.1,
                                            aspect_ratio_range=None, area_range=None, max_attempts=None,
                                            use_image_if_no_bounding_boxes=None, name=None):
    """As sample_distorted_bounding_box, one crop per seed."""
    return _crop_box(image_size, bounding_boxes, min_object_covered,
                     ("stateless", _seed(seed, "stateless_sample_distorted_bounding_box")),
                     aspect_ratio_range or (0.75, 1.33), area_range or (0.05, 1.0), max_attempts,
                     use_image_if_no_bounding_boxes, name)
