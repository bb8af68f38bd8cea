"""tf.image's and tf.io's codecs beyond PNG/BMP (ops/image_codecs.py): JPEG as TensorFlow decodes it
(decode_jpeg, decode_and_crop_jpeg, extract_jpeg_shape), GIF animations, WebP, JPEG XL, and JPEG re-compression as
an augmentation (adjust_jpeg_quality and its random and stateless-random forms)."""
from __future__ import annotations

import numpy as np

from ... import dtypes
from .. import image_codecs as _ops
from ..convert import convert_to_tensor, python_value, string_operand
from ..dispatch import apply
from .op_call import opdef

_ = _ops      # importing the op family registers its OpDefs


def _jpeg_attrs(channels, ratio, fancy_upscaling, dct_method):
    return {"channels": int(channels), "dct_method": str(dct_method or ""), "fancy_upscaling": bool(fancy_upscaling),
            "ratio": int(ratio)}


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True, try_recover_truncated=False,
                acceptable_fraction=1, dct_method="", name=None):
    """uint8 [height, width, channels] of JPEG data, decoded as TensorFlow does (libjpeg-turbo; `dct_method`
    "" and "INTEGER_FAST" use the fast integer DCT, "INTEGER_ACCURATE" the accurate one; `ratio` 1, 2, 4
    or 8 scales down while decoding). `channels` 0 keeps the file's, 1 is grey, 3 RGB."""
    return apply(opdef("DecodeJpeg"), (string_operand(contents, "decode_jpeg"),),
                 {**_jpeg_attrs(channels, ratio, fancy_upscaling, dct_method), "name_for_errors": "decode_jpeg"},
                 name)


def decode_and_crop_jpeg(contents, crop_window, channels=0, ratio=1, fancy_upscaling=True,
                         try_recover_truncated=False, acceptable_fraction=1, dct_method="", name=None):
    """The window `crop_window` = [y, x, height, width] of the decoded JPEG."""
    window = convert_to_tensor(crop_window, dtype=dtypes.int32)
    return apply(opdef("DecodeAndCropJpeg"), (string_operand(contents, "decode_and_crop_jpeg"), window),
                 _jpeg_attrs(channels, ratio, fancy_upscaling, dct_method), name)


def extract_jpeg_shape(contents, output_type=dtypes.int32, name=None):
    """[height, width, channels] of JPEG data, read from its header without decoding the pixels."""
    return apply(opdef("ExtractJpegShape"), (string_operand(contents, "extract_jpeg_shape"),),
                 {"output_type": dtypes.as_dtype(output_type)}, name)


def decode_gif(contents, name=None):
    """uint8 [frames, height, width, 3]: every frame of a GIF, each drawn over the one before."""
    return apply(opdef("DecodeGif"), (string_operand(contents, "decode_gif"),), {}, name)


def decode_webp(contents, channels=0, dtype=dtypes.uint8, name=None):
    """uint8 [frames, height, width, channels] of WebP data; `channels` 0, or the file's 3 (4 with alpha)."""
    if dtypes.as_dtype(dtype) is not dtypes.uint8:
        raise TypeError(f"decode_webp: dtype must be uint8, got {dtypes.as_dtype(dtype).name}")
    if channels not in (0, 3, 4):
        raise ValueError(f"decode_webp: channels must be 0, 3 or 4, got {channels}")
    return apply(opdef("DecodeWebP"), (string_operand(contents, "decode_webp"),), {"channels": int(channels)}, name)


def decode_jxl(contents, channels=0, dtype=dtypes.uint8, name=None):
    """uint8 [height, width, channels] of JPEG XL data; `channels` 0, or the file's 1, 3 or 4."""
    if dtypes.as_dtype(dtype) is not dtypes.uint8:
        raise TypeError(f"decode_jxl: dtype must be uint8, got {dtypes.as_dtype(dtype).name}")
    if channels not in (0, 1, 3, 4):
        raise ValueError(f"decode_jxl: channels must be 0, 1, 3 or 4, got {channels}")
    return apply(opdef("DecodeJxl"), (string_operand(contents, "decode_jxl"),), {"channels": int(channels)}, name)


# ---- JPEG re-compression as an augmentation ----------------------------------------------------------------------
def _quality_image(image, fn):
    x = convert_to_tensor(image)
    if x.shape.rank != 3 or x.shape.dims[-1] not in (1, 3):
        raise ValueError(f"{fn}: image must be 3-D [height, width, channels] with 1 or 3 channels, got shape "
                         f"{x.shape}")
    return x


def adjust_jpeg_quality(image, jpeg_quality, dct_method="", name=None):
    """The image after a JPEG round trip at `jpeg_quality` (0-100, a number or an int tensor), in its own
    dtype: converted to uint8 (saturating), encoded, decoded with `dct_method`, converted back."""
    from .image import convert_image_dtype
    x = _quality_image(image, "adjust_jpeg_quality")
    quality = convert_to_tensor(jpeg_quality, dtype=dtypes.int32)
    encoded = apply(opdef("EncodeJpegVariableQuality"), (convert_image_dtype(x, dtypes.uint8, saturate=True),
                                                         quality), {}, None)
    decoded = apply(opdef("DecodeJpeg"), (encoded,), {**_jpeg_attrs(x.shape.dims[-1], 1, True, dct_method),
                                                      "name_for_errors": "adjust_jpeg_quality"}, None)
    return convert_image_dtype(decoded, x.dtype, saturate=True, name=name)


def _quality_range(lo, hi, fn):
    lo, hi = python_value(lo), python_value(hi)
    if not 0 <= lo < hi <= 100:
        raise ValueError(f"{fn}: need 0 <= min_jpeg_quality < max_jpeg_quality <= 100, got {lo} and {hi}")
    return int(lo), int(hi)


def random_jpeg_quality(image, min_jpeg_quality, max_jpeg_quality, seed=None):
    """adjust_jpeg_quality at a quality drawn uniformly from [min_jpeg_quality, max_jpeg_quality)."""
    from .random import random_uniform
    lo, hi = _quality_range(min_jpeg_quality, max_jpeg_quality, "random_jpeg_quality")
    return adjust_jpeg_quality(image, random_uniform([], lo, hi, dtype=dtypes.int32, seed=seed))


def stateless_random_jpeg_quality(image, min_jpeg_quality, max_jpeg_quality, seed):
    """adjust_jpeg_quality at a quality in [min_jpeg_quality, max_jpeg_quality) that the seed alone decides."""
    from ..image import seeded_generator
    from .image import _seed
    lo, hi = _quality_range(min_jpeg_quality, max_jpeg_quality, "stateless_random_jpeg_quality")
    quality = seeded_generator(_seed(seed, "stateless_random_jpeg_quality")).integers(lo, hi)
    return adjust_jpeg_quality(image, np.int32(quality))
