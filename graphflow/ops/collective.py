"""Collective ops: the graph's side of data-parallel training (gf.distribute).

The ops know nothing about MPI: their `group` attr is an object of graphflow/distribute/ (the MPI
world, or a one-process group) with `all_reduce(arrays, reduction)` and `broadcast(arrays, root,
names)`. One op carries every gradient of a step, so the group can fuse them into few large
buffers (Horovod's tensor fusion), and eager, Session and compiled gf.function steps all run the
same kernel. They are stateful: never folded, merged or pruned, and kept in program order with
the other side effects, so every rank issues its collectives in the same order.
"""
from __future__ import annotations

from .registry import STATEFUL, OpDef, Spec, register

REDUCTIONS = ("sum", "mean", "max", "min")


def _all_reduce_infer(*tensors, group, reduction, names=()):
    if reduction not in REDUCTIONS:
        raise ValueError(f"CollectiveAllReduce: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    for i, t in enumerate(tensors):
        if not (t.dtype.is_floating or t.dtype.is_integer):
            label = names[i] if i < len(names) else f"input {i}"
            raise TypeError(f"CollectiveAllReduce: {label} must be a number tensor, got {t.dtype.name}")
    return [Spec(t.shape, t.dtype) for t in tensors]


def _all_reduce(*arrays, group, reduction, names=()):
    """Each input reduced elementwise over every rank of `group`; outputs have the inputs' shapes."""
    return tuple(group.all_reduce(list(arrays), reduction, names))


register(OpDef("CollectiveAllReduce", _all_reduce_infer, _all_reduce, kind=STATEFUL, stateful=True,
               differentiable=False, num_outputs=-1, retains_inputs=False, foldable=False))


def _broadcast_infer(*tensors, group, root, names=()):
    return [Spec(t.shape, t.dtype) for t in tensors]


def _broadcast(*arrays, group, root, names=()):
    """Rank `root`'s values on every rank; raises on every rank when shapes or dtypes differ."""
    return tuple(group.broadcast(list(arrays), root, names))


register(OpDef("CollectiveBroadcast", _broadcast_infer, _broadcast, kind=STATEFUL, stateful=True,
               differentiable=False, num_outputs=-1, retains_inputs=False, foldable=False))
