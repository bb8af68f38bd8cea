"""InplaceGemmUpdate: `var = read - lr * (op(a) @ op(b))` as one op, and the op facts the in-place
update pass (passes/inplace_update.py) matches on.

The pass turns an SGD weight update (a FusedMatMul whose epilogue is `read - product * lr`,
assigned back to the variable `read` reads) into this op; its lowering (kernels/lower.py) runs one
GEMM on the variable's own array when nobody else can see it. Inputs: a, b, read, lr (a scalar);
the output is the variable's new value.
"""
from __future__ import annotations

from . import array, math, state  # noqa: F401  (declare the ops looked up below)
from .registry import STATEFUL, OpDef, Spec, get, register


def _infer(a, b, read, lr, var, transpose_a=False, transpose_b=False, **attrs):
    if not (a.dtype is b.dtype is read.dtype is var.dtype):
        raise TypeError(f"InplaceGemmUpdate: a, b, read and the variable must share a dtype, got {a.dtype.name}, "
                        f"{b.dtype.name}, {read.dtype.name} and {var.dtype.name}")
    if a.shape.rank not in (None, 2) or b.shape.rank not in (None, 2) or lr.shape.rank not in (None, 0):
        raise ValueError(f"InplaceGemmUpdate: a and b must be matrices and lr a scalar, got {a.shape}, {b.shape}, "
                         f"{lr.shape}")
    if not read.shape.is_compatible_with(var.shape):
        raise ValueError(f"InplaceGemmUpdate: read has shape {read.shape}, the variable {var.shape}")
    return [Spec(var.shape, var.dtype)]


def _kernel(a, b, read, lr, var, transpose_a=False, transpose_b=False, **attrs):
    prod = get("MatMul").kernel(a, b, transpose_a=transpose_a, transpose_b=transpose_b)
    return var.write(get("Sub").kernel(read, get("Mul").kernel(prod, lr)))


INPLACE_GEMM_UPDATE = register(OpDef("InplaceGemmUpdate", _infer, _kernel, kind=STATEFUL, stateful=True,
                                     differentiable=False, retains_inputs=False))

_READ, _ASSIGN, _MUL, _SUB = (get(n) for n in ("ReadVariableOp", "AssignVariableOp", "Mul", "Sub"))
_INERT = frozenset(get(n) for n in ("Const", "NoOp"))


def read_of(op):
    """The VariableState `op` reads, if it is a plain variable read, else None."""
    return op.attrs["var"] if op.opdef is _READ else None


def assigned_by(op):
    """The VariableState `op` overwrites with its one input, if it is a plain assign, else None."""
    return op.attrs["var"] if op.opdef is _ASSIGN else None


def runs_nothing(op) -> bool:
    """Constants and no-ops: running them observes and changes nothing."""
    return op.opdef in _INERT


def is_scaled_subtract(mul, sub) -> bool:
    """Whether two fused members are `x * y` then `z - that` (with no attributes)."""
    return mul.opdef is _MUL and sub.opdef is _SUB and not mul.attrs and not sub.attrs
