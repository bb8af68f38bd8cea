"""Remapping (Grappler's remapper): MatMul followed by its elementwise epilogue becomes one op.

`act(x @ w + b)` becomes FusedMatMul: the product goes through BLAS into a buffer and the fused
epilogue (bias add, activation, and whatever else the fusion pass grouped) runs over that buffer
in place, so the product is never written and read back as a separate tensor. The pattern is a
2-D MatMul whose only consumer is a FusedElementwise group (without reductions) iterating over
the product's shape, with the product among its inputs.
"""
from __future__ import annotations

from ..ops.registry import OpDef, Spec, get
from . import prune
from .fuse import FUSED, run_members
from .pattern import P, Rules
from .program import Program, consumers, rebuild


def _kernel(a, b, *rest, group, operand, transpose_a=False, transpose_b=False):
    prod = get("MatMul").kernel(a, b, transpose_a=transpose_a, transpose_b=transpose_b)
    arrays = list(rest)
    arrays.insert(operand, prod)
    return tuple(run_members(group, arrays))


def _infer(*specs, group, operand, transpose_a=False, transpose_b=False):
    return group.exit_specs()


def _verify(op):
    group = op.attrs["group"]
    if len(op.inputs) != len(group.input_specs) + 1:
        raise AssertionError(f"{op.name}: FusedMatMul input count does not match its epilogue")


FUSED_MATMUL = OpDef("FusedMatMul", _infer, _kernel, kind="fused", num_outputs=-1, differentiable=False,
                     foldable=False, verify=_verify)


def _epilogue(facts, op, product):
    """(the MatMul, operand index) when the product's only use is this group, which iterates
    over the product's 2-D float shape, reduces nothing and waits for nothing."""
    users, outputs = facts
    group = op.attrs["group"]
    m = product.op
    if (op.control_inputs or group.reduce_axes or len(users.get(product, ())) != 1 or product in outputs
            or product.shape.rank != 2 or product.shape.dims != group.shape
            or product.dtype.name not in ("float32", "float64")
            or not all(i.shape.rank == 2 and i.shape.is_fully_defined() for i in m.inputs)
            or op.inputs.count(product) != 1):
        return None
    return m, op.inputs.index(product)


RULES = Rules([
    # pattern                                          match        why it pays
    (P(FUSED, P.some(P("MatMul", name="product"))),   _epilogue,   "the product is never written and read back"),
])


def run(graph: Program, config=None):
    facts = (consumers(graph), set(graph.outputs))
    matches = {}
    for op in graph.operations:
        hit = RULES.first(facts, op, op.inputs)
        if hit is not None:
            matches[op] = hit[0]
    if not matches:
        return graph, {"fused_matmuls": 0}

    def visit(new, op, inputs):
        hit = matches.get(op)
        if hit is None:
            return None
        m, k = hit
        a, b = (new_of[t] for t in m.inputs)
        rest = [t for i, t in enumerate(inputs) if i != k]
        attrs = {"group": op.attrs["group"], "operand": k, "transpose_a": bool(m.attrs.get("transpose_a")),
                 "transpose_b": bool(m.attrs.get("transpose_b"))}
        n = new.emit(FUSED_MATMUL, [a, b] + rest, attrs, name=op.name, location=m.location,
                     specs=[Spec(t.shape, t.dtype) for t in op.outputs])
        return list(n.outputs)

    # the MatMul's own inputs must be reachable in the new program: record the mapping as we go
    new_of: dict = {}

    def recording(new, op, inputs):
        for old, nt in zip(op.inputs, inputs):
            new_of[old] = nt
        return visit(new, op, inputs)

    new, _ = prune.run(rebuild(graph, recording))      # drops the MatMuls the new ops absorbed
    return new, {"fused_matmuls": len(matches)}
