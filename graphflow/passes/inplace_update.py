"""In-place weight updates: `assign(v, read(v) - lr * (a @ b))` becomes one InplaceGemmUpdate.

After remapping, an SGD weight update is a FusedMatMul whose epilogue is `[Mul, Sub]` (the product
times a scalar, subtracted from a read of the variable) feeding an AssignVariableOp of that
variable. Lowered as is, every step allocates a weight-sized array, writes the product into it
and streams it again with the old weights; InplaceGemmUpdate's lowering makes it one GEMM
(`C = alpha*A@B + beta*C`, alpha = -lr, beta = 1) over the variable's own array (kernels/sgd.py).

That is only safe when nobody else can see the array, which this pass checks at compile time:
the variable is touched only by reads and this one assign; no value that may alias a read (the
outputs of ops that do not write fresh buffers, `target.writes_into_buffer`, may be views of
their inputs) is fetched or read by the update's other operands; every consumer of those values
runs before the update; and the assign directly follows it (constants and no-ops aside). The
kernel checks the rest at run time (the array owns its data and only the variable holds it), so
the op records `_releases`, the values that may alias the array (its `read` input among them),
whose plan locals are dropped before the update (no later pass rebuilds the program, so those
tensors stay its own).
"""
from __future__ import annotations

from typing import Optional

from ..ops.gemm_update import INPLACE_GEMM_UPDATE, assigned_by, is_scaled_subtract, read_of, runs_nothing
from ..ops.registry import Spec
from .config import PassConfig
from .program import Program, consumers, rebuild
from .remap import FUSED_MATMUL


def _epilogue(op) -> Optional[tuple]:
    """(read input index, lr input index) of a `read - prod * lr` epilogue, in op.inputs terms."""
    group = op.attrs["group"]
    k = op.attrs["operand"]
    if len(group.members) != 2 or tuple(group.exits) != (1,) or group.reduce_axes:
        return None
    mul, sub = group.members
    if not is_scaled_subtract(mul, sub):
        return None
    if len(mul.args) != 2 or ("in", k) not in mul.args:
        return None
    lr = [a for a in mul.args if a != ("in", k)]
    if len(lr) != 1 or lr[0][0] != "in" or tuple(group.input_specs[lr[0][1]][1]) != ():
        return None
    if len(sub.args) != 2 or sub.args[1] != ("v", 0) or sub.args[0][0] != "in" or sub.args[0][1] == k:
        return None

    def op_index(i):         # group input i -> op input index (the product is not an op input)
        return 2 + (i if i < k else i - 1)
    return op_index(sub.args[0][1]), op_index(lr[0][1])


def find_updates(prog: Program, target) -> dict:
    """FusedMatMul op -> (read index, lr index, assign op, tensors that may alias the variable's
    array) for every weight update that may run in place (see the module docstring)."""
    ops = prog.operations
    pos = {op: i for i, op in enumerate(ops)}
    users = consumers(prog)
    outputs = set(prog.outputs)
    touching: dict = {}
    for op in ops:
        v = op.attrs.get("var") if isinstance(op.attrs, dict) else None
        if v is not None:
            touching.setdefault(id(v), []).append(op)
    found = {}
    for i, op in enumerate(ops):
        if op.opdef is not FUSED_MATMUL or len(op.outputs) != 1:
            continue
        ep = _epilogue(op)
        if ep is None:
            continue
        read_idx, lr_idx = ep
        read = op.inputs[read_idx]
        out = op.outputs[0]
        a, b = op.inputs[:2]
        state = read_of(read.op)
        if (state is None or out.dtype is not a.dtype or a.dtype is not b.dtype or out.shape.rank != 2
                or not out.shape.is_fully_defined() or out in outputs or read.dtype is not out.dtype
                or not target.gemm_update_ok(out.dtype, out.shape.num_elements())):
            continue
        assign = next((o for o in ops[i + 1:] if not runs_nothing(o)), None)
        if (assign is None or assigned_by(assign) is not state or list(assign.inputs) != [out]
                or users.get(out) != [assign]):
            continue
        if any(users.get(t) or t in outputs for t in assign.outputs):
            continue
        if any(o is not assign and read_of(o) is not state for o in touching.get(id(state), ())):
            continue
        aliases = _aliases(ops, state, target, assign)
        seen = set(aliases)
        if any(t in outputs for t in aliases) or any(t in seen for j, t in enumerate(op.inputs) if j != read_idx):
            continue
        if any(u is not op and pos[u] > i for t in aliases for u in users.get(t, ())):
            continue
        found[op] = (read_idx, lr_idx, assign)
    return found


def _aliases(ops, state, target, skip=None) -> list:
    """Every value that may alias the variable's array: its reads' outputs, then the outputs of
    ops that may return views of those (all but the ops writing fresh buffers), transitively."""
    aliases = [t for o in ops if read_of(o) is state for t in o.outputs]
    seen = set(aliases)
    for o in ops:
        if o is not skip and not target.writes_into_buffer(o) and any(t in seen for t in o.inputs):
            for t in o.outputs:
                if t not in seen:
                    seen.add(t)
                    aliases.append(t)
    return aliases


def run(graph: Program, config: Optional[PassConfig] = None):
    target = (config or PassConfig()).target
    updates = find_updates(graph, target)
    if not updates:
        return graph, {"inplace_updates": 0}
    assigns = {assign for _, _, assign in updates.values()}

    def visit(new, op, inputs):
        hit = updates.get(op)
        if hit is not None:
            read_idx, lr_idx, _ = hit
            attrs = {"var": read_of(op.inputs[read_idx].op), "transpose_a": op.attrs["transpose_a"],
                     "transpose_b": op.attrs["transpose_b"]}
            n = new.emit(INPLACE_GEMM_UPDATE, inputs[:2] + [inputs[read_idx], inputs[lr_idx]], attrs, name=op.name,
                         location=op.location, specs=[Spec(t.shape, t.dtype) for t in op.outputs])
            return list(n.outputs)
        if op in assigns:
            return [inputs[0]]          # the update already assigned the variable
        return None

    new = rebuild(graph, visit)
    for op in new.operations:
        if op.opdef is INPLACE_GEMM_UPDATE:
            op.attrs["_releases"] = tuple(_aliases(new.operations, op.attrs["var"], target))
    return new, {"inplace_updates": len(updates)}
