"""Memory planning: liveness-based reuse of the plan's intermediate buffers, in place when safe.

Compiled steps write into buffers the plan provides (`config.target.writes_into_buffer`). Such an
output that never escapes gets a slot: a byte buffer allocated once per compiled plan and reused
by every call, and by later tensors once its value is dead. A value escapes when it is fetched or
reaches a stateful op that may keep it (`OpDef.retains_inputs`: an assign keeps the array),
directly or through an op that does not write a fresh buffer, which may return a view of its
input (Reshape, Identity...): so such ops' outputs are treated as aliases of their inputs, and a
slot lives until the last use of anything that may alias it.
A fused elementwise op may write an output over an input that dies there (same shape and dtype,
read and written at the same index), unless the op also reads that buffer through an alias.
Escaping values are allocated fresh on every call: the caller owns what it gets back.
An op that writes a variable's array in place (`OpDef.updates_in_place`, a scatter) does so only
when the reference count shows nobody else holds it, so the plan drops its locals naming that
array (reads of the variable, views of them) that are dead there (`BufferPlan.releases`):
otherwise the embedding read of the forward pass would make every step's scatter copy the table.
Likewise a dense update `assign(v, f(read(v), ...))` with `f` a fused elementwise op may write its
output over v's own array (`BufferPlan.over_variable`) when the read dies at `f`, reads every
element at the index it writes, and nothing reads v again before the assign; the plan copies
the array first when its reference count shows someone else holds it (a user's fetched value):
an optimizer's slots and weights are then updated where they are, as TensorFlow's assign ops do.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..ops.gemm_update import assigned_by
from ..ops.registry import VARIABLE
from .config import PassConfig
from .program import Program, consumers


@dataclass
class BufferPlan:
    slot_of: dict = field(default_factory=dict)       # tensor -> slot index
    slot_bytes: list = field(default_factory=list)
    inplace: dict = field(default_factory=dict)       # output tensor -> the input it overwrites
    releases: dict = field(default_factory=dict)      # op -> tensors whose locals are dropped before it
    over_variable: dict = field(default_factory=dict)  # output -> (read of the variable it is assigned to,
    #                                                    how many of the op's inputs are reads of it)

    def summary(self) -> str:
        return (f"{len(self.slot_of)} pooled tensors in {len(self.slot_bytes)} buffers "
                f"({sum(self.slot_bytes)} bytes), {len(self.inplace)} in place")


def _nbytes(t) -> int:
    return int(np.prod(t.shape.dims, dtype=np.int64)) * t.dtype.np.itemsize


def plan_buffers(prog: Program, writes, inplace_ok) -> BufferPlan:
    ops = prog.operations
    roots: dict = {}
    for op in ops:
        w = writes(op)
        for t in op.outputs:
            if w:
                roots[t] = frozenset((t,))
            else:
                r = {t}
                for i in op.inputs:
                    r |= roots.get(i, frozenset())
                roots[t] = frozenset(r)
    last: dict = {}
    escaped: set = set()
    for i, op in enumerate(ops):
        for t in op.inputs:
            for r in roots[t]:
                last[r] = i
            if op.opdef.stateful and op.opdef.retains_inputs:
                escaped |= roots[t]
    for t in prog.outputs:
        escaped |= roots[t]
    plan = BufferPlan()
    plan.over_variable = _over_variable(ops, consumers(prog), roots, last, set(prog.outputs), inplace_ok)
    plan.releases = _releases(ops, roots, last, set(prog.outputs), plan.over_variable)
    free: list = []                 # slot indices nobody holds
    holder: dict = {}               # slot -> the tensor holding it
    dying: dict = {}                # op index -> pooled tensors whose last use is there
    for i, op in enumerate(ops):
        if writes(op):
            taken: set = set()
            for t in op.outputs:
                if t in escaped or t.shape.dims is None or _nbytes(t) == 0:
                    continue
                slot = _inplace_slot(op, t, i, plan, last, roots, taken) if inplace_ok(op) else None
                if slot is not None:
                    plan.inplace[t] = holder[slot]
                else:
                    slot = _take(free, plan, _nbytes(t))
                plan.slot_of[t] = slot
                holder[slot] = t
                taken.add(slot)
                dying.setdefault(last.get(t, i), []).append(t)
        for t in dying.pop(i, ()):         # dead after this op (outputs nobody reads included)
            s = plan.slot_of[t]
            if holder.get(s) is t:
                del holder[s]
                free.append(s)
    return plan


def _read_state(t):
    """The VariableState whose array `t` is (a plain read's output), else None."""
    return t.op.attrs["var"] if t.op.opdef.source == VARIABLE else None


def _over_variable(ops, users, roots, last, fetched, inplace_ok) -> dict:
    """Fused outputs that may be written over the array of the variable they are assigned to."""
    pos = {op: i for i, op in enumerate(ops)}
    found = {}
    for i, op in enumerate(ops):
        if not inplace_ok(op) or op.attrs["group"].reduce_axes:
            continue
        group, taken = op.attrs["group"], set()
        for t in op.outputs:
            assign = users[t][0] if users.get(t) else None
            state = assigned_by(assign) if assign is not None else None
            if state is None or id(state) in taken or t in fetched or t.shape.dims is None:
                continue
            reads = [x for k, x in enumerate(op.inputs) if _read_state(x) is state
                     and tuple(group.input_specs[k][1]) == tuple(t.shape.dims)]
            if (len(reads) != sum(_read_state(x) is state for x in op.inputs)
                    or any(x.dtype is not t.dtype or last.get(x) != i or len(roots[x]) != 1 for x in reads)):
                continue        # broadcast, or the read is still used later: not safe in place
            if not reads or any(_touches(u, state) for u in ops[i + 1:pos[assign]]):
                continue        # v is read or updated between the update and its assign
            taken.add(id(state))
            found[t] = (reads[0], len(set(reads)))
    return found


def _touches(op, state) -> bool:
    return (op.opdef.source == VARIABLE or op.opdef.updates_in_place) and op.attrs.get("var") is state


def _releases(ops, roots, last, fetched, over_variable) -> dict:
    """In-place updaters (scatters, fused updates written over a variable) -> the values aliasing
    their variable's array (its reads and views of them) that nothing uses from there on and
    nobody fetches."""
    updaters = {}
    for op in ops:
        if op.opdef.updates_in_place:
            updaters[op] = id(op.attrs["var"])
        for t in op.outputs:
            if t in over_variable:
                updaters[op] = id(_read_state(over_variable[t][0]))
    if not updaters:
        return {}
    read_of = {t: id(o.attrs["var"]) for o in ops if o.opdef.source == VARIABLE for t in o.outputs}
    aliases: dict = {}          # id(state) -> [(position, tensor)] of values that may be its array
    for i, op in enumerate(ops):
        for t in op.outputs:
            for state in {read_of[r] for r in roots[t] if r in read_of}:
                aliases.setdefault(state, []).append((i, t))
    found = {}
    for i, op in enumerate(ops):
        state = updaters.get(op)
        if state is None:
            continue
        dead = tuple(t for p, t in aliases.get(state, ()) if p < i and t not in fetched
                     and all(last.get(r, -1) < i for r in roots[t]))
        if dead:
            found[op] = dead
    return found


def _inplace_slot(op, t, i, plan, last, roots, taken):
    for u in op.inputs:
        s = plan.slot_of.get(u)
        if s is None or s in taken or last.get(u) != i or u.dtype is not t.dtype or u.shape != t.shape:
            continue
        if any(u in roots[v] for v in op.inputs if v is not u):
            continue        # the op also reads this buffer through a view: not safe in place
        return s
    return None


def _take(free: list, plan: BufferPlan, need: int) -> int:
    fits = [s for s in free if plan.slot_bytes[s] >= need]
    if fits:
        slot = min(fits, key=lambda s: plan.slot_bytes[s])
        free.remove(slot)
        return slot
    plan.slot_bytes.append(need)
    return len(plan.slot_bytes) - 1


def run(graph: Program, config=None):
    target = (config or PassConfig()).target
    graph.buffer_plan = plan_buffers(graph, target.writes_into_buffer, target.inplace_ok)
    bp = graph.buffer_plan
    return graph, {"pooled": len(bp.slot_of), "buffers": len(bp.slot_bytes), "in_place": len(bp.inplace)}
