"""Elementwise fusion: maximal groups of elementwise ops become one FusedElementwise op.

A group iterates over one shape: every member's output has the group's shape, so broadcasting
happens only on the group's inputs and nothing is recomputed (an op on a smaller, broadcast
operand forms its own group). Reductions that declare a `reducer` (Sum, Mean, Max, Min, Prod,
Any, All) join the group of their producer as epilogues: their outputs leave the group, so no
member consumes them. Members whose values are needed outside become extra outputs (multi-output
groups). A merge is refused when a path leaves the group and comes back (it would make a cycle),
where paths include the order of side effects; groups are capped in size because numba's compile
time grows faster than linearly with kernel size (BENCHMARKS.md: 1000 fused ops take 35 s to
compile).

The FusedElementwise op keeps a reference kernel (its members' numpy kernels, in order), so the
reference interpreter runs fused programs too and fusion is testable apart from code generation.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from ..ops.registry import ELEMENTWISE, REDUCTION, OpDef, Spec
from ..shapes import TensorShape
from .program import Program

SUPPORTED_DTYPES = frozenset({"float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"})


@dataclass(frozen=True, eq=False)
class Member:
    """One fused op: `args` are ("in", k) for group input k or ("v", j) for member j's value."""
    opdef: OpDef
    attrs: dict
    args: tuple
    dtype: object         # DType of the output
    shape: tuple          # static output shape
    name: str


@dataclass(frozen=True, eq=False)
class FusionGroup:
    """What a FusedElementwise op computes: `exits` are member indices, one per op output."""
    members: tuple
    input_specs: tuple    # (DType, shape) per input
    exits: tuple
    shape: tuple          # the iteration shape
    reduce_axes: tuple    # axes of `shape` the reduction members reduce; () if none

    def text_summary(self) -> str:
        return "[" + ", ".join(m.opdef.name for m in self.members) + "]"

    def exit_specs(self):
        return [Spec(TensorShape(self.members[j].shape), self.members[j].dtype) for j in self.exits]


def _fused_infer(*specs, group):
    return group.exit_specs()


def run_members(group: FusionGroup, arrays):
    """Evaluate a group with its members' reference kernels (the semantics codegen must match)."""
    vals = []
    for m in group.members:
        args = [arrays[a[1]] if a[0] == "in" else vals[a[1]] for a in m.args]
        out = m.opdef.kernel(*args, **m.attrs)
        vals.append(np.asarray(out, dtype=m.dtype.np).reshape(m.shape))
    return [vals[j] for j in group.exits]


def _fused_kernel(*arrays, group):
    return tuple(run_members(group, arrays))


def _fused_verify(op):
    group = op.attrs["group"]
    if len(op.inputs) != len(group.input_specs):
        raise AssertionError(f"{op.name}: {len(op.inputs)} inputs for a group of {len(group.input_specs)}")
    for t, (dt, shape) in zip(op.inputs, group.input_specs):
        if t.dtype is not dt or t.shape.dims != shape:
            raise AssertionError(f"{op.name}: input {t.name} is {t.dtype.name}{t.shape}, group expects "
                                 f"{dt.name}{shape}")
    for t, s in zip(op.outputs, group.exit_specs()):
        if t.dtype is not s.dtype or t.shape != s.shape:
            raise AssertionError(f"{op.name}: output {t.value_index} does not match the group")


FUSED = OpDef("FusedElementwise", _fused_infer, _fused_kernel, kind="fused", num_outputs=-1,
              differentiable=False, foldable=False, verify=_fused_verify)


# ---- choosing groups --------------------------------------------------------------------------

def _static(t):
    dims = t.shape.dims
    return dims if dims is not None and all(d is not None for d in dims) else None


def _dtype_ok(t) -> bool:
    return t.dtype.name in SUPPORTED_DTYPES


def fusable(op, target) -> bool:
    d = op.opdef
    if d.kind != ELEMENTWISE or d.scalar_expr is None or d.stateful or len(op.outputs) != 1 or op.control_inputs:
        return False
    shape = _static(op.outputs[0])
    if shape is None or 0 in shape:
        return False
    if not (_dtype_ok(op.outputs[0]) and all(_dtype_ok(t) and _static(t) is not None for t in op.inputs)):
        return False
    return target.can_render(d, tuple(t.dtype for t in op.inputs), op.outputs[0].dtype)


def reduce_axes_of(op):
    """Normalised reduced axes if `op` is a reduction the code generator can fuse, else None."""
    reducer = op.opdef.reducer
    if reducer is None or op.opdef.kind != REDUCTION or op.control_inputs or len(op.inputs) != 1:
        return None
    x = op.inputs[0]
    shape = _static(x)
    if shape is None or 0 in shape or not _dtype_ok(x) or _static(op.outputs[0]) is None:
        return None
    if reducer.mean and not x.dtype.is_floating:
        return None          # integer mean truncates; left to the reference kernel
    axis = op.attrs.get("axis")
    rank = len(shape)
    if axis is None:
        return tuple(range(rank))
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    return tuple(sorted({int(a) % rank for a in axes})) if rank else ()


class _Groups:
    """Groups of ops with the bookkeeping that keeps merges cheap (external inputs, external
    successors, index range per group) and the quotient-graph reachability test that keeps the
    program acyclic."""

    def __init__(self, prog: Program, config):
        self.index = {op: i for i, op in enumerate(prog.operations)}
        self.succ = {op: [] for op in prog.operations}
        last_effect = None
        for op in prog.operations:
            for t in op.inputs:
                self.succ[t.op].append(op)
            for c in op.control_inputs:
                self.succ[c].append(op)
            if op.opdef.stateful:            # side effects keep their order: chain them
                if last_effect is not None:
                    self.succ[last_effect].append(op)
                last_effect = op
        self.group_of: dict = {}
        self.members: dict = {}     # gid -> list of ops
        self.shape: dict = {}
        self.axes: dict = {}        # gid -> reduce axes (None while no reduction joined)
        self.ext_in: dict = {}      # gid -> tensors read from outside the group
        self.ext_succ: dict = {}    # gid -> ops outside the group that depend on it
        self.lo: dict = {}
        self.hi: dict = {}
        self.reducers: set = set()
        self._next = 0
        self.max_ops = config.fusion_max_ops
        self.max_inputs = config.fusion_max_inputs

    def new_group(self, op, shape):
        gid = self._next
        self._next += 1
        self.members[gid] = [op]
        self.shape[gid] = shape
        self.axes[gid] = None
        self.group_of[op] = gid
        self.ext_in[gid] = set(op.inputs)
        self.ext_succ[gid] = set(self.succ[op])
        self.lo[gid] = self.hi[gid] = self.index[op]
        return gid

    def merged_inputs(self, a, b) -> set:
        group_of = self.group_of
        return {t for t in self.ext_in[a] | self.ext_in[b] if group_of.get(t.op) not in (a, b)}

    def merge(self, a, b):
        """Group b joins group a."""
        inputs = self.merged_inputs(a, b)
        for m in self.members.pop(b):
            self.group_of[m] = a
            self.members[a].append(m)
        if self.axes[b] is not None:
            self.axes[a] = self.axes[b]
        self.ext_in[a] = inputs
        self.ext_succ[a] = {w for w in self.ext_succ[a] | self.ext_succ.pop(b) if self.group_of.get(w) != a}
        self.lo[a] = min(self.lo[a], self.lo.pop(b))
        self.hi[a] = max(self.hi[a], self.hi.pop(b))
        del self.shape[b], self.axes[b], self.ext_in[b]

    def _node(self, op):
        return self.group_of.get(op, op)

    def _path(self, a, b) -> bool:
        """A path from group a to group b through something outside both (walking the quotient
        graph: a group runs as one unit, so entering it anywhere reaches all its successors)."""
        limit, extended = self.hi[b], False
        stack = [w for w in self.ext_succ[a] if self.group_of.get(w) != b]
        seen = set()
        while stack:
            node = self._node(stack.pop())
            if node in seen or node == a:
                continue
            seen.add(node)
            if isinstance(node, int):
                at, nxt = self.lo[node], self.ext_succ[node]
            else:
                at, nxt = self.index[node], self.succ[node]
            if at > limit and not extended:
                limit, extended = self._horizon(a, limit), True
            if at > limit:
                continue
            for x in nxt:
                if self.group_of.get(x) == b:
                    return True
                stack.append(x)
        return False

    def _horizon(self, a, limit) -> int:
        """The last program index from which b can still be reached: past b's last op, program order
        leads only further on, except into a group that starts before (a group runs as a unit, so
        entering it by a late member continues from its early ones); such groups extend the limit."""
        for g, lo in sorted(self.lo.items(), key=lambda kv: kv[1]):
            if lo > limit:
                break
            if g != a:
                limit = max(limit, self.hi[g])
        return limit

    def legal(self, a, b) -> bool:
        if self.reducers and (self._reads_reduction(a, b) or self._reads_reduction(b, a)):
            return False         # a reduction's value exists only after the whole loop
        return not self._path(a, b) and not self._path(b, a)

    def _reads_reduction(self, a, b) -> bool:
        return any(t.op in self.reducers and self.group_of.get(t.op) == a for t in self.ext_in[b])

    def fits(self, a, b) -> bool:
        return (len(self.members[a]) + len(self.members[b]) <= self.max_ops
                and len(self.merged_inputs(a, b)) <= self.max_inputs)


def choose_groups(prog: Program, config) -> list:
    """Lists of ops (in program order), one per group of two or more ops or any single
    elementwise op (a lone op still gains from a compiled kernel)."""
    G = _Groups(prog, config)
    for op in prog.operations:
        if fusable(op, config.target):
            shape = _static(op.outputs[0])
            gid = G.new_group(op, shape)
            for t in op.inputs:
                g = G.group_of.get(t.op)
                if g is None or g == gid or t.op in G.reducers or G.shape.get(g) != shape:
                    continue
                if G.axes[g] is not None and G.axes[gid] is not None and G.axes[g] != G.axes[gid]:
                    continue
                if G.fits(gid, g) and G.legal(g, gid):
                    G.merge(g, gid)          # the older group absorbs the new one
                    gid = g
            continue
        axes = reduce_axes_of(op)
        if axes is None:
            continue
        src = op.inputs[0]
        gid = G.new_group(op, _static(src))
        G.axes[gid] = axes
        G.reducers.add(op)
        g = G.group_of.get(src.op)
        if (g is not None and g != gid and src.op not in G.reducers and G.shape[g] == _static(src)
                and (G.axes[g] is None or G.axes[g] == axes) and G.fits(g, gid) and G.legal(g, gid)):
            G.merge(g, gid)
    _merge_siblings(prog, G)
    index = G.index
    return [(sorted(ops, key=index.__getitem__), G.shape[g], G.axes[g] or ()) for g, ops in G.members.items()]


def _merge_siblings(prog, G) -> None:
    """Multi-output sibling fusion: groups over the same shape that read a common tensor run as
    one kernel (one pass over the shared input, one kernel call instead of several)."""
    readers: dict = {}
    for gid in G.members:
        for t in G.ext_in[gid]:
            readers.setdefault(t, []).append(gid)
    for gids in readers.values():
        alive = [g for g in dict.fromkeys(gids) if g in G.members]
        while len(alive) > 1:
            base = alive.pop(0)
            for other in list(alive):
                if other not in G.members or base not in G.members or G.shape[other] != G.shape[base]:
                    continue
                if G.axes[other] is not None and G.axes[base] is not None and G.axes[other] != G.axes[base]:
                    continue
                if G.fits(base, other) and G.legal(base, other):
                    G.merge(base, other)
                    alive.remove(other)


# ---- rewriting ---------------------------------------------------------------------------------

def _make_group(ops, shape, axes, outputs_needed):
    pos = {op: j for j, op in enumerate(ops)}
    inputs: list = []
    in_index: dict = {}
    members = []
    for op in ops:
        args = []
        for t in op.inputs:
            if t.op in pos:
                args.append(("v", pos[t.op]))
            else:
                if t not in in_index:
                    in_index[t] = len(inputs)
                    inputs.append(t)
                args.append(("in", in_index[t]))
        out = op.outputs[0]
        members.append(Member(op.opdef, dict(op.attrs), tuple(args), out.dtype, _static(out), op.name))
    exits = tuple(j for j, op in enumerate(ops) if op.outputs[0] in outputs_needed)
    group = FusionGroup(tuple(members), tuple((t.dtype, _static(t)) for t in inputs), exits, tuple(shape),
                        tuple(axes))
    return group, inputs


def run(graph: Program, config):
    groups = choose_groups(graph, config)
    if not groups:
        return graph, {"groups": 0, "fused_ops": 0}
    member_of = {}
    for gi, (ops, _, _) in enumerate(groups):
        for op in ops:
            member_of[op] = gi
    # which member values are needed outside their group
    needed = set(graph.outputs)
    for op in graph.operations:
        g = member_of.get(op)
        for t in op.inputs:
            if member_of.get(t.op) is not None and member_of.get(t.op) != g:
                needed.add(t)
    for op in graph.operations:     # a control dependency on a member means one on its group
        for c in op.control_inputs:
            if c in member_of:
                needed.add(c.outputs[0])
    order = _schedule(graph, groups, member_of)
    new = Program()
    tmap: dict = {}
    omap: dict = {}
    for item in order:
        if isinstance(item, int):
            ops, shape, axes = groups[item]
            group, inputs = _make_group(ops, shape, axes, needed)
            name = ops[-1].name if len(ops) == 1 else f"fused/{ops[-1].name}"
            fused = new.emit(FUSED, [tmap[t] for t in inputs], {"group": group}, name=name,
                             specs=group.exit_specs(), location=ops[-1].location)
            new.origin[fused] = graph.source_op(ops[-1])
            for k, j in enumerate(group.exits):
                tmap[ops[j].outputs[0]] = fused.outputs[k]
            for op in ops:
                omap[op] = fused
            continue
        op = item
        n = new.emit(op.opdef, [tmap[t] for t in op.inputs], op.attrs, name=op.name,
                     specs=[Spec(t.shape, t.dtype) for t in op.outputs],
                     control_inputs=tuple(dict.fromkeys(omap[c] for c in op.control_inputs)),
                     location=op.location)
        omap[op] = n
        new.origin[n] = graph.source_op(op)
        tmap.update(zip(op.outputs, n.outputs))
    new.inputs = [tmap[t] for t in graph.inputs]
    new.outputs = [tmap[t] for t in graph.outputs]
    new.targets = list(dict.fromkeys(omap[op] for op in graph.targets))
    if config.verify:
        check_acyclic(graph, groups, member_of)
    fused_ops = sum(len(ops) for ops, _, _ in groups)
    return new, {"groups": len(groups), "fused_ops": fused_ops,
                 "largest_group": max(len(ops) for ops, _, _ in groups)}


def _schedule(graph, groups, member_of):
    """A topological order of ops and groups (ints) that keeps close to program order and
    keeps side effects in their original order."""
    node_of = lambda op: member_of.get(op, op)  # noqa: E731
    index = {op: i for i, op in enumerate(graph.operations)}
    key = {}
    preds: dict = {}
    succs: dict = {}
    for op in graph.operations:
        n = node_of(op)
        key[n] = min(key.get(n, len(index)), index[op])
        preds.setdefault(n, set())
        succs.setdefault(n, set())
    last_effect = None
    for op in graph.operations:
        n = node_of(op)
        deps = [t.op for t in op.inputs] + list(op.control_inputs)
        if op.opdef.stateful:
            if last_effect is not None:
                deps.append(last_effect)
            last_effect = op
        for d in deps:
            m = node_of(d)
            if m is not n:
                preds[n].add(m)
                succs[m].add(n)
    counts = {n: len(p) for n, p in preds.items()}
    heap = [(key[n], i, n) for i, n in enumerate(counts) if counts[n] == 0]
    tiebreak = {n: i for i, n in enumerate(counts)}
    heapq.heapify(heap)
    order = []
    while heap:
        _, _, n = heapq.heappop(heap)
        order.append(n)
        for s in succs[n]:
            counts[s] -= 1
            if counts[s] == 0:
                heapq.heappush(heap, (key[s], tiebreak[s], s))
    if len(order) != len(counts):
        raise AssertionError("fusion created a cycle (compiler bug)")
    return order


def check_acyclic(graph, groups, member_of) -> None:
    """The quotient graph (groups contracted, effect order included) is a DAG, per networkx."""
    import networkx as nx
    dg = nx.DiGraph()
    node = lambda op: ("g", member_of[op]) if op in member_of else op.name  # noqa: E731
    last = None
    for op in graph.operations:
        dg.add_node(node(op))
        for d in [t.op for t in op.inputs] + list(op.control_inputs) + ([last] if op.opdef.stateful and last else []):
            if node(d) != node(op):
                dg.add_edge(node(d), node(op))
        if op.opdef.stateful:
            last = op
    if not nx.is_directed_acyclic_graph(dg):
        raise AssertionError(f"fusion created a cycle: {nx.find_cycle(dg)}")
