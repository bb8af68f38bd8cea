"""A per-element map followed by batch runs as one map over each batch (map vectorisation).

`ds.map(f)...batch(n)`, with only row-preserving steps (shuffle, repeat, take, skip, shard,
prefetch) between them, gives the same batches as `ds...batch(n).map(f_batched)`, where
f_batched is f's graph rebuilt op by op for a leading batch dimension with the batching rules
declared in graphflow/ops/batching.py.  One compiled call per batch replaces one per element.
When any op has no rule (or writes state), the map stays per element.  Random ops draw one value
per element either way, but from a different position of the stream, so seeded random maps
give other (equally distributed) numbers than the per-element path.
"""
from __future__ import annotations

import copy
from types import SimpleNamespace

from ..ops import api, batching
from ..ops.convert import convert_to_tensor
from ..ops.dispatch import apply
from ..tensor_spec import TensorSpec
from . import functions, structure
from .parallel import ParallelMap
from .rows import ROW_PRESERVING
from .transform import Map


class NotVectorisable(Exception):
    """The element function has an op without a batching rule, or one that writes state."""


def _outputs_of(result, op):
    if result is None or result is op or (hasattr(result, "outputs") and not hasattr(result, "dtype")):
        return []
    return list(result) if isinstance(result, (list, tuple)) else [result]


def _rebuild(graph, n_args, batch_leaves) -> list:
    """`graph`'s outputs computed for a batch: each op replayed, with its batching rule where
    an input is batched (or it draws random numbers)."""
    env = {}
    ctx = SimpleNamespace(batch_size=api.strided_slice(api.shape(batch_leaves[0]), slice(0, 1)))
    for placeholder, leaf in zip(graph.inputs[:n_args], batch_leaves):
        env[placeholder] = (leaf, True)
    for value, placeholder in graph.captures:
        if not hasattr(value, "_value"):
            raise NotVectorisable("captures a graph tensor")
        env[placeholder] = (convert_to_tensor(value), False)
    for op in graph.operations:
        if op.outputs and all(t in env for t in op.outputs):
            continue
        ins = [env[t] for t in op.inputs]
        tensors, flags = [t for t, _ in ins], [b for _, b in ins]
        if op.opdef.stateful and not (batching.reads_state_only(op) or batching.draws_per_element(op)):
            raise NotVectorisable(f"{op.type} writes state")
        if not any(flags) and not batching.draws_per_element(op):
            outs = _outputs_of(apply(op.opdef, tuple(tensors), dict(op.attrs)), op)
            env.update({t: (o, False) for t, o in zip(op.outputs, outs)})
            continue
        rule = batching.rule_for(op)
        outs = None if rule is None else rule(op, tensors, flags, ctx)
        if outs is None:
            raise NotVectorisable(f"{op.type} has no batching rule")
        env.update({t: (o, True) for t, o in zip(op.outputs, outs)})
    results = []
    for t in graph.outputs:
        value, is_batched = env[t]
        if not is_batched:        # the same for every element: one copy per element
            value = api.broadcast_to(api.expand_dims(value, 0), api.concat([ctx.batch_size, api.shape(value)], 0))
        results.append(value)
    return results


def vectorise(traced: functions.TracedFunction):
    """The batch version of a traced element function, or None when it cannot be built."""
    graph = traced.concrete.graph
    element_specs = structure.flatten(traced.arg_specs)
    n_args = len(element_specs)
    batch_specs = tuple(structure.batched(TensorSpec(s.shape, s.dtype), None) for s in element_specs)
    if not batch_specs:
        return None

    def batched(*leaves):
        return _rebuild(graph, n_args, leaves)

    try:
        result = functions.TracedFunction(batched, batch_specs, f"{traced.what}_batched")
    except NotVectorisable:
        return None
    want = structure.flatten(traced.output_spec)
    got = structure.flatten(result.output_spec)
    if len(got) != len(want) or any(g.dtype is not w.dtype or not structure.unbatched(g, "map").shape
                                    .is_compatible_with(w.shape) for g, w in zip(got, want)):
        return None
    return result


def batch_plan(node):
    """(the chain below the map with the map removed, the map's traced function) when `node` is
    a per-element map under only row-preserving steps; else None."""
    steps = []
    while isinstance(node, ROW_PRESERVING):
        steps.append(node)
        node = node.input
    if not isinstance(node, (Map, ParallelMap)):
        return None
    inner = node.input
    for step in reversed(steps):
        clone = copy.copy(step)
        clone.input = inner
        clone.spec = inner.spec
        inner = clone
    return inner, node.fn
