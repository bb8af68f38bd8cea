"""Ops that pick or order elements: top_k, in_top_k, unique, searchsorted, invert_permutation.

top_k orders ties by index (the lower index first), which is what makes tf.sort/argsort built on
it stable. Only top_k is differentiable: its gradient scatters into the chosen positions.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..shapes import TensorShape
from . import infer as inf
from .registry import OpDef, Spec, register


def _top_k_k(k) -> int:
    """k's value, with TensorFlow's run-time check (a graph tensor k is only known then)."""
    if k < 0:
        raise InvalidArgumentError(None, "TopKV2", f"TopKV2: Need k >= 0, got {k}")
    return int(k)


def _top_k_infer(x, k, sorted=True, index_type=dtypes.int32):  # noqa: A002
    """The k largest along the last axis; k is an input, so the last dimension is unknown until it is."""
    if x.shape.rank == 0:
        raise ValueError("top_k: input must have at least 1 dimension")
    if k.shape.rank not in (0, None):
        raise ValueError(f"top_k: k must be a scalar, got shape {k.shape}")
    if not k.dtype.is_integer:
        raise TypeError(f"top_k: k must be an integer, got {k.dtype.name}")
    k = None if k.value is None else int(np.asarray(k.value))
    if k is not None and k < 0:
        raise ValueError(f"Need k >= 0, got {k}")
    if k is not None and x.shape.dims is not None and x.shape.dims[-1] is not None and x.shape.dims[-1] < k:
        raise ValueError(f"input must have at least k columns. Had {x.shape.dims[-1]}, needed {k}")
    dims = None if x.shape.dims is None else x.shape.dims[:-1] + (k,)
    return [Spec(TensorShape(dims), x.dtype), Spec(TensorShape(dims), index_type)]


def _top_k(x, k, sorted=True, index_type=dtypes.int32):  # noqa: A002
    k = _top_k_k(k.item())
    if x.shape[-1] < k:
        raise InvalidArgumentError(None, "TopKV2", f"TopKV2: input must have at least k columns. Had {x.shape[-1]}, "
                                                   f"needed {k}")
    if x.dtype.kind == "f":
        # descending, NaN first (TensorFlow treats NaN as the largest), ties by lower index
        key = np.where(np.isnan(x), -np.inf, -x.astype(np.float64))
        order = np.argsort(key, axis=-1, kind="stable")
    else:
        order = np.argsort(-x.astype(np.int64) if x.dtype != np.uint64 else ~x, axis=-1, kind="stable")
    idx = order[..., :k]
    return np.take_along_axis(x, idx, -1), idx.astype(index_type.np)


register(OpDef("TopKV2", _top_k_infer, _top_k, num_outputs=2, allowed=inf.NUMERIC))


def _in_top_k_infer(predictions, targets, k):
    if predictions.shape.rank not in (None, 2):
        raise ValueError(f"in_top_k: predictions must be 2-D, got shape {predictions.shape}")
    return [Spec(TensorShape((predictions.shape.dims[0] if predictions.shape.dims else None,)), dtypes.bool_)]


def _in_top_k(predictions, targets, k):
    n = predictions.shape[1]
    out = np.zeros(len(targets), bool)
    for i, t in enumerate(targets):
        if not 0 <= t < n or not np.isfinite(predictions[i]).all():
            continue
        out[i] = np.sum(predictions[i] > predictions[i, t]) < k
    return out


register(OpDef("InTopKV2", _in_top_k_infer, _in_top_k, differentiable=False))


def _unique_infer(x, out_idx=dtypes.int32, counts=False):
    if x.shape.rank not in (None, 1):
        raise ValueError(f"unique: x must be a vector, got shape {x.shape}")
    out = [Spec(TensorShape((None,)), x.dtype), Spec(x.shape, out_idx)]
    return out + [Spec(TensorShape((None,)), out_idx)] if counts else out


def _unique(x, out_idx=dtypes.int32, counts=False):
    values, first, inverse, count = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    order = np.argsort(first, kind="stable")         # TensorFlow keeps the order of first occurrence
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    out = (values[order], rank[inverse.reshape(-1)].astype(out_idx.np))
    return out + (count[order].astype(out_idx.np),) if counts else out


register(OpDef("Unique", _unique_infer, _unique, num_outputs=-1, differentiable=False))


def _searchsorted_infer(sorted_sequence, values, side="left", out_type=dtypes.int32):
    if sorted_sequence.shape.rank is not None and values.shape.rank is not None:
        if sorted_sequence.shape.rank != values.shape.rank:
            raise ValueError("searchsorted: sorted_sequence and values must have the same rank")
    return [Spec(values.shape, out_type)]


def _searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32):
    if sorted_sequence.shape[:-1] != values.shape[:-1]:
        raise ValueError(f"searchsorted: leading dimensions differ: {sorted_sequence.shape} vs {values.shape}")
    rows = int(np.prod(values.shape[:-1]))
    seq = sorted_sequence.reshape(rows, sorted_sequence.shape[-1])
    vals = values.reshape(rows, values.shape[-1])
    out = np.zeros(vals.shape, np.int64)
    for i in range(rows):
        out[i] = np.searchsorted(seq[i], vals[i], side=side)
    return out.reshape(values.shape).astype(out_type.np)


register(OpDef("SearchSorted", _searchsorted_infer, _searchsorted, differentiable=False, allowed=inf.NUMERIC))


def _invert_permutation_infer(x):
    if x.shape.rank not in (None, 1):
        raise ValueError(f"invert_permutation: x must be a vector, got shape {x.shape}")
    if not x.dtype.is_integer:
        raise TypeError(f"invert_permutation: x must be int32 or int64, got {x.dtype.name}")
    return [x]


def _invert_permutation(x):
    if sorted(x.tolist()) != list(range(len(x))):
        raise ValueError(f"invert_permutation: {x.tolist()} is not a permutation of 0..{len(x) - 1}")
    out = np.empty_like(x)
    out[x] = np.arange(len(x), dtype=x.dtype)
    return out


register(OpDef("InvertPermutation", _invert_permutation_infer, _invert_permutation, differentiable=False))
