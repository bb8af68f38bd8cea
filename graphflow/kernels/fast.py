"""Fast kernels of opaque ops (conv, pooling, the softmax family): arrays in, array out.

Each is what eager execution calls for its op (`OpDef.fast_kernel`, filled in below), and is made
of the same numba kernels, BLAS calls and geometry that the op's lowering (kernels/lower.py) emits
into compiled plans, so every mode runs one program for these ops and differs in cost only: the
lowering fixes the geometry and output buffers at compile time, the fast kernel per call. A fast
kernel returns None for what it does not handle (a dtype, an empty window, an axis other than
the last); the op's numpy reference kernel then runs, exactly as a lowering that returns None.

The numba modules are imported on first use, so `import graphflow` does not load numba.
"""
from __future__ import annotations

import numpy as np

from .. import threading_config
from ..ops import grad_ops, nn  # noqa: F401  (declare the ops whose fast kernels are set below)
from ..ops.nn import _pair, conv_out_size
from ..ops.registry import get

_FLOATS = frozenset({np.dtype(np.float32), np.dtype(np.float64)})


# ---- geometry: shared with the lowerings ---------------------------------------------------------

def _pad_of(padding, i):
    return padding if isinstance(padding, str) else tuple(int(p) for p in padding[i])


def conv_geometry(x_dims, k_dims, attrs) -> tuple:
    """(kh, kw, sh, sw, dh, dw, ph, pw, oh, ow) of a convolution, pads as TensorFlow pads."""
    kh, kw = k_dims
    sh, sw = _pair(attrs.get("strides", (1, 1)), "strides")
    dh, dw = _pair(attrs.get("dilations", (1, 1)), "dilations")
    padding = attrs.get("padding", "VALID")
    oh, (ph, _) = conv_out_size(x_dims[1], kh, sh, dh, _pad_of(padding, 0))
    ow, (pw, _) = conv_out_size(x_dims[2], kw, sw, dw, _pad_of(padding, 1))
    return kh, kw, sh, sw, dh, dw, ph, pw, oh, ow


def conv_columns(x_dims, kh, kw, attrs):
    """The im2col layout of a convolution over an NHWC input of `x_dims`: (m, k, (oh, ow),
    geometry), m = N*OH*OW rows of k = KH*KW*C columns; None if the output is empty."""
    g = conv_geometry(x_dims, (kh, kw), attrs)
    oh, ow = g[8], g[9]
    if oh * ow == 0:
        return None
    return x_dims[0] * oh * ow, kh * kw * x_dims[3], (oh, ow), g


def pool_geometry(x_dims, attrs) -> tuple:
    """(kh, kw, sh, sw, ph, pw, oh, ow) of a pooling window over an NHWC input of `x_dims`."""
    kh, kw = _pair(attrs["ksize"], "ksize")
    sh, sw = _pair(attrs["strides"], "strides")
    padding = attrs.get("padding", "VALID")
    oh, (ph, _) = conv_out_size(x_dims[1], kh, sh, 1, _pad_of(padding, 0))
    ow, (pw, _) = conv_out_size(x_dims[2], kw, sw, 1, _pad_of(padding, 1))
    return kh, kw, sh, sw, ph, pw, oh, ow


# ---- the numba modules, loaded on first use ---------------------------------------------------------

_modules: dict = {}


def _numba(name: str):
    mod = _modules.get(name)
    if mod is None:
        threading_config.start()
        import importlib
        mod = _modules[name] = importlib.import_module(f"{__package__}.{name}")
    return mod


def _float4d(*arrays) -> bool:
    dt = arrays[0].dtype
    return dt in _FLOATS and all(a.ndim == 4 and a.dtype == dt for a in arrays)


def _c(a):
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


# ---- convolution: row-unfolded GEMMs (conv_gemm.py), else im2col (col2im) around BLAS (conv.py) -----

def unfolded(x_dims, w_dims, g, dtype):
    """conv_gemm's geometry when its row-unfolded GEMMs run this convolution, else None."""
    return _numba("conv_gemm").applies(x_dims, w_dims, g, dtype)


def conv2d(x, w, **attrs):
    if not _float4d(x, w) or x.shape[3] != w.shape[2]:
        return None
    kh, kw, _, o = w.shape
    cols = conv_columns(x.shape, kh, kw, attrs)
    if cols is None:
        return None
    m, k, (oh, ow), g = cols
    out = np.empty((x.shape[0], oh, ow, o), x.dtype)
    geo = unfolded(x.shape, w.shape, g, x.dtype)
    if geo is not None:
        _numba("conv_gemm").forward(_c(x), _c(w), geo, out)
        return out
    _numba("conv").forward(_c(x), _c(w).reshape(k, o), g, out.reshape(m, o), np.empty((m, k), x.dtype))
    return out


def conv2d_backprop_filter(x, filter_sizes, dy, **attrs):
    if not _float4d(x, dy):
        return None
    kh, kw, c, o = (int(s) for s in filter_sizes)
    cols = conv_columns(x.shape, kh, kw, attrs)
    if cols is None or cols[2] != dy.shape[1:3] or c != x.shape[3] or o != dy.shape[3]:
        return None
    m, k, _, g = cols
    out = np.empty((kh, kw, c, o), x.dtype)
    geo = unfolded(x.shape, out.shape, g, x.dtype)
    if geo is not None:
        _numba("conv_gemm").filter_grad(_c(x), _c(dy), geo, out)
        return out
    _numba("conv").filter_grad(_c(x), _c(dy).reshape(m, o), g, out.reshape(k, o), np.empty((m, k), x.dtype))
    return out


def conv2d_backprop_input(input_sizes, w, dy, **attrs):
    if not _float4d(w, dy):
        return None
    shape = tuple(int(s) for s in input_sizes)
    kh, kw, c, o = w.shape
    cols = conv_columns(shape, kh, kw, attrs)
    if cols is None or cols[2] != dy.shape[1:3] or c != shape[3] or o != dy.shape[3]:
        return None
    m, k, _, g = cols
    out = np.empty(shape, dy.dtype)
    geo = unfolded(shape, w.shape, g, dy.dtype)
    if geo is not None:
        _numba("conv_gemm").input_grad(_c(dy), _c(w), geo, out)
        return out
    _numba("conv").input_grad(_c(dy).reshape(m, o), _c(w).reshape(k, o), g, out)
    return out


# ---- pooling --------------------------------------------------------------------------------------

def _pool(kernel_name):
    def pool(x, **attrs):
        if not _float4d(x):
            return None
        kh, kw, sh, sw, ph, pw, oh, ow = pool_geometry(x.shape, attrs)
        if oh * ow == 0:
            return None
        out = np.empty((x.shape[0], oh, ow, x.shape[3]), x.dtype)
        _numba("pool").IN_BLOCKS[kernel_name](_c(x), kh, kw, sh, sw, ph, pw, out)
        return out
    pool.__name__ = kernel_name
    return pool


max_pool = _pool("max_pool")
avg_pool = _pool("avg_pool")


def max_pool_grad(x, y, dy, **attrs):
    if not _float4d(x, y, dy):
        return None
    kh, kw, sh, sw, ph, pw, oh, ow = pool_geometry(x.shape, attrs)
    if (oh, ow) != y.shape[1:3] or y.shape != dy.shape:
        return None
    out = np.empty(x.shape, x.dtype)
    _numba("pool").IN_BLOCKS["max_pool_grad"](_c(x), _c(y), _c(dy), kh, kw, sh, sw, ph, pw, out)
    return out


def avg_pool_grad(input_sizes, dy, **attrs):
    if not _float4d(dy):
        return None
    shape = tuple(int(s) for s in input_sizes)
    kh, kw, sh, sw, ph, pw, oh, ow = pool_geometry(shape, attrs)
    if (oh, ow) != dy.shape[1:3]:
        return None
    out = np.empty(shape, dy.dtype)
    _numba("pool").IN_BLOCKS["avg_pool_grad"](_c(dy), kh, kw, sh, sw, ph, pw, out)
    return out


# ---- the softmax family, over the last axis ----------------------------------------------------------

def _last_axis(x, axis) -> bool:
    return x.ndim >= 1 and axis in (-1, x.ndim - 1) and x.size > 0 and x.dtype in _FLOATS


def _rows(kernel_name):
    def rows(x, axis=-1):
        if not _last_axis(x, axis):
            return None
        out = np.empty(x.shape, x.dtype)
        n = x.shape[-1]     # as 2-D rows: one compiled specialisation per dtype, whatever the rank
        getattr(_numba("softmax"), kernel_name)(_c(x).reshape(-1, n), n, out.reshape(-1, n))
        return out
    rows.__name__ = kernel_name
    return rows


softmax = _rows("softmax")
log_softmax = _rows("log_softmax")


def _label_error(op_name, labels, r, n):
    return ValueError(f"{op_name}: label values must be in [0, {n}), got {int(labels.reshape(-1)[r])}")


def sparse_xent(logits, labels):
    if not _last_axis(logits, -1) or labels.dtype.kind not in "iu" or labels.shape != logits.shape[:-1]:
        return None
    n = logits.shape[-1]
    out = np.empty(labels.shape, logits.dtype)
    r = _numba("softmax").sparse_xent(_c(logits).reshape(-1, n), _c(labels).reshape(-1), out.reshape(-1))
    if r >= 0:
        raise _label_error("SparseSoftmaxCrossEntropyWithLogits", labels, r, n)
    return out


def sparse_xent_grad(logits, labels, dy):
    if (not _last_axis(logits, -1) or labels.dtype.kind not in "iu" or labels.shape != logits.shape[:-1]
            or dy.shape != labels.shape or dy.dtype != logits.dtype):
        return None
    n = logits.shape[-1]
    out = np.empty(logits.shape, logits.dtype)
    r = _numba("softmax").sparse_xent_grad(_c(logits).reshape(-1, n), _c(labels).reshape(-1), _c(dy).reshape(-1),
                                           out.reshape(-1, n))
    if r >= 0:
        raise _label_error("SparseSoftmaxCrossEntropyGrad", labels, r, n)
    return out


FAST_KERNELS = {
    "Conv2D": conv2d,
    "Conv2DBackpropFilter": conv2d_backprop_filter,
    "Conv2DBackpropInput": conv2d_backprop_input,
    "MaxPool": max_pool,
    "AvgPool": avg_pool,
    "MaxPoolGrad": max_pool_grad,
    "AvgPoolGrad": avg_pool_grad,
    "Softmax": softmax,
    "LogSoftmax": log_softmax,
    "SparseSoftmaxCrossEntropyWithLogits": sparse_xent,
    "SparseSoftmaxCrossEntropyGrad": sparse_xent_grad,
}

for _name, _fn in FAST_KERNELS.items():
    get(_name).fast_kernel = _fn
