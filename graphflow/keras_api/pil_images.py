"""keras.utils image helpers: numpy arrays to and from PIL images and image files (pillow required).

Arrays are (height, width, channels) under "channels_last" and (channels, height, width) under
"channels_first"; the default is keras.config.image_data_format().
"""
from __future__ import annotations

import io
import os
import pathlib
import warnings

import numpy as np

from . import backend

_RESAMPLING = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")
_MODES = {"grayscale": ("L", ("L", "I;16", "I")), "rgb": ("RGB", ("RGB",)), "rgba": ("RGBA", ("RGBA",))}


def _pil():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("keras.utils image functions need pillow: pip install pillow") from None
    return Image


def _data_format(data_format: str | None) -> str:
    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"data_format must be 'channels_first' or 'channels_last', got {data_format!r}")
    return data_format


def array_to_img(x, data_format: str | None = None, scale: bool = True, dtype: str | None = None):
    """A PIL image from a rank-3 array with 1 (L, or I above 255), 3 (RGB) or 4 (RGBA) channels.

    `scale=True` maps the array's minimum to 0 and its maximum to 255 first.
    """
    Image = _pil()
    x = np.array(x, dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}")
    if _data_format(data_format) == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x = x / top
        x = x * 255
    channels = x.shape[2]
    if channels in (3, 4):
        return Image.fromarray(x.astype("uint8"), "RGB" if channels == 3 else "RGBA")
    if channels == 1:
        if np.max(x) > 255:        # 32-bit grey values that do not fit a byte
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels} (expected 1, 3 or 4)")


def img_to_array(img, data_format: str | None = None, dtype: str | None = None) -> np.ndarray:
    """A rank-3 array (a grey image gets a channel axis of 1) of dtype floatx() by default."""
    x = np.asarray(img, dtype=dtype or backend.floatx())
    channels_first = _data_format(data_format) == "channels_first"
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if channels_first else x
    if x.ndim == 2:
        return x[None] if channels_first else x[:, :, None]
    raise ValueError(f"Unsupported image shape: {x.shape}")


def save_img(path, x, data_format: str | None = None, file_format: str | None = None, scale: bool = True,
             **kwargs) -> None:
    """Write an array as an image file; the format comes from the file name unless `file_format` says it.

    An RGBA image saved as JPEG is converted to RGB (with a warning): JPEG has no alpha channel.
    """
    if file_format is None and isinstance(path, (str, os.PathLike)):
        file_format = pathlib.Path(path).suffix[1:].lower() or None
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.", stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def _center_crop_box(size: tuple, target: tuple) -> list:
    """The largest centred (left, top, right, bottom) box of the target's aspect ratio."""
    (width, height), (target_width, target_height) = size, target
    crop_height = min(height, width * target_height // target_width)
    crop_width = min(width, height * target_width // target_height)
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return [left, top, left + crop_width, top + crop_height]


def load_img(path, color_mode: str = "rgb", target_size: tuple | None = None, interpolation: str = "nearest",
             keep_aspect_ratio: bool = False):
    """A PIL image from a file (or a BytesIO), converted to `color_mode` and resized to
    `target_size=(height, width)` with PIL's `interpolation`; `keep_aspect_ratio` crops the
    centre to the target's aspect ratio before resizing."""
    Image = _pil()
    if isinstance(path, io.BytesIO):
        img = Image.open(path)
    elif isinstance(path, (str, bytes, os.PathLike)):
        with open(path, "rb") as f:          # read now: the image must not keep the file open
            img = Image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode not in _MODES:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    mode, accepted = _MODES[color_mode]
    if img.mode not in accepted:
        img = img.convert(mode)
    if target_size is not None:
        size = (int(target_size[1]), int(target_size[0]))
        if img.size != size:
            if interpolation not in _RESAMPLING:
                raise ValueError(f"Invalid interpolation method {interpolation} specified. Supported methods are "
                                 f"{', '.join(_RESAMPLING)}")
            resample = getattr(Image.Resampling, interpolation.upper())
            box = _center_crop_box(img.size, size) if keep_aspect_ratio else None
            img = img.resize(size, resample, box=box)
    return img
