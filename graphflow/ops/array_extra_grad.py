"""Gradients of the array ops of ops/array_extra.py and of top_k (ops/selection.py), with public ops."""
from __future__ import annotations

from .. import dtypes
from . import api as gf
from .dispatch import apply
from .registry import get, set_gradient


def iota(n):
    """0, 1, ..., n - 1 (int32) for a run-time n, as the exclusive running count of ones."""
    return gf.cumsum(gf.fill(gf.reshape(n, [1]), gf.constant(1, dtypes.int32)), exclusive=True)


@set_gradient("Roll")
def _roll_grad(op, g):
    return apply(get("Roll"), (g, gf.negative(op.inputs[1])), {"axis": op.attrs["axis"]}), None


@set_gradient("ReverseV2")
def _reverse_grad(op, g):
    return (apply(get("ReverseV2"), (g,), {"axis": op.attrs["axis"]}),)


@set_gradient("ReverseSequence")
def _reverse_sequence_grad(op, g):
    return apply(get("ReverseSequence"), (g, op.inputs[1]), dict(op.attrs)), None


@set_gradient("TensorScatter")
def _scatter_grad(op, g):
    tensor, indices, updates = op.inputs
    kind = op.attrs["kind"]
    picked = gf.gather_nd(g, indices)
    if kind == "add":
        return g, None, picked
    if kind == "sub":
        return g, None, gf.negative(picked)
    if kind == "update":
        hole = apply(get("TensorScatter"), (g, indices, gf.zeros_like(updates)), {"kind": "update"})
        return hole, None, picked
    # max/min: the gradient goes where the output equals the operand it came from
    y = op.outputs[0]
    from_tensor = gf.equal(tensor, y)
    from_updates = gf.equal(updates, gf.gather_nd(y, indices))
    return (gf.where(from_tensor, g, gf.zeros_like(g)), None,
            gf.where(from_updates, picked, gf.zeros_like(picked)))


@set_gradient("EnsureShape")
def _ensure_shape_grad(op, g):
    return (g,)


@set_gradient("DynamicPartition")
def _partition_grad(op, *gs):
    data, partitions = op.inputs
    n = op.attrs["num_partitions"]
    positions = gf.reshape(iota(gf.size(partitions)), gf.shape(partitions))
    pieces = apply(get("DynamicPartition"), (positions, partitions), {"num_partitions": n})
    gs = [gf.zeros_like(o) if g is None else g for g, o in zip(gs, op.outputs)]
    return gf.dynamic_stitch(list(pieces), gs), None


@set_gradient("DynamicStitch")
def _stitch_grad(op, g):
    n = op.attrs["n"]
    indices = op.inputs[:n]
    return [None] * n + [gf.gather(g, i) for i in indices]


@set_gradient("ExtractVolumePatches")
def _extract_volume_patches_grad(op, g):
    a = op.attrs
    return (apply(get("ExtractVolumePatchesGrad"), (g, gf.shape(op.inputs[0])),
                  {"ksizes": a["ksizes"], "strides": a["strides"], "padding": a["padding"]}),)


@set_gradient("ExtractVolumePatchesGrad")
def _extract_volume_patches_grad_grad(op, g):
    a = op.attrs
    return (apply(get("ExtractVolumePatches"), (g,), {"ksizes": a["ksizes"], "strides": a["strides"],
                                                      "padding": a["padding"]}), None)


@set_gradient("TopKV2")
def _top_k_grad(op, g, _g_indices=None):
    x = op.inputs[0]
    idx = op.outputs[1]
    n = gf.shape(x)[-1]
    flat_g = gf.reshape(g, [-1])
    k = gf.shape(idx)[-1]
    rows = gf.reduce_prod(gf.shape(idx)[:-1])
    offsets = gf.reshape(iota(rows) * n, [-1, 1])
    flat_idx = gf.reshape(gf.cast(gf.reshape(idx, [-1, k]), dtypes.int32) + offsets, [-1, 1])
    dense = gf.scatter_nd(flat_idx, flat_g, gf.reshape(gf.size(x), [1]))
    return gf.reshape(dense, gf.shape(x)), None
