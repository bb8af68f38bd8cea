"""Neural-network ops: softmax family, fused cross-entropies, conv2d and pooling (NHWC)."""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..shapes import TensorShape
from . import infer as inf
from .registry import OpDef, Spec, register


def _softmax_infer(x, axis=-1):
    if x.dtype.name not in inf.FLOATS:
        raise TypeError(f"Softmax requires a float tensor, got {x.dtype.name}")
    if x.shape.rank is not None:
        inf.normalize_axis(axis, x.shape.rank, "Softmax")
    return [x]


def _row_max(x, axis):
    # `initial` makes the max of a size-0 axis -inf instead of an error: softmax of an empty
    # tensor is empty, as in TensorFlow
    return np.max(x, axis=axis, keepdims=True, initial=-np.inf)


def _softmax(x, axis=-1):
    e = np.exp(x - _row_max(x, axis))
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    shifted = x - _row_max(x, axis)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


register(OpDef("Softmax", _softmax_infer, _softmax))
register(OpDef("LogSoftmax", _softmax_infer, _log_softmax))


def _sparse_xent_infer(logits, labels):
    if logits.dtype.name not in inf.FLOATS:
        raise TypeError(f"SparseSoftmaxCrossEntropyWithLogits: logits must be float, got {logits.dtype.name}")
    if not labels.dtype.is_integer:
        raise TypeError(f"SparseSoftmaxCrossEntropyWithLogits: labels must be int32/int64, got {labels.dtype.name}")
    ld, bd = logits.shape.dims, labels.shape.dims
    if ld is not None and bd is not None:
        if len(ld) != len(bd) + 1 or not TensorShape(ld[:-1]).is_compatible_with(TensorShape(bd)):
            raise ValueError(f"SparseSoftmaxCrossEntropyWithLogits: labels shape {labels.shape} must equal "
                             f"logits shape {logits.shape} without its last dimension")
    return [Spec(labels.shape, logits.dtype)]


def _sparse_xent(logits, labels):
    n = logits.shape[-1]
    if n == 0 and labels.size:
        raise ValueError(f"Must have at least one class, but got logits shape {list(logits.shape)}")
    if labels.size and (labels.min() < 0 or labels.max() >= n):
        raise ValueError(f"SparseSoftmaxCrossEntropyWithLogits: label values must be in [0, {n}), got "
                         f"{labels[(labels < 0) | (labels >= n)].flat[0]}")
    logp = _log_softmax(logits)
    return -np.take_along_axis(logp, labels[..., None].astype(np.intp), axis=-1)[..., 0]


register(OpDef("SparseSoftmaxCrossEntropyWithLogits", _sparse_xent_infer, _sparse_xent, allowed=inf.NUMERIC))


def _xent_infer(logits, labels, axis=-1):
    if logits.dtype is not labels.dtype:
        raise TypeError(f"SoftmaxCrossEntropyWithLogits: logits and labels dtypes differ "
                        f"({logits.dtype.name} vs {labels.dtype.name})")
    shape = inf.broadcast(logits, labels)
    if shape.dims is None:
        return [Spec(TensorShape(None), logits.dtype)]
    a = inf.normalize_axis(axis, len(shape.dims), "SoftmaxCrossEntropyWithLogits")
    return [Spec(TensorShape(shape.dims[:a] + shape.dims[a + 1:]), logits.dtype)]


def _xent(logits, labels, axis=-1):
    # sum of labels * -log p, not -(sum of labels * log p): zero classes give 0, not -0, as TF
    return np.sum(labels * -_log_softmax(logits, axis), axis=axis)


register(OpDef("SoftmaxCrossEntropyWithLogits", _xent_infer, _xent, allowed=inf.NUMERIC))


# ---- convolution and pooling ------------------------------------------------------------------

def conv_out_size(size, k, stride, dilation, padding):
    """Output length and (pad_before, pad_after) for one spatial dim, as TensorFlow pads."""
    if size is None or k is None:         # unknown input or filter size (graphs with None dims)
        return None, (0, 0)
    eff = (k - 1) * dilation + 1
    if not isinstance(padding, str):      # explicit (before, after) for this dim
        before, after = padding
        return max(0, (size + before + after - eff) // stride + 1), (before, after)
    if padding == "VALID":
        return max(0, (size - eff) // stride + 1), (0, 0)
    out = -(-size // stride)
    total = max((out - 1) * stride + eff - size, 0)
    return out, (total // 2, total - total // 2)


def _pair(v, name):
    if isinstance(v, int):
        return (v, v)
    v = tuple(int(x) for x in v)
    if len(v) == 4:
        return v[1:3]
    if len(v) == 2:
        return v
    if len(v) == 1:
        return (v[0], v[0])
    raise ValueError(f"{name} must be an int or a list of 1, 2 or 4 ints, got {v}")


def _dim_padding(padding, i):
    """The padding of spatial dim i: 'SAME'/'VALID', or its explicit (before, after) pair."""
    return padding if isinstance(padding, str) else tuple(padding[i])


def _check_padding(padding, op):
    if not isinstance(padding, str) and op == "Conv2D":
        return
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"{op}: padding must be 'SAME' or 'VALID', got {padding!r}")


def _conv_infer(x, w, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    _check_padding(padding, "Conv2D")
    if x.dtype is not w.dtype:
        raise TypeError(f"Conv2D: input and filter dtypes differ ({x.dtype.name} vs {w.dtype.name})")
    if x.shape.rank not in (None, 4) or w.shape.rank not in (None, 4):
        raise ValueError(f"Conv2D: input must be 4-D NHWC and filter 4-D HWIO, got {x.shape} and {w.shape}")
    if x.shape.dims is None or w.shape.dims is None:
        return [Spec(TensorShape(None), x.dtype)]
    n, h, wd, c = x.shape.dims
    kh, kw, ci, co = w.shape.dims
    if c is not None and ci is not None and c != ci:
        raise ValueError(f"Conv2D: input has {c} channels but the filter expects {ci} ({x.shape} vs {w.shape})")
    if ci == 0:
        raise ValueError(f"Conv2D: filter depth must be strictly positive, got 0 (filter shape {w.shape})")
    sh, sw = _pair(strides, "strides")
    dh, dw = _pair(dilations, "dilations")
    oh, _ = conv_out_size(h, kh, sh, dh, _dim_padding(padding, 0))
    ow, _ = conv_out_size(wd, kw, sw, dw, _dim_padding(padding, 1))
    return [Spec(TensorShape((n, oh, ow, co)), x.dtype)]


def pad_nhwc(x, kh, kw, strides, dilations, padding, value=0.0):
    h, w = x.shape[1:3]
    _, ph = conv_out_size(h, kh, strides[0], dilations[0], _dim_padding(padding, 0))
    _, pw = conv_out_size(w, kw, strides[1], dilations[1], _dim_padding(padding, 1))
    if ph == (0, 0) and pw == (0, 0):
        return x, ph, pw
    return np.pad(x, ((0, 0), ph, pw, (0, 0)), constant_values=value), ph, pw


def windows(xp, kh, kw, strides, dilations):
    """(N, OH, OW, C, KH, KW) view of the padded input's receptive fields."""
    sh, sw = strides
    dh, dw = dilations
    v = sliding_window_view(xp, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(1, 2))
    return v[:, ::sh, ::sw, :, ::dh, ::dw]


def _conv2d(x, w, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    strides, dilations = _pair(strides, "strides"), _pair(dilations, "dilations")
    kh, kw = w.shape[:2]
    oh, _ = conv_out_size(x.shape[1], kh, strides[0], dilations[0], _dim_padding(padding, 0))
    ow, _ = conv_out_size(x.shape[2], kw, strides[1], dilations[1], _dim_padding(padding, 1))
    if oh == 0 or ow == 0:          # the window does not fit: an empty output, as TF
        return np.zeros((x.shape[0], oh, ow, w.shape[3]), x.dtype)
    xp, _, _ = pad_nhwc(x, kh, kw, strides, dilations, padding)
    win = windows(xp, kh, kw, strides, dilations)            # N OH OW C KH KW
    return np.einsum("nhwcij,ijco->nhwo", win, w, optimize=True).astype(x.dtype, copy=False)


register(OpDef("Conv2D", _conv_infer, _conv2d, allowed=inf.NUMERIC))


def _pool_infer(x, ksize, strides, padding="VALID"):
    _check_padding(padding, "Pool")
    if x.shape.rank not in (None, 4):
        raise ValueError(f"Pooling needs a 4-D NHWC input, got {x.shape}")
    if x.shape.dims is None:
        return [Spec(TensorShape(None), x.dtype)]
    n, h, w, c = x.shape.dims
    kh, kw = _pair(ksize, "ksize")
    sh, sw = _pair(strides, "strides")
    oh, _ = conv_out_size(h, kh, sh, 1, padding)
    ow, _ = conv_out_size(w, kw, sw, 1, padding)
    return [Spec(TensorShape((n, oh, ow, c)), x.dtype)]


def _empty_pool(x, kh, kw, s, padding):
    """The (empty) output when the pooling window does not fit the input, else None."""
    oh, _ = conv_out_size(x.shape[1], kh, s[0], 1, padding)
    ow, _ = conv_out_size(x.shape[2], kw, s[1], 1, padding)
    return np.zeros((x.shape[0], oh, ow, x.shape[3]), x.dtype) if oh == 0 or ow == 0 else None


def _max_pool(x, ksize, strides, padding="VALID"):
    kh, kw = _pair(ksize, "ksize")
    s = _pair(strides, "strides")
    empty = _empty_pool(x, kh, kw, s, padding)
    if empty is not None:
        return empty
    lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    xp, _, _ = pad_nhwc(x, kh, kw, s, (1, 1), padding, value=lowest)
    return windows(xp, kh, kw, s, (1, 1)).max(axis=(-2, -1))


def _avg_pool(x, ksize, strides, padding="VALID"):
    kh, kw = _pair(ksize, "ksize")
    s = _pair(strides, "strides")
    empty = _empty_pool(x, kh, kw, s, padding)
    if empty is not None:
        return empty
    xp, _, _ = pad_nhwc(x, kh, kw, s, (1, 1), padding)
    total = windows(xp, kh, kw, s, (1, 1)).sum(axis=(-2, -1), dtype=x.dtype)
    ones, _, _ = pad_nhwc(np.ones((1,) + x.shape[1:3] + (1,), x.dtype), kh, kw, s, (1, 1), padding)
    count = windows(ones, kh, kw, s, (1, 1)).sum(axis=(-2, -1), dtype=x.dtype)   # valid cells only
    return (total / count).astype(x.dtype, copy=False)


register(OpDef("MaxPool", _pool_infer, _max_pool, allowed=inf.NUMERIC))
register(OpDef("AvgPool", _pool_infer, _avg_pool, allowed=inf.FLOATS))
