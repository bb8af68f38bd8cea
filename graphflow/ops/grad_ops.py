"""Ops that only gradients need: reducing a broadcast gradient, conv/pool backprops, scatter...

Each is a full OpDef (inference + numpy kernel + its own gradient), so backward graphs run in
eager mode, in the reference interpreter and through the compiler like any forward op. The
`reduce_to` and `shape_of` helpers pick a static formulation (plain reduce_sum/reshape, which
the compiler fuses) when shapes are known and fall back to these dynamic-shape ops otherwise.
"""
from __future__ import annotations

import numpy as np

from ..eager.tensor import EagerTensor
from ..shapes import TensorShape
from . import api as gf
from . import infer as inf
from .api.shape import shape_tensor
from .dispatch import apply
from .nn import _pair, conv_out_size, pad_nhwc, windows
from .registry import ELEMENTWISE, OpDef, Spec, get, register, set_gradient


def _dims_from(spec, n_hint=None):
    """Static dims of a shape-vector input when known, else a partial shape of the right rank."""
    if spec.value is not None:
        return TensorShape(tuple(int(d) for d in spec.value))
    n = spec.shape.dims[0] if spec.shape.dims else n_hint
    return TensorShape(None if n is None else (None,) * n)


# ---- SumToShape: the gradient of broadcasting ---------------------------------------------------

def _sum_to_shape_infer(dy, shape):
    return [Spec(_dims_from(shape), dy.dtype)]


def _sum_to_shape(dy, shape):
    shape = tuple(int(s) for s in shape)
    if dy.shape == shape:
        return dy
    lead = dy.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and dy.shape[lead + i] != 1)
    return np.sum(dy, axis=axes, dtype=dy.dtype).reshape(shape)


register(OpDef("SumToShape", _sum_to_shape_infer, _sum_to_shape))


@set_gradient("SumToShape")
def _sum_to_shape_grad(op, g):
    return gf.broadcast_to(g, gf.shape(op.inputs[0])), None


def dims(t):
    """A tensor's static dims (a tuple with None for unknown sizes, or None for unknown rank).

    Eager tensors answer from their array without building a TensorShape (the eager hot path)."""
    if type(t) is EagerTensor:
        return t._value.shape
    return t.shape.dims


def shape_of(x):
    """x's shape as a Python list when static (a constant in graphs), else a dynamic Shape op."""
    d = dims(x)
    if d is not None and None not in d:
        return list(d)
    return gf.shape(x)


def reduce_to(dy, x, *others):
    """Sum `dy` over the dimensions that broadcasting added to `x`, so it has x's shape.

    `others` are the operands x was broadcast with: they let an unknown dim of x be proved equal
    to the output's (when no other operand is wider there), keeping the reduction static."""
    xd, dd = dims(x), dims(dy)
    plan = _static_reduction(xd, dd, [dims(o) for o in others] if others else None)
    if plan is None:
        out = apply(get("SumToShape"), (dy, gf.shape(x)), {})
    else:
        lead, keep_axes = plan
        out = dy
        if keep_axes:
            out = gf.reduce_sum(out, keep_axes, keepdims=True)
        if lead:
            out = gf.reduce_sum(out, list(range(lead)))
    if type(out) is not EagerTensor and out is not dy:
        out.set_shape(x.shape)        # the reduction is exactly x's shape: keep what is known
    return out


def _static_reduction(xd, dd, others):
    """(leading axes to drop, axes to sum keeping dims) when static shapes decide them, else None."""
    if xd is None or dd is None or len(dd) < len(xd):
        return None
    lead = len(dd) - len(xd)
    keep = []
    for i, dx in enumerate(xd):
        do = dd[lead + i]
        if dx is not None:
            if dx == 1 and do != 1:      # summing an axis that turns out to be 1 is harmless
                keep.append(lead + i)
            continue
        if do == 1:
            continue
        if others is None:
            return None
        for od in others:                # x's unknown dim is the output's if nobody else is wider
            if od is None:
                return None
            j = len(od) - len(xd) + i
            if j >= 0 and od[j] != 1:
                return None
    return lead, keep


# ---- ReluGrad: one fused op on the hottest backward path -------------------------------------------

def _relu_grad(dy, y):
    # dy * (y > 0), as TensorFlow computes it (so a NaN in dy propagates); a multiply by the
    # mask is also 8x faster than np.where with a scalar.
    return dy * (y > 0)


register(OpDef("ReluGrad", inf.elementwise, _relu_grad, kind=ELEMENTWISE, same_dtype=True,
               scalar_expr="({0} * T({1} > T(0)))", allowed=inf.NUMERIC))


@set_gradient("ReluGrad")
def _relu_grad_grad(op, g):
    return relu_grad(g, op.inputs[1]), None


def relu_grad(dy, y):
    """dy where y > 0, else 0 (TensorFlow's ReluGrad: zero at the kink)."""
    return apply(get("ReluGrad"), (dy, y), {})


# ---- SparseSoftmaxCrossEntropyGrad: the cross-entropy's backprop in one op ----------------------------------

def _sparse_xent_grad_infer(logits, labels, dy):
    return [Spec(logits.shape, logits.dtype)]


def _sparse_xent_grad(logits, labels, dy):
    e = np.exp(logits - np.max(logits, axis=-1, keepdims=True))
    out = e / np.sum(e, axis=-1, keepdims=True)
    np.put_along_axis(out, labels[..., None].astype(np.intp), np.take_along_axis(
        out, labels[..., None].astype(np.intp), axis=-1) - 1, axis=-1)
    return out * dy[..., None]


register(OpDef("SparseSoftmaxCrossEntropyGrad", _sparse_xent_grad_infer, _sparse_xent_grad))


@set_gradient("SparseSoftmaxCrossEntropyGrad")
def _sparse_xent_grad_grad(op, g):
    # out = (softmax(l) - onehot) * dy: linear in dy; through softmax's Jacobian in l.
    logits, labels, dy = op.inputs
    p = gf.softmax(logits)
    gd = gf.multiply(g, gf.expand_dims(dy, -1))
    d_logits = gf.multiply(p, gf.subtract(gd, gf.reduce_sum(gf.multiply(gd, p), -1, keepdims=True)))
    residual = sparse_xent_grad(logits, labels, gf.ones_like(dy))
    return d_logits, None, gf.reduce_sum(gf.multiply(g, residual), -1)


def sparse_xent_grad(logits, labels, dy):
    """(softmax(logits) - one_hot(labels)) * dy[..., None]: TensorFlow's fused backprop."""
    return apply(get("SparseSoftmaxCrossEntropyGrad"), (logits, labels, dy), {})


# ---- SplitV: split by a (possibly dynamic) vector of sizes -------------------------------------------

def _split_v_infer(x, sizes, axis=0, num=1):
    dims = x.shape.dims
    if dims is None:
        return [Spec(TensorShape(None), x.dtype)] * num
    a = inf.normalize_axis(axis, len(dims), "SplitV")
    vals = [None] * num if sizes.value is None else [int(s) for s in sizes.value]
    return [Spec(TensorShape(dims[:a] + (s,) + dims[a + 1:]), x.dtype) for s in vals]


def _split_v(x, sizes, axis=0, num=1):
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=axis))


register(OpDef("SplitV", _split_v_infer, _split_v, num_outputs=-1))


@set_gradient("SplitV")
def _split_v_grad(op, *gs):
    return gf.concat(list(gs), op.attrs["axis"]), None


def split_v(x, sizes, axis):
    """Split x along `axis` into pieces of `sizes` (an int vector tensor, possibly dynamic)."""
    return list(apply(get("SplitV"), (x, sizes), {"axis": axis, "num": int(sizes.shape.dims[0])}))


# ---- ScatterNd: the gradient of gather / gather_nd ------------------------------------------------

def _scatter_nd_infer(indices, updates, shape):
    return [Spec(_dims_from(shape), updates.dtype)]


def _scatter_nd(indices, updates, shape):
    out = np.zeros(tuple(int(s) for s in shape), dtype=updates.dtype)
    np.add.at(out, tuple(np.moveaxis(indices, -1, 0)), updates)
    return out


register(OpDef("ScatterNd", _scatter_nd_infer, _scatter_nd))


@set_gradient("ScatterNd")
def _scatter_nd_grad(op, g):
    return None, gf.gather_nd(g, op.inputs[0]), None


def scatter_nd(indices, updates, shape):
    """Zeros of `shape` with `updates` added at `indices` (duplicates accumulate)."""
    return apply(get("ScatterNd"), (indices, updates, shape_tensor(shape)), {})


# ---- MirrorPadGrad: fold the reflected border back --------------------------------------------------

def _mirror_pad_grad_infer(dy, paddings, mode):
    dims = dy.shape.dims
    if dims is None:
        return [Spec(TensorShape(None), dy.dtype)]
    if paddings.value is None:          # known only when the graph runs
        return [Spec(TensorShape((None,) * len(dims)), dy.dtype)]
    pairs = np.asarray(paddings.value).reshape(-1, 2)
    out = tuple(None if d is None else d - int(a) - int(b) for d, (a, b) in zip(dims, pairs))
    return [Spec(TensorShape(out), dy.dtype)]


def _mirror_pad_grad(dy, paddings, mode):
    paddings = np.asarray(paddings).reshape(-1, 2)
    out = np.array(dy, copy=True)
    shift = 1 if mode == "REFLECT" else 0
    for axis, (a, b) in enumerate(paddings):
        a, b = int(a), int(b)
        n = out.shape[axis] - a - b
        core = [slice(None)] * out.ndim
        core[axis] = slice(a, a + n)
        res = out[tuple(core)].copy()
        res_view = np.moveaxis(res, axis, 0)
        src = np.moveaxis(out, axis, 0)
        for i in range(a):   # padded position i mirrors core index (a - i - 1 + shift)
            res_view[a - i - 1 + shift] += src[i]
        for i in range(b):   # padded position a+n+i mirrors core index (n - 1 - i - shift)
            res_view[n - 1 - i - shift] += src[a + n + i]
        out = res
    return out


register(OpDef("MirrorPadGrad", _mirror_pad_grad_infer, _mirror_pad_grad))


@set_gradient("MirrorPadGrad")
def _mirror_pad_grad_grad(op, g):
    return gf.pad(g, op.inputs[1], op.attrs["mode"]), None


# ---- convolution backprops ----------------------------------------------------------------------

def _dim_pad(padding, i):
    """'SAME'/'VALID', or the explicit (before, after) pair of spatial dim i."""
    return padding if isinstance(padding, str) else tuple(padding[i])


def _conv_attrs(strides, dilations):
    return _pair(strides, "strides"), _pair(dilations, "dilations")


def _backprop_input_infer(input_sizes, w, dy, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    shape = _dims_from(input_sizes, 4)
    if shape.dims is not None and dy.shape.dims is not None:
        shape = shape.merge_with(TensorShape((dy.shape.dims[0], None, None, None)))
    return [Spec(shape, dy.dtype)]


def _conv2d_backprop_input(input_sizes, w, dy, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    strides, dilations = _conv_attrs(strides, dilations)
    n, h, wd, c = (int(s) for s in input_sizes)
    kh, kw = w.shape[:2]
    _, ph = conv_out_size(h, kh, strides[0], dilations[0], _dim_pad(padding, 0))
    _, pw = conv_out_size(wd, kw, strides[1], dilations[1], _dim_pad(padding, 1))
    dxp = np.zeros((n, h + ph[0] + ph[1], wd + pw[0] + pw[1], c), dtype=dy.dtype)
    oh, ow = dy.shape[1:3]
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dilations[0], j * dilations[1]
            dxp[:, r0:r0 + strides[0] * (oh - 1) + 1:strides[0], c0:c0 + strides[1] * (ow - 1) + 1:strides[1], :] += \
                dy @ w[i, j].T
    return dxp[:, ph[0]:ph[0] + h, pw[0]:pw[0] + wd, :]


register(OpDef("Conv2DBackpropInput", _backprop_input_infer, _conv2d_backprop_input))


def _backprop_filter_infer(x, filter_sizes, dy, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    return [Spec(_dims_from(filter_sizes, 4), dy.dtype)]


def _conv2d_backprop_filter(x, filter_sizes, dy, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    strides, dilations = _conv_attrs(strides, dilations)
    kh, kw = int(filter_sizes[0]), int(filter_sizes[1])
    xp, _, _ = pad_nhwc(x, kh, kw, strides, dilations, padding)
    win = windows(xp, kh, kw, strides, dilations)             # N OH OW C KH KW
    return np.einsum("nhwcij,nhwo->ijco", win, dy, optimize=True).astype(dy.dtype, copy=False)


register(OpDef("Conv2DBackpropFilter", _backprop_filter_infer, _conv2d_backprop_filter))


def _conv_attr_dict(attrs):
    return {"strides": attrs["strides"], "padding": attrs["padding"], "dilations": attrs["dilations"]}


def conv2d_backprop_input(input_sizes, filters, dy, strides, padding, dilations=(1, 1)):
    """The gradient of conv2d with respect to its input (a transposed convolution)."""
    return apply(get("Conv2DBackpropInput"), (shape_tensor(input_sizes), filters, dy),
                 {"strides": tuple(strides), "padding": padding, "dilations": tuple(dilations)})


def conv2d_backprop_filter(x, filter_sizes, dy, strides, padding, dilations=(1, 1)):
    """The gradient of conv2d with respect to its filter."""
    return apply(get("Conv2DBackpropFilter"), (x, shape_tensor(filter_sizes), dy),
                 {"strides": tuple(strides), "padding": padding, "dilations": tuple(dilations)})


@set_gradient("Conv2DBackpropInput")
def _backprop_input_grad(op, g):
    sizes, w, dy = op.inputs
    a = op.attrs
    return (None, conv2d_backprop_filter(g, shape_of(w), dy, a["strides"], a["padding"], a["dilations"]),
            gf.conv2d(g, w, a["strides"], a["padding"], dilations=a["dilations"]))


@set_gradient("Conv2DBackpropFilter")
def _backprop_filter_grad(op, g):
    x, sizes, dy = op.inputs
    a = op.attrs
    return (conv2d_backprop_input(shape_of(x), g, dy, a["strides"], a["padding"], a["dilations"]), None,
            gf.conv2d(x, g, a["strides"], a["padding"], dilations=a["dilations"]))


# ---- pooling backprops --------------------------------------------------------------------------

def _pool_geometry(x_shape, ksize, strides, padding):
    kh, kw = _pair(ksize, "ksize")
    sh, sw = _pair(strides, "strides")
    h, w = x_shape[1:3]
    oh, ph = conv_out_size(h, kh, sh, 1, padding)
    ow, pw = conv_out_size(w, kw, sw, 1, padding)
    return kh, kw, sh, sw, oh, ow, ph, pw


def _window_slices(i, j, sh, sw, oh, ow):
    return (slice(None), slice(i, i + sh * (oh - 1) + 1, sh), slice(j, j + sw * (ow - 1) + 1, sw), slice(None))


def _argmax_masks(x, y, ksize, strides, padding):
    """(padded shape, pads, masks): mask (i, j) marks where window offset (i, j) holds the
    window's first maximum (TensorFlow routes a max-pool gradient to the first maximum in
    row-major window order)."""
    kh, kw, sh, sw, oh, ow, ph, pw = _pool_geometry(x.shape, ksize, strides, padding)
    xp = np.pad(x, ((0, 0), ph, pw, (0, 0)), constant_values=-np.inf) if ph != (0, 0) or pw != (0, 0) else x
    taken = np.zeros(y.shape, dtype=bool)
    masks = []
    for i in range(kh):
        for j in range(kw):
            sl = _window_slices(i, j, sh, sw, oh, ow)
            hit = (xp[sl] == y) & ~taken
            taken |= hit
            masks.append((sl, hit))
    return xp.shape, ph, pw, masks


def _max_pool_grad_infer(x, y, dy, ksize, strides, padding="VALID"):
    return [Spec(x.shape, dy.dtype)]


def _max_pool_grad(x, y, dy, ksize, strides, padding="VALID"):
    padded_shape, ph, pw, masks = _argmax_masks(x, y, ksize, strides, padding)
    out = np.zeros(padded_shape, dtype=dy.dtype)
    for sl, hit in masks:
        out[sl] += np.where(hit, dy, dy.dtype.type(0))
    h, w = x.shape[1:3]
    return out[:, ph[0]:ph[0] + h, pw[0]:pw[0] + w, :]


register(OpDef("MaxPoolGrad", _max_pool_grad_infer, _max_pool_grad))


def _max_pool_grad_grad_infer(x, y, g, ksize, strides, padding="VALID"):
    return [Spec(y.shape, g.dtype)]


def _max_pool_grad_grad(x, y, g, ksize, strides, padding="VALID"):
    _, ph, pw, masks = _argmax_masks(x, y, ksize, strides, padding)
    gp = np.pad(g, ((0, 0), ph, pw, (0, 0))) if ph != (0, 0) or pw != (0, 0) else g
    out = np.zeros(y.shape, dtype=g.dtype)
    for sl, hit in masks:
        out += np.where(hit, gp[sl], g.dtype.type(0))
    return out


register(OpDef("MaxPoolGradGrad", _max_pool_grad_grad_infer, _max_pool_grad_grad))


def _pool_attrs(attrs):
    return {"ksize": attrs["ksize"], "strides": attrs["strides"], "padding": attrs["padding"]}


@set_gradient("MaxPoolGrad")
def _max_pool_grad_grad_fn(op, g):
    x, y, _ = op.inputs
    return None, None, apply(get("MaxPoolGradGrad"), (x, y, g), _pool_attrs(op.attrs))


@set_gradient("MaxPoolGradGrad")
def _max_pool_grad_grad_grad(op, g):
    x, y, _ = op.inputs
    return None, None, apply(get("MaxPoolGrad"), (x, y, g), _pool_attrs(op.attrs))


def max_pool_grad(x, y, dy, attrs):
    return apply(get("MaxPoolGrad"), (x, y, dy), _pool_attrs(attrs))


def _avg_pool_grad_infer(input_sizes, dy, ksize, strides, padding="VALID"):
    return [Spec(_dims_from(input_sizes, 4), dy.dtype)]


def _avg_pool_grad(input_sizes, dy, ksize, strides, padding="VALID"):
    shape = tuple(int(s) for s in input_sizes)
    kh, kw, sh, sw, oh, ow, ph, pw = _pool_geometry(shape, ksize, strides, padding)
    ones, _, _ = pad_nhwc(np.ones((1,) + shape[1:3] + (1,), dy.dtype), kh, kw, (sh, sw), (1, 1), padding)
    count = windows(ones, kh, kw, (sh, sw), (1, 1)).sum(axis=(-2, -1), dtype=dy.dtype)   # valid cells only
    share = dy / count
    out = np.zeros((shape[0], shape[1] + ph[0] + ph[1], shape[2] + pw[0] + pw[1], shape[3]), dtype=dy.dtype)
    for i in range(kh):
        for j in range(kw):
            out[_window_slices(i, j, sh, sw, oh, ow)] += share
    return out[:, ph[0]:ph[0] + shape[1], pw[0]:pw[0] + shape[2], :]


register(OpDef("AvgPoolGrad", _avg_pool_grad_infer, _avg_pool_grad))


@set_gradient("AvgPoolGrad")
def _avg_pool_grad_grad(op, g):
    a = op.attrs
    return None, gf.avg_pool2d(g, a["ksize"], a["strides"], a["padding"])


def avg_pool_grad(x, dy, attrs):
    return apply(get("AvgPoolGrad"), (shape_tensor(shape_of(x)), dy), _pool_attrs(attrs))

