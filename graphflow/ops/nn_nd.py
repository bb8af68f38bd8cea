"""Convolution and pooling over any number of spatial dims (channels last): Conv3D and its two
backprops, 3-D max/avg pooling with their gradients, and 2-D max pooling with argmax. The kernels
walk the window offsets (a few per dim) and do one strided numpy slice and einsum per offset, so one
implementation serves every spatial rank."""
from __future__ import annotations

import itertools

import numpy as np

from .. import dtypes
from ..shapes import TensorShape
from . import infer as inf
from .nn import conv_out_size
from .registry import OpDef, Spec, register


def _geometry(sizes, ksize, strides, dilations, padding):
    """Per spatial dim: (output size, (pad before, pad after))."""
    return [conv_out_size(s, k, st, d, padding) for s, k, st, d in zip(sizes, ksize, strides, dilations)]


def _pad(x, geo, value=0.0):
    pads = [(0, 0)] + [p for _, p in geo] + [(0, 0)]
    return np.pad(x, pads, constant_values=value) if any(p != (0, 0) for p in pads) else x


def _offsets(ksize):
    return itertools.product(*[range(k) for k in ksize])


def _window_slice(idx, geo, strides, dilations):
    """The slice of the padded input that kernel offset `idx` meets at every output position."""
    return (slice(None),) + tuple(slice(i * d, i * d + (o - 1) * s + 1, s)
                                  for i, (o, _), s, d in zip(idx, geo, strides, dilations)) + (slice(None),)


def _spatial(x):
    return x.shape[1:-1]


# ---- convolution ------------------------------------------------------------------------------------

def _conv_infer(x, w, strides, padding, dilations):
    rank = len(strides) + 2
    if x.dtype is not w.dtype:
        raise TypeError(f"input and filter dtypes differ ({x.dtype.name} vs {w.dtype.name})")
    if x.shape.rank not in (None, rank) or w.shape.rank not in (None, rank):
        raise ValueError(f"input must be {rank}-D (batch, spatial..., channels) and the filter {rank}-D "
                         f"(spatial..., in, out), got {x.shape} and {w.shape}")
    if x.shape.dims is None or w.shape.dims is None:
        return [Spec(TensorShape(None), x.dtype)]
    xd, wd = x.shape.dims, w.shape.dims
    if None not in (xd[-1], wd[-2]) and xd[-1] != wd[-2]:
        raise ValueError(f"input depth {xd[-1]} does not match the filter's input depth {wd[-2]} "
                         f"({x.shape} vs {w.shape})")
    geo = _geometry(xd[1:-1], wd[:-2], strides, dilations, padding)
    return [Spec(TensorShape((xd[0],) + tuple(o for o, _ in geo) + (wd[-1],)), x.dtype)]


def _conv(x, w, strides, padding, dilations):
    geo = _geometry(_spatial(x), w.shape[:-2], strides, dilations, padding)
    xp = _pad(x, geo)
    out = np.zeros((x.shape[0],) + tuple(o for o, _ in geo) + (w.shape[-1],), x.dtype)
    if 0 in out.shape:
        return out
    for idx in _offsets(w.shape[:-2]):
        out += np.einsum("...c,co->...o", xp[_window_slice(idx, geo, strides, dilations)], w[idx])
    return out


def _backprop_input_infer(sizes, w, dy, strides, padding, dilations):
    v = sizes.value
    return [Spec(TensorShape(None if v is None else tuple(int(s) for s in v)), w.dtype)]


def _backprop_input(sizes, w, dy, strides, padding, dilations):
    sizes = tuple(int(s) for s in sizes)
    geo = _geometry(sizes[1:-1], w.shape[:-2], strides, dilations, padding)
    if tuple(o for o, _ in geo) != dy.shape[1:-1]:
        raise ValueError(f"out_backprop has spatial shape {dy.shape[1:-1]}, but an input of shape "
                         f"{sizes} gives {tuple(o for o, _ in geo)}")
    padded = (sizes[0],) + tuple(s + p[0] + p[1] for s, (_, p) in zip(sizes[1:-1], geo)) + (sizes[-1],)
    dxp = np.zeros(padded, dy.dtype)
    for idx in _offsets(w.shape[:-2]):
        dxp[_window_slice(idx, geo, strides, dilations)] += np.einsum("...o,co->...c", dy, w[idx])
    crop = (slice(None),) + tuple(slice(p[0], p[0] + s) for s, (_, p) in zip(sizes[1:-1], geo)) + (slice(None),)
    return dxp[crop]


def _backprop_filter_infer(x, sizes, dy, strides, padding, dilations):
    v = sizes.value
    return [Spec(TensorShape(None if v is None else tuple(int(s) for s in v)), x.dtype)]


def _backprop_filter(x, sizes, dy, strides, padding, dilations):
    ksize = tuple(int(s) for s in sizes[:-2])
    geo = _geometry(_spatial(x), ksize, strides, dilations, padding)
    xp = _pad(x, geo)
    dw = np.zeros(tuple(int(s) for s in sizes), x.dtype)
    for idx in _offsets(ksize):
        win = xp[_window_slice(idx, geo, strides, dilations)]
        lead = list(range(win.ndim - 1))
        dw[idx] = np.tensordot(win, dy, axes=(lead, lead))
    return dw


register(OpDef("Conv3D", _conv_infer, _conv, allowed=inf.FLOATS))
register(OpDef("Conv3DBackpropInputV2", _backprop_input_infer, _backprop_input))
register(OpDef("Conv3DBackpropFilterV2", _backprop_filter_infer, _backprop_filter))


# ---- pooling ------------------------------------------------------------------------------------------

def _pool_infer(x, ksize, strides, padding):
    rank = len(ksize) + 2
    if x.shape.rank not in (None, rank):
        raise ValueError(f"pooling needs a {rank}-D input (batch, spatial..., channels), got {x.shape}")
    if x.shape.dims is None:
        return [Spec(TensorShape(None), x.dtype)]
    d = x.shape.dims
    geo = _geometry(d[1:-1], ksize, strides, (1,) * len(ksize), padding)
    return [Spec(TensorShape((d[0],) + tuple(o for o, _ in geo) + (d[-1],)), x.dtype)]


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _max_pool(x, ksize, strides, padding):
    geo = _geometry(_spatial(x), ksize, strides, (1,) * len(ksize), padding)
    out_shape = (x.shape[0],) + tuple(o for o, _ in geo) + (x.shape[-1],)
    if 0 in out_shape:
        return np.zeros(out_shape, x.dtype)
    xp = _pad(x, geo, _lowest(x.dtype))
    out = np.full(out_shape, _lowest(x.dtype), x.dtype)
    for idx in _offsets(ksize):
        np.maximum(out, xp[_window_slice(idx, geo, strides, (1,) * len(ksize))], out=out)
    return out


def _avg_pool(x, ksize, strides, padding):
    geo = _geometry(_spatial(x), ksize, strides, (1,) * len(ksize), padding)
    out_shape = (x.shape[0],) + tuple(o for o, _ in geo) + (x.shape[-1],)
    if 0 in out_shape:
        return np.zeros(out_shape, x.dtype)
    xp = _pad(x, geo)
    total = np.zeros(out_shape, x.dtype)
    for idx in _offsets(ksize):
        total += xp[_window_slice(idx, geo, strides, (1,) * len(ksize))]
    return (total / _counts(x.shape, ksize, strides, padding, geo)).astype(x.dtype)


def _counts(shape, ksize, strides, padding, geo):
    """How many real (unpadded) cells each window covers: SAME pooling averages over those only."""
    ones = _pad(np.ones((1,) + tuple(shape[1:-1]) + (1,)), geo)
    count = 0
    for idx in _offsets(ksize):
        count = count + ones[_window_slice(idx, geo, strides, (1,) * len(ksize))]
    return count


def _max_pool_grad_infer(x, y, dy, ksize, strides, padding):
    return [Spec(x.shape, x.dtype)]


def _max_pool_grad(x, y, dy, ksize, strides, padding):
    """Each output's gradient goes to the first cell of its window (in scan order) holding the max."""
    geo = _geometry(_spatial(x), ksize, strides, (1,) * len(ksize), padding)
    xp = _pad(x, geo, _lowest(x.dtype))
    dxp = np.zeros(xp.shape, dy.dtype)
    taken = np.zeros(y.shape, bool)
    for idx in _offsets(ksize):
        sl = _window_slice(idx, geo, strides, (1,) * len(ksize))
        hit = (xp[sl] == y) & ~taken
        dxp[sl] += np.where(hit, dy, 0)
        taken |= hit
    crop = (slice(None),) + tuple(slice(p[0], p[0] + s) for s, (_, p) in zip(_spatial(x), geo)) + (slice(None),)
    return dxp[crop]


def _avg_pool_grad_infer(sizes, dy, ksize, strides, padding):
    v = sizes.value
    return [Spec(TensorShape(None if v is None else tuple(int(s) for s in v)), dy.dtype)]


def _avg_pool_grad(sizes, dy, ksize, strides, padding):
    sizes = tuple(int(s) for s in sizes)
    geo = _geometry(sizes[1:-1], ksize, strides, (1,) * len(ksize), padding)
    share = dy / _counts(sizes, ksize, strides, padding, geo)
    padded = (sizes[0],) + tuple(s + p[0] + p[1] for s, (_, p) in zip(sizes[1:-1], geo)) + (sizes[-1],)
    dxp = np.zeros(padded, dy.dtype)
    for idx in _offsets(ksize):
        dxp[_window_slice(idx, geo, strides, (1,) * len(ksize))] += share.astype(dy.dtype)
    crop = (slice(None),) + tuple(slice(p[0], p[0] + s) for s, (_, p) in zip(sizes[1:-1], geo)) + (slice(None),)
    return dxp[crop]


register(OpDef("MaxPool3D", _pool_infer, _max_pool, allowed=inf.FLOATS))
register(OpDef("AvgPool3D", _pool_infer, _avg_pool, allowed=inf.FLOATS))
register(OpDef("MaxPool3DGrad", _max_pool_grad_infer, _max_pool_grad, differentiable=False))
register(OpDef("AvgPool3DGrad", _avg_pool_grad_infer, _avg_pool_grad))


def _argmax_infer(x, ksize, strides, padding, include_batch_in_index=False, Targmax=dtypes.int64):
    y = _pool_infer(x, ksize, strides, padding)[0]
    return [y, Spec(y.shape, Targmax)]


def _max_pool_with_argmax(x, ksize, strides, padding, include_batch_in_index=False, Targmax=dtypes.int64):
    """The max and the flat index of the first cell holding it: ((y * W + x) * C + c), plus
    b * H * W * C with include_batch_in_index."""
    geo = _geometry(_spatial(x), ksize, strides, (1, 1), padding)
    n, h, w, c = x.shape
    xp = _pad(x, geo, _lowest(x.dtype))
    out_shape = (n,) + tuple(o for o, _ in geo) + (c,)
    best = np.full(out_shape, _lowest(x.dtype), x.dtype)
    arg = np.zeros(out_shape, np.int64)
    (oh, (ph, _)), (ow, (pw, _)) = geo
    rows = np.arange(oh)[:, None] * strides[0] - ph
    cols = np.arange(ow)[None, :] * strides[1] - pw
    chan = np.arange(c)
    for i, j in _offsets(ksize):
        v = xp[_window_slice((i, j), geo, strides, (1, 1))]
        better = v > best
        flat = ((rows + i)[..., None] * w + (cols + j)[..., None]) * c + chan
        arg = np.where(better, flat, arg)
        best = np.where(better, v, best)
    if include_batch_in_index:
        arg = arg + (np.arange(n) * h * w * c).reshape(n, 1, 1, 1)
    return best, arg.astype(Targmax.as_numpy_dtype)


register(OpDef("MaxPoolWithArgmax", _argmax_infer, _max_pool_with_argmax, allowed=inf.NUMERIC, num_outputs=2))


# ---- fractional pooling ------------------------------------------------------------------------------

def pooling_sequence(rng, size, out, pseudo_random):
    """Boundaries 0 = b_0 < ... < b_out = size whose steps are floor or ceil of size / out, in a
    random order (or, pseudo-randomly, ceil(alpha (i + u)) - ceil(alpha u) for one u)."""
    alpha = size / out
    if pseudo_random:
        u = rng.uniform(0, 1)
        seq = np.ceil(alpha * (np.arange(out + 1) + u)) - np.ceil(alpha * u)
        seq[-1] = size
        return seq.astype(np.int64)
    small, big = int(np.floor(alpha)), int(np.ceil(alpha))
    n_big = size - small * out
    steps = np.array([big] * n_big + [small] * (out - n_big))
    rng.shuffle(steps)
    return np.concatenate([[0], np.cumsum(steps)]).astype(np.int64)


def _windows_of(seq, overlapping, size):
    return [(int(seq[i]), min(int(seq[i + 1]) + (1 if overlapping else 0), size)) for i in range(len(seq) - 1)]


def _fractional_infer(x, ratio, pseudo_random, overlapping, key, mode):
    d = x.shape.dims
    out = None if d is None else tuple(None if v is None else int(v // r) for v, r in zip(d, ratio))
    return [Spec(TensorShape(out), x.dtype), Spec(TensorShape((None,)), dtypes.int64),
            Spec(TensorShape((None,)), dtypes.int64)]


def _fractional_pool(x, ratio, pseudo_random, overlapping, key, mode):
    from .random import generator
    rng = generator(key)
    n, h, w, c = x.shape
    oh, ow = int(h // ratio[1]), int(w // ratio[2])
    if oh < 1 or ow < 1:
        raise ValueError(f"pooling_ratio {list(ratio)} leaves no output for a {h}x{w} input")
    rows, cols = pooling_sequence(rng, h, oh, pseudo_random), pooling_sequence(rng, w, ow, pseudo_random)
    out = np.zeros((n, oh, ow, c), x.dtype)
    reduce = np.max if mode == "max" else np.mean
    for i, (r0, r1) in enumerate(_windows_of(rows, overlapping, h)):
        for j, (c0, c1) in enumerate(_windows_of(cols, overlapping, w)):
            out[:, i, j] = reduce(x[:, r0:r1, c0:c1], axis=(1, 2))
    return out, rows, cols


def _fractional_grad_infer(x, rows, cols, dy, overlapping, mode):
    return [Spec(x.shape, dy.dtype)]


def _fractional_grad(x, rows, cols, dy, overlapping, mode):
    """Max: each output's gradient to the first maximum of its window; avg: shared equally."""
    dx = np.zeros(x.shape, dy.dtype)
    h, w = x.shape[1:3]
    for i, (r0, r1) in enumerate(_windows_of(rows, overlapping, h)):
        for j, (c0, c1) in enumerate(_windows_of(cols, overlapping, w)):
            win = x[:, r0:r1, c0:c1]
            if mode == "max":
                flat = win.reshape(win.shape[0], -1, win.shape[-1])
                k = flat.argmax(axis=1)
                ri, ci = np.unravel_index(k, win.shape[1:3])
                b, ch = np.meshgrid(np.arange(x.shape[0]), np.arange(x.shape[-1]), indexing="ij")
                np.add.at(dx, (b, r0 + ri, c0 + ci, ch), dy[:, i, j])
            else:
                dx[:, r0:r1, c0:c1] += dy[:, i, j][:, None, None, :] / ((r1 - r0) * (c1 - c0))
    return dx


register(OpDef("FractionalPool", _fractional_infer, _fractional_pool, allowed=inf.NUMERIC, stateful=True,
               num_outputs=3))
register(OpDef("FractionalPoolGrad", _fractional_grad_infer, _fractional_grad, differentiable=False))
