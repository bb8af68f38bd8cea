"""Reverse-mode differentiation: one backprop loop over recorded ops, shared by GradientTape (eager
records or graph ops) and gf.gradients (the ops of a graph).

Each op's rule is its OpDef's `grad`, written with public ops, so the same loop runs the backward
pass now (eager) or builds it into the graph being built. Gradients flow only through
floating-point tensors, as in TensorFlow; ints and bools are unconnected.
"""
from __future__ import annotations

import enum

from . import context as ctx_mod
from .eager.tensor import EagerTensor
from .ops import api as gf
from .ops import indexed_slices, registry
from .ops.indexed_slices import IndexedSlices
from .ops.registry import VARIABLE
from .variables import is_variable

_ctx = ctx_mod.context()


class UnconnectedGradients(enum.Enum):
    """What a source unreachable from the target gets: None (default) or zeros."""
    NONE = "none"
    ZERO = "zero"


class EagerOp:
    """One eagerly executed op as a tape saw it, shaped like a graph Operation for `grad` functions."""

    __slots__ = ("opdef", "inputs", "attrs", "outputs")

    def __init__(self, opdef, inputs, attrs, outputs):
        self.opdef, self.inputs, self.attrs, self.outputs = opdef, inputs, attrs, outputs

    @property
    def type(self) -> str:
        return self.opdef.name

    name = type

    def get_attr(self, name):
        return self.attrs[name]

    def __repr__(self):
        return f"<EagerOp {self.opdef.name}>"


def _is_float(t) -> bool:
    """Whether gradients flow through `t`: float and complex tensors."""
    if type(t) is EagerTensor:
        return t._value.dtype.kind in "fc"
    return t.dtype.is_floating or t.dtype.is_complex


def _total(grads: dict, t):
    """The summed dense gradient of `t` (what an op's gradient function gets); partial sums are
    added once and the sum reused."""
    parts = grads[id(t)]
    if len(parts) > 1:
        parts[:] = [gf.add_n([_dense(p) for p in parts])]
    elif type(parts[0]) is IndexedSlices:
        parts[0] = indexed_slices.to_dense(parts[0])
    return parts[0]


def _dense(g):
    return indexed_slices.to_dense(g) if type(g) is IndexedSlices else g


def _source_total(parts: list):
    """A source's gradient from its parts: slices stay slices (concatenated, as TensorFlow
    aggregates them), anything dense makes the sum dense."""
    if len(parts) == 1:
        return parts[0]
    if all(type(p) is IndexedSlices for p in parts):
        return indexed_slices.concat(parts)
    return gf.add_n([_dense(p) for p in reversed(parts)])


def _check(op, i, x, dx):
    if type(dx) is IndexedSlices:
        if dx.dtype is x.dtype and dx.shape.is_compatible_with(x.shape):
            return
    elif type(x) is EagerTensor and type(dx) is EagerTensor:
        xv, dv = x._value, dx._value
        if xv.shape == dv.shape and xv.dtype == dv.dtype:
            return
    elif x.shape.is_compatible_with(dx.shape) and x.dtype is dx.dtype:
        return
    raise ValueError(f"The gradient of {op.type} for its input {i} has shape {dx.shape} and dtype {dx.dtype.name}, "
                     f"but the input has shape {x.shape} and dtype {x.dtype.name}")


_local = registry.grad_call
_NONE = frozenset()

def backprop(ops, targets, target_grads, source_groups, connected: set | None = None) -> list:
    """Gradients of sum(target * target_grad) with respect to each group of source tensors.

    `ops` are op-likes (`.opdef .inputs .outputs .attrs`) in forward order, containing every op on
    a path from a source to a target (others are skipped cheaply). A group is the list of tensors
    standing for one source (a variable's reads); its gradient is their sum, or None. `connected`
    holds the ids of the tensors that depend on a source (default: sources and the ops' outputs).
    """
    if connected is None:
        connected = {id(t) for group in source_groups for t in group}
        connected.update(id(o) for op in ops for o in op.outputs)
    grads: dict[int, list] = {}
    for t, g in zip(targets, target_grads):
        if g is not None and _is_float(t):
            grads.setdefault(id(t), []).append(g)
    saved_skip = getattr(_local, "skip", _NONE)
    try:
        for op in reversed(ops):
            outs = op.outputs
            if len(outs) == 1:
                parts = grads.get(id(outs[0]))
                if parts is None:
                    continue
                dys = (parts[0] if len(parts) == 1 and (type(parts[0]) is not IndexedSlices
                                                         or op.opdef.grad_keeps_slices)
                       else _total(grads, outs[0]),)
            else:
                if not any(id(o) in grads for o in outs):
                    continue
                n_diff = op.opdef.differentiable_outputs
                dys = tuple(_total(grads, o) if id(o) in grads else None if n_diff is not None and j >= n_diff
                            else gf.zeros_like(o) for j, o in enumerate(outs))
            opdef = op.opdef
            if not opdef.differentiable:
                continue
            if opdef.grad is None:
                raise LookupError(f"No gradient defined for operation '{op.name}' (op type: {opdef.name})")
            inputs = op.inputs
            ids = [id(x) for x in inputs]
            skip = _NONE
            for k in ids:
                if k not in connected:
                    skip = frozenset(j for j, k2 in enumerate(ids) if k2 not in connected)
                    break
            _local.skip = skip
            if type(op) is EagerOp:
                dxs = opdef.grad(op, *dys)
            else:
                with op.graph.name_scope(op.name + "_grad"):
                    dxs = opdef.grad(op, *dys)
            for i, (x, k, dx) in enumerate(zip(inputs, ids, dxs)):
                if dx is not None and k in connected and _is_float(x):
                    _check(op, i, x, dx)
                    parts = grads.get(k)
                    if parts is None:
                        grads[k] = [dx]
                    else:
                        parts.append(dx)
    finally:
        _local.skip = saved_skip
    out = []
    for group in source_groups:
        # later reads first: the order their gradients arrive in, which orders concatenated slices
        parts = [p for t in reversed(group) for p in grads.get(id(t), ())]
        out.append(_source_total(parts) if parts else None)
    return out


def unconnected_mode(value) -> UnconnectedGradients:
    try:
        return UnconnectedGradients(value.value if isinstance(value, UnconnectedGradients) else value)
    except ValueError:
        raise ValueError(f"Unknown value for unconnected_gradients: {value!r} (use 'none' or 'zero')") from None


def zeros_for(source):
    """Zeros shaped like a source tensor or variable (for unconnected_gradients='zero')."""
    if hasattr(source, "_state"):
        return gf.zeros(source.shape.as_list(), source.dtype)
    return gf.zeros_like(source)


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def gradients(ys, xs, grad_ys=None, name="gradients", gate_gradients=False, aggregation_method=None,
              stop_gradients=None, unconnected_gradients=UnconnectedGradients.NONE,
              colocate_gradients_with_ops=False) -> list:
    """Build the gradients of sum(ys) with respect to xs into the graph of ys (TF1's tf.gradients).

    Args:
      ys: a tensor or list of tensors to differentiate.
      xs: a tensor, variable, or list of them.
      grad_ys: optional gradients of ys (same structure as ys); ones where None.
      stop_gradients: tensors treated as constants.
      unconnected_gradients: 'none' (default) or 'zero' for xs that ys do not depend on.
    Returns:
      A list with one gradient tensor (or None) per x.
    Raises:
      RuntimeError: when executing eagerly (use gf.GradientTape).
    """
    if _ctx.eager:
        raise RuntimeError("tf.gradients is not supported when eager execution is enabled. "
                           "Use tf.GradientTape instead.")
    mode = unconnected_mode(unconnected_gradients)
    ys, xs = _as_list(ys), _as_list(xs)
    graph = ctx_mod.current_graph()
    for y in ys:
        if not is_variable(y) and hasattr(y, "graph"):
            graph = y.graph
            break
    with graph.as_default(), graph.name_scope(name):
        ys = [gf.convert_to_tensor(y) for y in ys]
        if grad_ys is None:
            grad_ys = [None] * len(ys)
        grad_ys = _as_list(grad_ys)
        if len(grad_ys) != len(ys):
            raise ValueError(f"gradients: grad_ys has {len(grad_ys)} entries for {len(ys)} ys")
        grad_ys = [gf.ones_like(y) if g is None else gf.convert_to_tensor(g, dtype_hint=y.dtype)
                   for y, g in zip(ys, grad_ys)]
        groups = [_graph_reads(graph, x) if is_variable(x) else [gf.convert_to_tensor(x)] for x in xs]
        stop = {id(t) for t in _as_list(stop_gradients)} if stop_gradients is not None else set()
        ops, connected = _ops_from(graph.operations[:], [t for g in groups for t in g], stop)
        result = backprop(ops, ys, grad_ys, groups, connected)
        if mode is UnconnectedGradients.ZERO:
            result = [zeros_for(x) if r is None else r for x, r in zip(xs, result)]
    return result


def _graph_reads(graph, var):
    """The tensors read from `var` in `graph`: together they stand for the variable."""
    state = var._state
    return [op.outputs[0] for op in graph.operations if op.opdef.source == VARIABLE and op.attrs["var"] is state]


def _ops_from(operations, sources, stop: set) -> tuple[list, set]:
    """The ops that (transitively) consume a source, in graph order, and the ids of the tensors
    that depend on a source."""
    tracked = {id(t) for t in sources}
    out = []
    for op in operations:
        if any(id(t) in tracked for t in op.inputs):
            live = [id(o) for o in op.outputs if id(o) not in stop]
            if live or not op.outputs:
                out.append(op)
                tracked.update(live)
    return out, tracked
