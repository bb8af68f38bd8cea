"""PNG encoding of uint8 images for image summaries (zlib and the PNG chunk layout; no imaging library)."""
from __future__ import annotations

import struct
import zlib

import numpy as np

_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}     # channels -> PNG colour type: grey, grey+alpha, RGB, RGBA


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(image: np.ndarray) -> bytes:
    """`image`: uint8 [height, width, channels] with 1-4 channels."""
    height, width, channels = image.shape
    if channels not in _COLOR_TYPES:
        raise ValueError(f"an image summary needs 1, 2, 3 or 4 channels, got {channels}")
    rows = np.ascontiguousarray(image, dtype=np.uint8).reshape(height, width * channels)
    raw = np.concatenate([np.zeros((height, 1), np.uint8), rows], axis=1).tobytes()   # filter byte 0 per row
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPES[channels], 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 6))
            + _chunk(b"IEND", b""))


def to_uint8(images: np.ndarray) -> np.ndarray:
    """TF2's conversion (tf.image.convert_image_dtype with saturation): floats in [0, 1] times 255.5,
    clipped and truncated; integer images are clipped to [0, 255]."""
    images = np.asarray(images)
    if images.dtype.kind == "f":
        return np.clip(images.astype(np.float64) * 255.5, 0, 255).astype(np.uint8)
    return np.clip(images, 0, 255).astype(np.uint8)


def normalize_v1(images: np.ndarray) -> np.ndarray:
    """TF1's ImageSummary rule for floats: non-negative images scale so the largest value is 255;
    with negatives, 0 maps to 128 and the largest magnitude to the edge. Integers are clipped."""
    images = np.asarray(images)
    if images.dtype.kind != "f":
        return np.clip(images, 0, 255).astype(np.uint8)
    out = np.empty(images.shape, np.uint8)
    for i, image in enumerate(images.astype(np.float64)):
        finite = image[np.isfinite(image)]
        low, high = (finite.min(), finite.max()) if finite.size else (0.0, 0.0)
        if low >= 0:
            scale, offset = (255.0 / high if high > 0 else 0.0), 0.0
        else:
            biggest = max(abs(low), abs(high))
            scale, offset = (127.0 / biggest if biggest > 0 else 0.0), 128.0
        out[i] = np.clip(np.nan_to_num(image) * scale + offset, 0, 255).astype(np.uint8)
    return out
