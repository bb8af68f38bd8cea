"""More array ops: roll, reverse, reverse_sequence, tensor_scatter_nd_*, ensure_shape,
unravel_index, dynamic_partition/dynamic_stitch, broadcast_dynamic_shape, bitcast and bit shifts.

Each is one OpDef with a numpy kernel and, where TensorFlow differentiates it, a gradient written
with public ops.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..shapes import TensorShape, broadcast_dims
from . import infer as inf
from .registry import ELEMENTWISE, OpDef, Spec, register


def _same(x, *rest, **attrs):
    return [x]


# ---- roll, reverse ----------------------------------------------------------------------------------

def _roll_shifts(shift, axis) -> list:
    shifts = [int(v) for v in np.ravel(shift)]
    if len(shifts) != len(axis):
        raise InvalidArgumentError(None, "Roll", f"Roll: shift and axis must have the same size, got {len(shifts)} "
                                                 f"and {len(axis)}")
    return shifts


def _roll_infer(x, shift, axis):
    if not shift.dtype.is_integer:
        raise TypeError(f"Roll: shift must be int32 or int64, got {shift.dtype.name}")
    if shift.shape.rank not in (None, 0, 1):
        raise ValueError(f"Roll: shift must be a scalar or a vector, got shape {shift.shape}")
    if x.shape.rank is not None:
        for a in axis:
            inf.normalize_axis(a, x.shape.rank, "roll")
    if shift.value is not None:
        _roll_shifts(shift.value, axis)
    return [Spec(x.shape, x.dtype)]


def _roll(x, shift, axis):
    return np.roll(x, _roll_shifts(shift, axis), axis)


register(OpDef("Roll", _roll_infer, _roll))


def _reverse_infer(x, axis):
    if x.shape.rank is not None:
        inf.normalize_axes(axis, x.shape.rank, "reverse")
    return [x]


def _reverse(x, axis):
    return np.flip(x, axis) if axis else x.copy()


register(OpDef("ReverseV2", _reverse_infer, _reverse))


def _reverse_sequence_infer(x, lengths, seq_axis, batch_axis):
    if not lengths.dtype.is_integer:
        raise TypeError(f"reverse_sequence: seq_lengths must be integers, got {lengths.dtype.name}")
    return [x]


def _reverse_sequence(x, lengths, seq_axis, batch_axis):
    if len(lengths) != x.shape[batch_axis]:
        raise ValueError(f"reverse_sequence: len(seq_lengths) {len(lengths)} != input.dims({batch_axis}) "
                         f"{x.shape[batch_axis]}")
    if np.any(lengths > x.shape[seq_axis]) or np.any(lengths < 0):
        raise ValueError(f"reverse_sequence: seq_lengths must be in [0, {x.shape[seq_axis]}]")
    out = x.copy()
    for b, n in enumerate(lengths):
        src = [slice(None)] * x.ndim
        src[batch_axis] = b
        src[seq_axis] = slice(0, int(n))
        out[tuple(src)] = np.flip(x[tuple(src)], seq_axis - (seq_axis > batch_axis))
    return out


register(OpDef("ReverseSequence", _reverse_sequence_infer, _reverse_sequence))


# ---- tensor_scatter_nd_* -----------------------------------------------------------------------------

_SCATTER = {"update": None, "add": np.add, "sub": np.subtract, "max": np.maximum, "min": np.minimum}


def _scatter_infer(tensor, indices, updates, kind):
    if not indices.dtype.is_integer:
        raise TypeError(f"tensor_scatter_nd_{kind}: indices must be integers, got {indices.dtype.name}")
    if tensor.dtype is not updates.dtype:
        raise TypeError(f"tensor_scatter_nd_{kind}: tensor and updates must have one dtype, got "
                        f"{tensor.dtype.name} and {updates.dtype.name}")
    t, i, u = tensor.shape.dims, indices.shape.dims, updates.shape.dims
    if None not in (t, i, u) and i[-1] is not None:
        want = TensorShape(i[:-1] + t[i[-1]:])
        if not want.is_compatible_with(TensorShape(u)):
            raise ValueError(f"tensor_scatter_nd_{kind}: updates shape {TensorShape(u)} must be {want} for "
                             f"indices {TensorShape(i)} into a tensor of shape {TensorShape(t)}")
    return [tensor]


def _scatter(tensor, indices, updates, kind):
    out = tensor.copy()
    depth = indices.shape[-1]
    idx = indices.reshape(-1, depth)
    bad = (idx < 0) | (idx >= np.asarray(tensor.shape[:depth]))
    if bad.any():
        raise IndexError(f"tensor_scatter_nd_{kind}: indices {idx[bad.any(1)][0].tolist()} are out of range "
                         f"for shape {tensor.shape}")
    ups = updates.reshape((len(idx),) + tensor.shape[depth:])
    where = tuple(idx.T)
    if kind == "update":
        out[where] = ups
    else:
        _SCATTER[kind].at(out, where, ups)
    return out


register(OpDef("TensorScatter", _scatter_infer, _scatter))


# ---- ensure_shape -----------------------------------------------------------------------------------

def _ensure_shape_infer(x, shape):
    want = TensorShape(shape)
    if not x.shape.is_compatible_with(want):
        raise ValueError(f"ensure_shape: shape of tensor {x.shape} is not compatible with expected shape {want}")
    return [Spec(x.shape.merge_with(want), x.dtype)]


def _ensure_shape(x, shape):
    if not TensorShape(x.shape).is_compatible_with(TensorShape(shape)):
        raise ValueError(f"ensure_shape: shape of tensor {list(x.shape)} is not compatible with expected shape "
                         f"{TensorShape(shape)}")
    return x


register(OpDef("EnsureShape", _ensure_shape_infer, _ensure_shape, foldable=False))


# ---- unravel_index ------------------------------------------------------------------------------------

def _unravel_infer(indices, dims):
    if not indices.dtype.is_integer or indices.dtype is not dims.dtype:
        raise TypeError("unravel_index: indices and dims must be integers of one dtype")
    n = dims.shape.dims[0] if dims.shape.dims else None
    if indices.shape.rank == 0:
        return [Spec(TensorShape((n,)), indices.dtype)]
    m = indices.shape.dims[0] if indices.shape.dims else None
    return [Spec(TensorShape((n, m)), indices.dtype)]


def _unravel(indices, dims):
    total = int(np.prod(dims))
    if np.any(indices < 0) or np.any(indices >= total):
        raise ValueError(f"unravel_index: index out of bounds for dims {dims.tolist()}")
    return np.asarray(np.unravel_index(indices, tuple(int(d) for d in dims)), dtype=indices.dtype)


register(OpDef("UnravelIndex", _unravel_infer, _unravel, differentiable=False))


# ---- dynamic_partition / dynamic_stitch ------------------------------------------------------------------

def _partition_infer(data, partitions, num_partitions):
    if partitions.dtype is not dtypes.int32:
        raise TypeError(f"dynamic_partition: partitions must be int32, got {partitions.dtype.name}")
    rest = None if data.shape.dims is None or partitions.shape.dims is None else \
        data.shape.dims[len(partitions.shape.dims):]
    return [Spec(TensorShape(None if rest is None else (None,) + rest), data.dtype)] * num_partitions


def _partition(data, partitions, num_partitions):
    if np.any(partitions < 0) or np.any(partitions >= num_partitions):
        raise ValueError(f"dynamic_partition: partitions must be in [0, {num_partitions})")
    if data.shape[:partitions.ndim] != partitions.shape:
        raise ValueError(f"dynamic_partition: partitions shape {partitions.shape} must prefix data shape {data.shape}")
    return tuple(data[partitions == i] for i in range(num_partitions))


register(OpDef("DynamicPartition", _partition_infer, _partition, num_outputs=-1))


def _stitch_infer(*specs, n):
    indices, data = specs[:n], specs[n:]
    dt = data[0].dtype
    for d in data:
        if d.dtype is not dt:
            raise TypeError("dynamic_stitch: every data tensor must have one dtype")
    rest = None
    if data[0].shape.dims is not None and indices[0].shape.dims is not None:
        rest = data[0].shape.dims[len(indices[0].shape.dims):]
    return [Spec(TensorShape(None if rest is None else (None,) + rest), dt)]


def _stitch(*arrays, n):
    indices, data = arrays[:n], arrays[n:]
    size = max((int(i.max()) + 1 for i in indices if i.size), default=0)
    rest = data[0].shape[indices[0].ndim:]
    out = np.zeros((size,) + rest, dtype=data[0].dtype)
    for i, d in zip(indices, data):
        if d.shape[:i.ndim] != i.shape:
            raise ValueError(f"dynamic_stitch: data shape {d.shape} must start with indices shape {i.shape}")
        out[i.reshape(-1)] = d.reshape((-1,) + rest)
    return out


register(OpDef("DynamicStitch", _stitch_infer, _stitch))


# ---- broadcast_dynamic_shape, bitcast, shifts ------------------------------------------------------------

def _broadcast_args_infer(a, b):
    if a.value is not None and b.value is not None:
        return [Spec(TensorShape((len(_broadcast_args(a.value, b.value)),)), a.dtype)]
    n = None if a.shape.dims is None or b.shape.dims is None or None in (a.shape.dims + b.shape.dims) else \
        max(a.shape.dims[0], b.shape.dims[0])
    return [Spec(TensorShape((n,)), a.dtype)]


def _broadcast_args(a, b):
    try:
        return np.asarray(broadcast_dims(tuple(int(x) for x in a), tuple(int(x) for x in b)), dtype=a.dtype)
    except ValueError:
        raise ValueError(f"broadcast_dynamic_shape: incompatible shapes: {list(a)} vs. {list(b)}") from None


register(OpDef("BroadcastArgs", _broadcast_args_infer, _broadcast_args, differentiable=False))


def _bitcast_infer(x, type):  # noqa: A002
    a, b = x.dtype.size, type.size
    if x.shape.dims is None:
        return [Spec(TensorShape(None), type)]
    dims = x.shape.dims
    if a == b:
        return [Spec(x.shape, type)]
    if a > b:
        return [Spec(TensorShape(dims + (a // b,)), type)]
    if dims and dims[-1] not in (None, b // a):
        raise ValueError(f"bitcast: the last dimension must be {b // a} to go from {x.dtype.name} to {type.name}")
    return [Spec(TensorShape(dims[:-1]), type)]


def _bitcast(x, type):  # noqa: A002
    a, b = x.dtype.itemsize, type.np.itemsize
    out = np.ascontiguousarray(x).view(type.np)
    if a > b:
        return out.reshape(x.shape + (a // b,))
    if a < b:
        return out.reshape(x.shape[:-1])
    return out.reshape(x.shape)


register(OpDef("Bitcast", _bitcast_infer, _bitcast, differentiable=False))


def _shift(fn):
    def kernel(x, y):
        bits = x.dtype.itemsize * 8
        ok = (y >= 0) & (y < bits)
        return np.where(ok, fn(x, np.where(ok, y, 0).astype(x.dtype)), 0).astype(x.dtype)
    return kernel


for _name, _fn in (("LeftShift", np.left_shift), ("RightShift", np.right_shift)):
    register(OpDef(_name, inf.elementwise, _shift(_fn), kind=ELEMENTWISE, allowed=inf.INTS, same_dtype=True,
                   check_in_eager=True, differentiable=False))
register(OpDef("Invert", inf.elementwise, np.invert, kind=ELEMENTWISE, allowed=inf.INTS, check_in_eager=True,
               differentiable=False))


# ---- extract_volume_patches ------------------------------------------------------------------------------

def _volume_geometry(in_dims, ksizes, strides, padding):
    """Per spatial dim: (output size, padding before)."""
    out = []
    for n, k, s in zip(in_dims, ksizes, strides):
        if padding == "VALID":
            out.append((max((n - k) // s + 1, 0), 0))
        else:
            o = -(-n // s)
            total = max((o - 1) * s + k - n, 0)
            out.append((o, total // 2))
    return out


def _volume_infer(x, ksizes, strides, padding):
    if x.shape.rank not in (None, 5):
        raise ValueError(f"extract_volume_patches: input must be 5-D, got shape {x.shape}")
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"extract_volume_patches: padding must be 'SAME' or 'VALID', got {padding!r}")
    if x.shape.dims is None or None in x.shape.dims[1:]:
        return [Spec(TensorShape((None,) * 5), x.dtype)]
    geo = _volume_geometry(x.shape.dims[1:4], ksizes, strides, padding)
    depth = x.shape.dims[4] * int(np.prod(ksizes))
    return [Spec(TensorShape((x.shape.dims[0],) + tuple(g[0] for g in geo) + (depth,)), x.dtype)]


def _extract_volume(x, ksizes, strides, padding):
    geo = _volume_geometry(x.shape[1:4], ksizes, strides, padding)
    pads = [(0, 0)] + [(g[1], max((g[0] - 1) * s + k - n - g[1], 0)) for g, s, k, n in
                       zip(geo, strides, ksizes, x.shape[1:4])] + [(0, 0)]
    xp = np.pad(x, pads)
    (op_, _), (or_, _), (oc, _) = geo
    kp, kr, kc = ksizes
    out = np.zeros((x.shape[0], op_, or_, oc, kp, kr, kc, x.shape[4]), x.dtype)
    for a in range(kp):
        for b in range(kr):
            for c in range(kc):
                out[:, :, :, :, a, b, c, :] = xp[:, a:a + strides[0] * (op_ - 1) + 1:strides[0],
                                                 b:b + strides[1] * (or_ - 1) + 1:strides[1],
                                                 c:c + strides[2] * (oc - 1) + 1:strides[2], :]
    return out.reshape(out.shape[:4] + (kp * kr * kc * x.shape[4],))


def _volume_grad_infer(dy, input_shape, ksizes, strides, padding):
    if input_shape.value is not None:
        return [Spec(TensorShape(tuple(int(v) for v in input_shape.value)), dy.dtype)]
    return [Spec(TensorShape((None,) * 5), dy.dtype)]


def _extract_volume_grad(dy, input_shape, ksizes, strides, padding):
    n, p, r, c, d = (int(v) for v in input_shape)
    geo = _volume_geometry((p, r, c), ksizes, strides, padding)
    pads = [g[1] for g in geo]
    op_, or_, oc = (g[0] for g in geo)
    kp, kr, kc = ksizes
    full = [max((g[0] - 1) * s + k, m + b) for g, s, k, m, b in zip(geo, strides, ksizes, (p, r, c), pads)]
    dxp = np.zeros((n, full[0] + pads[0], full[1] + pads[1], full[2] + pads[2], d), dy.dtype)
    g = dy.reshape(n, op_, or_, oc, kp, kr, kc, d)
    for a in range(kp):
        for b in range(kr):
            for cc in range(kc):
                dxp[:, a:a + strides[0] * (op_ - 1) + 1:strides[0], b:b + strides[1] * (or_ - 1) + 1:strides[1],
                    cc:cc + strides[2] * (oc - 1) + 1:strides[2], :] += g[:, :, :, :, a, b, cc, :]
    return dxp[:, pads[0]:pads[0] + p, pads[1]:pads[1] + r, pads[2]:pads[2] + c, :]


register(OpDef("ExtractVolumePatches", _volume_infer, _extract_volume))
register(OpDef("ExtractVolumePatchesGrad", _volume_grad_infer, _extract_volume_grad))


