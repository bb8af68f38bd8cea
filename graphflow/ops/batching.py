"""Batching rules: how an op traced for one element runs on a batch of elements at once.

tf.data uses them to vectorise a per-element map that a batch follows (graphflow.data.vectorize):
each op of the element's graph is rebuilt for tensors with a leading batch dimension.  A rule
gets the op, its rebuilt inputs, which of them are batched, and the context (`ctx.batch_size`,
a 1-D int32 tensor); it returns the rebuilt outputs, all batched.  An op with a batched input
and no rule, or a stateful op that is not a random draw or a variable read, makes the function
not vectorisable (it then runs element by element, never wrongly).
"""
from __future__ import annotations

from . import api
from .dispatch import apply
from .registry import ELEMENTWISE, REDUCTION, SOURCE


def element_rank(t, batched: bool):
    rank = t.shape.rank
    return None if rank is None else rank - (1 if batched else 0)


def _elementwise(op, inputs, batched, ctx):
    """Broadcasting is per element: batched inputs of a lower element rank get unit axes after
    the batch axis, so their element dims line up with the others' from the right."""
    ranks = [element_rank(t, b) for t, b in zip(inputs, batched)]
    if None in ranks:
        return None
    out_rank = max(ranks)
    aligned = []
    for t, b, r in zip(inputs, batched, ranks):
        if b:
            for _ in range(out_rank - r):
                t = api.expand_dims(t, 1)
        aligned.append(t)
    out = apply(op.opdef, tuple(aligned), dict(op.attrs))
    return [out]


def _reduction(op, inputs, batched, ctx):
    (x,) = inputs
    rank = element_rank(x, batched[0])
    if rank is None:
        return None
    axis = op.attrs.get("axis")
    if axis is None:
        axes = list(range(1, rank + 1))
    else:
        axes = [a + 1 if a >= 0 else a for a in ([axis] if isinstance(axis, int) else list(axis))]
    attrs = dict(op.attrs)
    attrs["axis"] = axes
    return [apply(op.opdef, (x,), attrs)]


def _strided_slice(op, inputs, batched, ctx):
    """The element's index with a full slice in front for the batch axis."""
    attrs = dict(op.attrs)
    attrs["index"] = (("slice", None, None, None),) + tuple(attrs["index"])
    return [apply(op.opdef, tuple(inputs), attrs)]


def _random_draw(op, inputs, batched, ctx):
    """One draw per element: the shape input gets the batch size in front."""
    if any(batched):
        return None
    shape = inputs[0]
    full = api.concat([api.cast(ctx.batch_size, shape.dtype), shape], 0)
    return [apply(op.opdef, (full,) + tuple(inputs[1:]), dict(op.attrs))]


RULES = {"StridedSlice": _strided_slice, "RandomUniform": _random_draw, "RandomStandardNormal": _random_draw,
         "TruncatedNormal": _random_draw}
RULES_BY_KIND = {ELEMENTWISE: _elementwise, REDUCTION: _reduction}


def rule_for(op):
    return RULES.get(op.opdef.name) or RULES_BY_KIND.get(op.opdef.kind)


def draws_per_element(op) -> bool:
    """A random op: its outputs differ per element even when no input does."""
    return op.opdef.name in ("RandomUniform", "RandomStandardNormal", "TruncatedNormal")


def reads_state_only(op) -> bool:
    """A stateful op that only reads (a variable read): the same value serves every element."""
    return op.opdef.kind == SOURCE and "var" in op.attrs
