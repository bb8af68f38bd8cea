"""Program: the Graph the passes transform, with entry points (feeds) and exit points (fetches).

`specialise` copies the part of a user's graph that the fetches need into a new Program (the
user's graph is never touched: they keep building and running it), turning each fed tensor into
a Placeholder whose shape is the fed array's, so every later pass and the code generator see
static shapes. `rebuild` is the copy-with-rewrites loop every pass is written with.
"""
from __future__ import annotations

from typing import Callable, Optional

from ..errors import InvalidArgumentError, format_location
from ..graph.graph import Graph, Operation, SymbolicTensor, constant_value
from ..graph.interpreter import missing_feed, prune
from ..ops.registry import FEED, OpCheckError, Spec, get
from ..shapes import TensorShape


class Program(Graph):
    """A Graph with `inputs` (one Placeholder output per feed, in feed order), `outputs` (the
    fetched tensors, in fetch order) and `targets` (ops run for their effects)."""

    def __init__(self):
        super().__init__()
        self.inputs: list[SymbolicTensor] = []
        self.outputs: list[SymbolicTensor] = []
        self.targets: list[Operation] = []
        self.buffer_plan = None
        self.origin: dict = {}      # op -> the user's op it stands for (errors name the user's op)

    def source_op(self, op) -> Operation:
        return self.origin.get(op, op)

    def emit(self, opdef, inputs, attrs, name: Optional[str] = None, specs=None, control_inputs=(),
             location=None) -> Operation:
        """Append an op without touching tapes or name scopes; infers specs unless given."""
        if specs is None:
            specs = infer_specs(opdef, inputs, attrs, name, location)
        name = name if name is not None and name not in self._by_name else self.unique_name(name or opdef.name)
        op = Operation(self, opdef, name, inputs, attrs, control_inputs, location)
        op.outputs = tuple(SymbolicTensor(op, i, s.shape, s.dtype) for i, s in enumerate(specs))
        self.operations.append(op)
        self._by_name[name] = op
        self._names.setdefault(name, 0)
        return op

    def const(self, value, name: str = "Const") -> SymbolicTensor:
        import numpy as np
        arr = np.asarray(value)
        from ..dtypes import from_numpy
        return self.emit(get("Const"), (), {"value": arr}, name=name,
                         specs=[Spec(TensorShape(arr.shape), from_numpy(arr.dtype))]).outputs[0]


def infer_specs(opdef, inputs, attrs, name=None, location=None):
    """Output specs of an op the compiler emits; a failure is the user's error at run time."""
    specs = [Spec(t.shape, t.dtype, constant_value(t)) for t in inputs]
    try:
        return opdef.check(specs, attrs)
    except OpCheckError as e:
        raise InvalidArgumentError(None, name, _message(opdef, name, specs, e.detail, location)) from None


def _message(opdef, name, specs, detail, location) -> str:
    where = format_location(location)
    return (f"{opdef.name}{f' ({name})' if name else ''}: {detail}. Inputs: "
            + ", ".join(f"{s.dtype.name}{s.shape}" for s in specs) + (f". Defined at {where}" if where else ""))


def specialise(graph, fetch_tensors, fetch_ops, feed_tensors, feed_shapes=None, ops=None) -> Program:
    """A Program computing the fetches from the feeds; `feed_shapes` (one per feed) refine the
    fed tensors' static shapes, and inference re-runs wherever an input shape changed. `ops`, if
    given, is what `prune` returns for these fetches and feeds (the caller already has it)."""
    fed = {t: i for i, t in enumerate(feed_tensors)}
    if ops is None:
        ops = prune([t.op for t in fetch_tensors] + list(fetch_ops), set(fed))
    prog = Program()
    tmap: dict = {}
    placeholder = get("Placeholder")
    for i, t in enumerate(feed_tensors):
        shape = TensorShape(feed_shapes[i]) if feed_shapes is not None else t.shape
        name = t.op.name if t.value_index == 0 and t.op.opdef.source == FEED else f"feed/{t.op.name}_{t.value_index}"
        op = prog.emit(placeholder, (), {"shape": shape.dims, "dtype": t.dtype}, name=name,
                       specs=[Spec(shape, t.dtype)], location=t.op.location)
        tmap[t] = op.outputs[0]
        prog.inputs.append(op.outputs[0])
    omap: dict = {}
    for op in ops:
        if op.outputs and all(o in fed for o in op.outputs):
            continue
        if op.opdef.source == FEED:
            raise missing_feed(op)
        inputs = [tmap[t] for t in op.inputs]
        changed = any(n.shape != t.shape for n, t in zip(inputs, op.inputs))
        specs = None if changed else [Spec(t.shape, t.dtype) for t in op.outputs]
        new = prog.emit(op.opdef, inputs, op.attrs, name=op.name, specs=specs,
                        control_inputs=tuple(omap[c] for c in op.control_inputs if c in omap),
                        location=op.location)
        omap[op] = new
        prog.origin[new] = op
        for old, t in zip(op.outputs, new.outputs):
            tmap.setdefault(old, t)
    prog.outputs = [tmap[t] for t in fetch_tensors]
    prog.targets = [omap[op] for op in fetch_ops if op in omap]
    return prog


Visit = Callable[[Program, Operation, list], Optional[list]]


def rebuild(prog: Program, visit: Visit, keep: Optional[set] = None) -> Program:
    """Copy `prog` op by op. `visit(new, op, new_inputs)` either returns None (copy the op as is)
    or a list of tensors of `new` that replace the op's outputs (emitting whatever it needs).

    Control inputs follow replacements: an op that depended on a replaced op depends on the ops
    producing its replacements instead (or, if it vanished, on the replaced op's own control
    inputs), so side effects keep their order. `keep`, if given, is the set of ops to copy.
    """
    new = Program()
    tmap: dict = {}
    omap: dict = {}     # old op -> tuple of new ops that stand for it as a control input
    for op in prog.operations:
        if keep is not None and op not in keep:
            continue
        inputs = [tmap[t] for t in op.inputs]
        controls = _controls(op, omap)
        mark = len(new.operations)
        outs = visit(new, op, inputs)
        if outs is not None and controls and len(new.operations) == mark:
            outs = None     # a replacement by existing tensors would drop the control inputs
        source = prog.origin.get(op, op)
        for e in new.operations[mark:]:
            new.origin.setdefault(e, source)
        if outs is None:
            n = new.emit(op.opdef, inputs, op.attrs, name=op.name,
                         specs=[Spec(t.shape, t.dtype) for t in op.outputs],
                         control_inputs=controls, location=op.location)
            omap[op] = (n,)
            new.origin[n] = source
            tmap.update(zip(op.outputs, n.outputs))
            continue
        emitted = new.operations[mark:]
        if controls:
            for e in emitted:   # the replacement inherits the op's control inputs
                e.control_inputs = tuple(dict.fromkeys(e.control_inputs + controls))
        tmap.update(zip(op.outputs, outs))
        producers = tuple(dict.fromkeys(t.op for t in outs))
        omap[op] = producers if producers else controls
    new.inputs = [tmap[t] for t in prog.inputs]
    new.outputs = [tmap[t] for t in prog.outputs]
    new.targets = list(dict.fromkeys(o for op in prog.targets if op in omap for o in omap[op]))
    return new


def _controls(op, omap) -> tuple:
    out = []
    for c in op.control_inputs:
        out.extend(omap.get(c, ()))
    return tuple(dict.fromkeys(out))


def consumers(prog: Program) -> dict:
    """tensor -> list of consuming ops (data edges only), in program order."""
    users: dict = {}
    for op in prog.operations:
        for t in op.inputs:
            users.setdefault(t, []).append(op)
    return users
