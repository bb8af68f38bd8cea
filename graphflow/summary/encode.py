"""Values -> Summary protocol buffers, as TF2's tf.summary and TF1's summary ops lay them out.

TF2 summaries are tensors tagged with a plugin (scalars, histograms, images, text) built with
tensorboard's own helpers; TF1 summaries use the older simple_value / histo / image fields.
"""
from __future__ import annotations

import numpy as np

from .png import encode_png, normalize_v1, to_uint8

DEFAULT_BUCKETS = 30


def _scalar_value(value, tag: str) -> float:
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(f"scalar summary {tag!r}: the value must be a scalar, got shape {arr.shape}")
    return float(arr.reshape(()))


# ---- TF2: tensors with plugin metadata ---------------------------------------------------------------

def scalar_v2(tag: str, value, description: str | None = None):
    from tensorboard.plugins.scalar.summary_v2 import scalar_pb
    return scalar_pb(tag, np.float32(_scalar_value(value, tag)), description)


def histogram_v2(tag: str, value, buckets: int | None = None, description: str | None = None):
    """tensorboard's bucketing, which TF2's tf.summary.histogram computes: `buckets` equal-width
    buckets over [min, max] as a [k, 3] tensor of (left, right, count)."""
    from tensorboard.plugins.histogram.summary_v2 import histogram_pb
    values = np.asarray(value, np.float64)
    return histogram_pb(tag, values, DEFAULT_BUCKETS if buckets is None else buckets, description)


def image_v2(tag: str, images, max_outputs: int = 3, description: str | None = None):
    """[k, height, width, channels] images: a string tensor [width, height, png...] (TF2's layout)."""
    from tensorboard.compat.proto import summary_pb2
    from tensorboard.plugins.image import metadata
    from tensorboard.util import tensor_util
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"image summary {tag!r}: images must be [k, height, width, channels], got {images.shape}")
    pixels = to_uint8(images[:max_outputs])
    strings = [str(images.shape[2]).encode(), str(images.shape[1]).encode()] + [encode_png(p) for p in pixels]
    meta = metadata.create_summary_metadata(display_name=None, description=description or "")
    tensor = tensor_util.make_tensor_proto(np.array(strings, dtype=object), dtype=np.object_)
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, metadata=meta, tensor=tensor)])


def text_v2(tag: str, value, description: str | None = None):
    from tensorboard.plugins.text.summary_v2 import text_pb
    arr = np.asarray(value)
    if arr.dtype.kind in "SU":
        arr = arr.astype(object)
    if arr.dtype != object:
        raise TypeError(f"text summary {tag!r}: the value must be a string, got {arr.dtype}")
    return text_pb(tag, arr if arr.ndim else arr.item(), description)


# ---- TF1: simple_value, histo and image fields ---------------------------------------------------------

def scalar_v1(tag: str, value):
    from tensorboard.compat.proto import summary_pb2
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=_scalar_value(value, tag))])


def histogram_v1(tag: str, value):
    from tensorboard.compat.proto import summary_pb2

    from .histogram_v1 import histogram_proto
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, histo=histogram_proto(value))])


def image_v1(tag: str, images, max_outputs: int = 3):
    """TF1 names one image `tag/image` and several `tag/image/0`, `tag/image/1`..."""
    from tensorboard.compat.proto import summary_pb2
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"image summary {tag!r}: images must be [k, height, width, channels], got {images.shape}")
    pixels = normalize_v1(images[:max_outputs])
    summary = summary_pb2.Summary()
    for i, p in enumerate(pixels):
        name = f"{tag}/image" if max_outputs == 1 else f"{tag}/image/{i}"
        summary.value.add(tag=name, image=summary_pb2.Summary.Image(
            height=p.shape[0], width=p.shape[1], colorspace=p.shape[2], encoded_image_string=encode_png(p)))
    return summary


def text_v1(tag: str, value):
    return text_v2(tag, value)
