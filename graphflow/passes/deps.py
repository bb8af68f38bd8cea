"""Dependency optimisation: tidy control edges without changing what runs before what.

Control inputs that duplicate a data edge or another control input are dropped, and a control
dependency on a control-only op (`OpDef.control_only`: `gf.group`'s NoOp) that is not itself a
target is replaced by that op's own control inputs, so chains of groups collapse.
"""
from __future__ import annotations

from .program import Program, rebuild


def _flatten(op, targets, memo):
    """The ops `op` stands for as a control input."""
    if not op.opdef.control_only or op in targets:
        return (op,)
    if op not in memo:
        out = []
        for c in op.control_inputs:
            out.extend(_flatten(c, targets, memo))
        memo[op] = tuple(dict.fromkeys(out))
    return memo[op]


def run(graph: Program, config=None):
    targets = set(graph.targets)
    memo: dict = {}
    changes = 0
    plan = {}
    for op in graph.operations:
        if not op.control_inputs:
            continue
        producers = {t.op for t in op.inputs}
        flat = []
        for c in op.control_inputs:
            flat.extend(_flatten(c, targets, memo))
        flat = [c for c in dict.fromkeys(flat) if c not in producers]
        if tuple(flat) != op.control_inputs:
            plan[op] = tuple(flat)
            changes += 1
    if not changes:
        return graph, {"control_edges_changed": 0}
    new = rebuild(graph, lambda new, op, inputs: None)
    # rebuild mapped every op one to one, in order: apply the new control lists by position
    index = {op: i for i, op in enumerate(graph.operations)}
    for op, controls in plan.items():
        n = new.operations[index[op]]
        n.control_inputs = tuple(new.operations[index[c]] for c in controls)
    return new, {"control_edges_changed": changes}
