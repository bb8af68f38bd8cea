"""Algebraic simplification: rewrites that give bit-identical results, and nothing else.

Float arithmetic is not real arithmetic, so every rule (a row of RULES) states why it is exact:
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
from ..ops.static_value import literal
from ..shapes import TensorShape, broadcast_dims
from .pattern import P, Rules, rewrite


def _keeps(x, op) -> bool:
    out = op.outputs[0]
    return x.dtype is out.dtype and x.shape.dims is not None and x.shape == out.shape


def _adds_nothing(v) -> bool:
    """-0.0, or 0 for integers: x + (+0.0) is not x for floats ((-0) + 0 = +0)."""
    return v == 0 and (v.dtype.kind != "f" or bool(np.signbit(v)))


def _subtracts_nothing(v) -> bool:
    """+0.0, or 0 for integers: x - (-0.0) is not x for floats ((-0) - (-0) = +0)."""
    return v == 0 and (v.dtype.kind != "f" or not np.signbit(v))


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


def _emit(new, op, type_name, inputs, attrs=None):
    out = op.outputs[0]
    n = new.emit(get(type_name), inputs, {} if attrs is None else attrs, name=op.name,
                 specs=[Spec(TensorShape(out.shape), out.dtype)], location=op.location)
    return list(n.outputs)


# ---- rewrites: (new program, the op, bound tensors) -> replacement tensors, or None -------------

def _x(new, op, x):
    return [x]


def _same(new, op, x):
    """x, when it has the op's shape and dtype (the constant did not broadcast it)."""
    return [x] if _keeps(x, op) else None


def _negated(new, op, x):
    if op.outputs[0].dtype.name not in ("float16", "float32", "float64", "int8", "int16", "int32", "int64"):
        return None
    return _emit(new, op, "Neg", [x]) if _keeps(x, op) else None


def _zeros_if_integer(new, op, x):
    return _emit(new, op, "ZerosLike", [x]) if op.outputs[0].dtype.is_integer and _keeps(x, op) else None


def _times_reciprocal(new, op, x, c):
    out = op.outputs[0]
    if not out.dtype.is_floating or not _keeps(x, op):
        return None
    value = np.asarray(literal(c)).reshape(())[()]
    if value == 1:
        return [x]
    inv = _power_of_two_inverse(value)
    if inv is None:
        return None
    k = new.const(np.asarray(inv, dtype=out.dtype.np).reshape(np.shape(literal(c))), name=f"{op.name}/reciprocal")
    return _emit(new, op, "Mul", [x, k])


def _squared(new, op, x):
    return _emit(new, op, "Square", [x]) if _keeps(x, op) else None


def _perm(op, rank):
    p = op.attrs.get("perm")
    return tuple(reversed(range(rank))) if p is None else tuple(int(i) % max(rank, 1) for i in p)


def _identity_perm(new, op, x):
    rank = x.shape.rank
    return [x] if rank is not None and _perm(op, rank) == tuple(range(rank)) else None


def _composed_perm(new, op, x, inner):
    rank = inner.shape.rank
    if rank is None:
        return None
    composed = tuple(_perm(inner.op, rank)[i] for i in _perm(op, rank))
    return [x] if composed == tuple(range(rank)) else _emit(new, op, "Transpose", [x], {"perm": composed})


def _same_shape(new, op, x):
    out = op.outputs[0]
    return [x] if out.shape.is_fully_defined() and x.shape == out.shape and x.dtype is out.dtype else None


def _reshape_once(new, op, x, shape):
    return _emit(new, op, "Reshape", [x, shape])


def _uncast(new, op, x):
    return [x] if x.dtype is op.attrs["dtype"] else None


def _assign_update(kind):
    def rewrite(new, op, delta):
        """assign_sub(v, d) -> assign(v, read(v) - d): the same subtraction the kernel does, as
        ops the fuser can put in one loop with d's producer (an SGD step becomes one pass over
        the weights). The read goes right before the assign, so it sees the same value."""
        var = op.attrs["var"]
        if not var.shape.is_fully_defined() or not delta.shape.is_fully_defined() or delta.dtype is not var.dtype:
            return None
        try:
            if broadcast_dims(var.shape.dims, delta.shape.dims) != var.shape.dims:
                return None
        except ValueError:
            return None
        read = new.emit(get("ReadVariableOp"), (), {"var": var}, name=f"{op.name}/read",
                        specs=[Spec(TensorShape(var.shape), var.dtype)], location=op.location)
        value = new.emit(get(kind), [read.outputs[0], delta], {}, name=f"{op.name}/{kind.lower()}",
                         specs=[Spec(TensorShape(var.shape), var.dtype)], location=op.location)
        return _emit(new, op, "AssignVariableOp", [value.outputs[0]], {"var": var})
    return rewrite


X, ANY, SHAPE = P.var("x"), P(), P.var("shape")

RULES = Rules([
    # pattern                                                 rewrite                why it is exact
    (P("Mul", X, P.const(1), commutative=True),                _same,                 "x * 1 = x, NaN and -0 too"),
    (P("Mul", X, P.const(-1), commutative=True),               _negated,              "-x only flips the sign bit"),
    (P("Add", X, P.const(_adds_nothing), commutative=True),    _same,                 "x + (-0.0) = x; ints: x + 0"),
    (P("Sub", X, P.const(_subtracts_nothing)),                 _same,                 "x - (+0.0) = x; ints: x - 0"),
    (P("Sub", X, X),                                           _zeros_if_integer,     "ints only: inf - inf is NaN"),
    (P("RealDiv", X, P.const(name="c")),                       _times_reciprocal,     "x/1 = x; x/2**k = x*2**-k"),
    (P("Neg", P("Neg", X)),                                    _x,                    "--x = x"),
    (P("LogicalNot", P("LogicalNot", X)),                      _x,                    "!!x = x"),
    (P("Transpose", X),                                        _identity_perm,        "the identity permutation"),
    (P("Transpose", P("Transpose", X, name="inner")),          _composed_perm,        "one permutation, composed"),
    (P("Reshape", X, ANY),                                     _same_shape,           "reshape to x's own shape"),
    (P("Reshape", P("Reshape", X, ANY), SHAPE),                _reshape_once,         "only the last shape counts"),
    (P(("Identity", "StopGradient"), X),                       _x,                    "gradients are built already"),
    (P("Pow", X, P.const(1)),                                  _same,                 "pow(x, 1) = x"),
    (P("Pow", X, P.const(2)),                                  _squared,              "pow is exact at exponent 2"),
    (P("Cast", X),                                             _uncast,               "cast to x's own dtype"),
    (P("BroadcastTo", X, ANY),                                 _same_shape,           "broadcast to x's own shape"),
    (P("AssignSubVariableOp", P.var("delta")),                 _assign_update("Sub"), "the kernel's own subtraction"),
    (P("AssignAddVariableOp", P.var("delta")),                 _assign_update("Add"), "the kernel's own addition"),
])


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
    fired: dict = {}
    stateful = []

    def count(op, row):
        fired[op.type] = fired.get(op.type, 0) + 1
        if op.opdef.stateful:       # an assign became read, update, assign
            stateful.append(op)

    new = rewrite(graph, RULES, count)
    if stateful:
        _drop_inherited_controls(new)
    total = sum(fired.values())
    return (new if total else graph), {"rewrites": total, **{f"rewrites_{k}": v for k, v in sorted(fired.items())}}
