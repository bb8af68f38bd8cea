"""Graph invariants the pass manager checks after each pass in debug mode.

A pass that breaks one is a compiler bug: the error names the pass and the offending op line.
"""
from __future__ import annotations

from ..graph.text import op_line
from ..ops.registry import Spec
from ..ops.static_value import constant_value
from .program import Program


class InvariantError(AssertionError):
    pass


def verify(prog: Program, after: str = "") -> None:
    """Topological order, no dangling inputs, specs consistent with inference, valid exits."""
    seen_ops = set()
    seen = set()
    where = f" after pass {after!r}" if after else ""
    for op in prog.operations:
        if op.graph is not prog:
            raise InvariantError(f"op {op.name} belongs to another graph{where}")
        for t in op.inputs:
            if t not in seen:
                raise InvariantError(f"input {t.name} of `{op_line(op)}` is not produced earlier in the "
                                     f"program (dangling or out of order){where}")
        for c in op.control_inputs:
            if c not in seen_ops:
                raise InvariantError(f"control input {c.name} of `{op_line(op)}` is not earlier{where}")
        _check_specs(op, where)
        seen_ops.add(op)
        seen.update(op.outputs)
    for t in list(prog.outputs) + list(prog.inputs):
        if t not in seen:
            raise InvariantError(f"program exit/entry {t.name} is not produced by the program{where}")
    for op in prog.targets:
        if op not in seen_ops:
            raise InvariantError(f"target {op.name} is not in the program{where}")


def _check_specs(op, where):
    check = op.opdef.verify
    if check is not None:       # ops that declare their own invariant (fused groups, sources)
        check(op)
        return
    specs = [Spec(t.shape, t.dtype, constant_value(t)) for t in op.inputs]
    try:
        inferred = op.opdef.infer(*specs, **op.attrs)
    except Exception as e:  # noqa: BLE001
        raise InvariantError(f"`{op_line(op)}` no longer passes inference ({e}){where}") from None
    if len(inferred) != len(op.outputs):
        raise InvariantError(f"`{op_line(op)}` has {len(op.outputs)} outputs, inference says "
                             f"{len(inferred)}{where}")
    for t, s in zip(op.outputs, inferred):
        if t.dtype is not s.dtype or not t.shape.is_compatible_with(s.shape):
            raise InvariantError(f"`{op_line(op)}`: output {t.value_index} is {t.dtype.name}{t.shape}, "
                                 f"inference says {s.dtype.name}{s.shape}{where}")
