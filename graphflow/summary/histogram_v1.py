"""TF1's histogram (tf.compat.v1.summary.histogram): fixed buckets whose edges grow by 10% from
1e-12 to 1e20 on both sides of zero, encoded with runs of empty buckets merged into one."""
from __future__ import annotations

import functools
import sys

import numpy as np


@functools.cache
def bucket_limits() -> np.ndarray:
    """The right edges of TF1's default buckets: -DBL_MAX, ..., -1e-12, 0, 1e-12, ..., DBL_MAX."""
    positive = []
    v = 1.0e-12
    while v < 1.0e20:
        positive.append(v)
        v *= 1.1
    positive.append(sys.float_info.max)
    negative = [-x for x in reversed(positive)]
    return np.array(negative + [0.0] + positive)


def histogram_proto(values: np.ndarray):
    """A HistogramProto of `values` as TF1's HistogramSummary writes it."""
    from tensorboard.compat.proto import summary_pb2
    values = np.asarray(values, np.float64).ravel()
    if not np.all(np.isfinite(values)):
        bad = "NaN" if np.isnan(values).any() else "Inf"
        raise ValueError(f"HistogramSummary: the values hold {bad}, which a histogram cannot bucket")
    limits = bucket_limits()
    counts = np.bincount(np.searchsorted(limits, values, side="right"), minlength=len(limits))[:len(limits)]
    proto = summary_pb2.HistogramProto(
        min=float(values.min()) if values.size else sys.float_info.max,
        max=float(values.max()) if values.size else -sys.float_info.max,
        num=float(values.size), sum=float(values.sum()), sum_squares=float(np.dot(values, values)))
    i = 0
    while i < len(limits):
        end, count, j = limits[i], counts[i], i + 1
        while count == 0 and j < len(limits) and counts[j] == 0:
            end, j = limits[j], j + 1
        proto.bucket_limit.append(float(end))
        proto.bucket.append(float(count))
        i = j
    return proto
