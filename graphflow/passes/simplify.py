"""Algebraic simplification: rewrites that give bit-identical results, and nothing else.

Float arithmetic is not real arithmetic, so every rule states why it is exact:
  x * 1 -> x               exact for every x, NaN and -0 included
  x * -1 -> -x             exact (negation only flips the sign bit)
  x + (-0.0) -> x          exact; but x + (+0.0) is NOT x for floats ((-0) + 0 = +0): ints only
  x - (+0.0) -> x          exact; x - (-0.0) is not ((-0) - (-0) = +0)
  x - x -> 0               integers only: for floats inf - inf and NaN - NaN are NaN
  x / 2**k -> x * 2**-k    exact: both are the correctly rounded value of the same real number
  pow(x, 2) -> square(x)   pow is correctly rounded at integer exponent 2 (numpy special-cases it)
  pow(x, 1) -> x, --x -> x, !!x -> x, cast(x, dtype(x)) -> x
  transpose(transpose(x, p), q) -> transpose(x, p o q) (or x), reshape(reshape(x)) -> reshape(x)
  identity(x), stop_gradient(x) -> x (the compiler sees forward graphs: gradients are built already)
  assign_sub(v, d) -> assign(v, read(v) - d) (and assign_add): what the kernel computes, as ops
A rule only fires when the result keeps the op's shape and dtype (no hidden broadcast), and
ops with control inputs keep them (see program.rebuild).
"""
from __future__ import annotations

import numpy as np

from ..ops.registry import Spec, get
from ..shapes import TensorShape
from .program import rebuild


def const_of(t):
    return t.op.attrs["value"] if t.op.type == "Const" else None


def _unit(t, out, pred) -> bool:
    """t is a constant of size 1 whose broadcast cannot change the other operand's shape,
    and all of whose elements satisfy `pred`."""
    v = const_of(t)
    if v is None:
        return False
    v = np.asarray(v)
    rank = out.shape.rank
    return v.size == 1 and rank is not None and v.ndim <= rank and bool(pred(v.reshape(())[()]))


def _keeps(x, op) -> bool:
    out = op.outputs[0]
    return x.dtype is out.dtype and x.shape.dims is not None and x.shape == out.shape


def _is(value):
    return lambda v: v == value


def _neg_zero(v):
    return v == 0 and np.signbit(v)


def _pos_zero(v):
    return v == 0 and not np.signbit(v)


def _binary_identity(new, op, inputs, unit_pred_left, unit_pred_right):
    x, y = inputs
    out = op.outputs[0]
    if unit_pred_right is not None and _unit(y, out, unit_pred_right) and _keeps(x, op):
        return [x]
    if unit_pred_left is not None and _unit(x, out, unit_pred_left) and _keeps(y, op):
        return [y]
    return None


def _mul(new, op, inputs):
    hit = _binary_identity(new, op, inputs, _is(1), _is(1))
    if hit:
        return hit
    if op.outputs[0].dtype.name in ("float16", "float32", "float64", "int8", "int16", "int32", "int64"):
        x, y = inputs
        for a, b in ((x, y), (y, x)):
            if _unit(b, op.outputs[0], _is(-1)) and _keeps(a, op):
                return _emit(new, op, "Neg", [a])
    return None


def _add(new, op, inputs):
    zero = _neg_zero if op.outputs[0].dtype.is_floating else _is(0)
    return _binary_identity(new, op, inputs, zero, zero)


def _sub(new, op, inputs):
    x, y = inputs
    dt = op.outputs[0].dtype
    hit = _binary_identity(new, op, inputs, None, _pos_zero if dt.is_floating else _is(0))
    if hit:
        return hit
    if x is y and dt.is_integer and _keeps(x, op):
        return _emit(new, op, "ZerosLike", [x])
    return None


def _power_of_two_inverse(c):
    """1/c when c is +-2**k and 1/c is a normal number of c's dtype, else None."""
    if not np.isfinite(c) or c == 0:
        return None
    mant, _ = np.frexp(c)
    if abs(mant) != 0.5:
        return None
    inv = (c.dtype.type(1) / c)
    if not np.isfinite(inv) or abs(inv) < np.finfo(c.dtype).tiny:
        return None
    return inv


def _realdiv(new, op, inputs):
    x, y = inputs
    out = op.outputs[0]
    if not out.dtype.is_floating or not _unit(y, out, lambda v: True) or not _keeps(x, op):
        return None
    c = np.asarray(const_of(y)).reshape(())[()]
    if c == 1:
        return [x]
    inv = _power_of_two_inverse(c)
    if inv is None:
        return None
    k = new.const(np.asarray(inv, dtype=out.dtype.np).reshape(np.shape(const_of(y))), name=f"{op.name}/reciprocal")
    return _emit(new, op, "Mul", [x, k])


def _involution(new, op, inputs):
    (x,) = inputs
    if x.op.type == op.type and not x.op.control_inputs:
        return [x.op.inputs[0]]
    return None


def _perm(op, rank):
    p = op.attrs.get("perm")
    return tuple(reversed(range(rank))) if p is None else tuple(int(i) % max(rank, 1) for i in p)


def _transpose(new, op, inputs):
    (x,) = inputs
    rank = x.shape.rank
    if rank is None:
        return None
    p = _perm(op, rank)
    if p == tuple(range(rank)):
        return [x]
    if x.op.type == "Transpose" and not x.op.control_inputs:
        inner = _perm(x.op, rank)
        composed = tuple(inner[i] for i in p)
        src = x.op.inputs[0]
        if composed == tuple(range(rank)):
            return [src]
        return _emit(new, op, "Transpose", [src], {"perm": composed})
    return None


def _reshape(new, op, inputs):
    x, shape = inputs
    out = op.outputs[0]
    if out.shape.is_fully_defined() and x.shape == out.shape and x.dtype is out.dtype:
        return [x]
    if x.op.type == "Reshape" and not x.op.control_inputs:
        return _emit(new, op, "Reshape", [x.op.inputs[0], shape])
    return None


def _identity(new, op, inputs):
    return [inputs[0]]


def _pow(new, op, inputs):
    x, y = inputs
    out = op.outputs[0]
    if _unit(y, out, _is(1)) and _keeps(x, op):
        return [x]
    if _unit(y, out, _is(2)) and _keeps(x, op):
        return _emit(new, op, "Square", [x])
    return None


def _cast(new, op, inputs):
    (x,) = inputs
    return [x] if x.dtype is op.attrs["dtype"] else None


def _broadcast_to(new, op, inputs):
    x = inputs[0]
    return [x] if x.shape.is_fully_defined() and x.shape == op.outputs[0].shape else None


def _assign_update(new, op, inputs):
    """assign_sub(v, d) -> assign(v, read(v) - d): the same subtraction the kernel does, as ops
    the fuser can put in one loop with d's producer (an SGD step becomes one pass over the
    weights). The read goes right before the assign, so it sees the same value."""
    (delta,) = inputs
    var = op.attrs["var"]
    if not var.shape.is_fully_defined() or not delta.shape.is_fully_defined() or delta.dtype is not var.dtype:
        return None
    from ..shapes import broadcast_dims
    try:
        if broadcast_dims(var.shape.dims, delta.shape.dims) != var.shape.dims:
            return None
    except ValueError:
        return None
    read = new.emit(get("ReadVariableOp"), (), {"var": var}, name=f"{op.name}/read",
                    specs=[Spec(TensorShape(var.shape), var.dtype)], location=op.location)
    kind = "Sub" if op.type == "AssignSubVariableOp" else "Add"
    value = new.emit(get(kind), [read.outputs[0], delta], {}, name=f"{op.name}/{kind.lower()}",
                     specs=[Spec(TensorShape(var.shape), var.dtype)], location=op.location)
    return _emit(new, op, "AssignVariableOp", [value.outputs[0]], {"var": var})


RULES = {
    "Mul": _mul, "Add": _add, "Sub": _sub, "RealDiv": _realdiv, "Neg": _involution,
    "LogicalNot": _involution, "Transpose": _transpose, "Reshape": _reshape, "Identity": _identity,
    "StopGradient": _identity, "Pow": _pow, "Cast": _cast, "BroadcastTo": _broadcast_to,
    "AssignSubVariableOp": _assign_update, "AssignAddVariableOp": _assign_update,
}


def _emit(new, op, type_name, inputs, attrs=None):
    out = op.outputs[0]
    n = new.emit(get(type_name), inputs, {} if attrs is None else attrs, name=op.name,
                 specs=[Spec(TensorShape(out.shape), out.dtype)], location=op.location)
    return list(n.outputs)


def _any_rule_fires(graph) -> bool:
    """A dry run on the program itself (rules may emit into a scratch program): most programs
    have nothing to simplify, and then no copy is made."""
    from .program import Program
    scratch = Program()
    for op in graph.operations:
        rule = RULES.get(op.type)
        if rule is not None and rule(scratch, op, list(op.inputs)) is not None:
            return True
    return False


def _drop_inherited_controls(prog) -> None:
    """The rewritten `read(v) - d` inherits the assign's control inputs (rebuild gives them to
    every op a rule emits), which keeps the fuser from putting it into d's kernel (gf.function's
    automatic control dependencies put them on every assign). A pure op's control input that a
    producer of its data also has is redundant: the op waits for that producer, which waits for it."""
    for op in prog.operations:
        if not op.control_inputs or op.opdef.stateful:
            continue
        inherited = set()
        for t in op.inputs:
            inherited.update(t.op.control_inputs)
        kept = tuple(c for c in op.control_inputs if c not in inherited)
        if kept != op.control_inputs:
            op.control_inputs = kept


def run(graph, config=None):
    if not _any_rule_fires(graph):
        return graph, {"rewrites": 0}
    fired: dict = {}

    def visit(new, op, inputs):
        rule = RULES.get(op.type)
        if rule is None:
            return None
        result = rule(new, op, inputs)
        if result is not None:
            fired[op.type] = fired.get(op.type, 0) + 1
        return result

    new = rebuild(graph, visit)
    if fired.get("AssignSubVariableOp") or fired.get("AssignAddVariableOp"):
        _drop_inherited_controls(new)
    total = sum(fired.values())
    return (new if total else graph), {"rewrites": total, **{f"rewrites_{k}": v for k, v in sorted(fired.items())}}
