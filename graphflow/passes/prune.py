"""Dead-code elimination: keep what the fetches and targets need, and every stateful op.

Stateful ops (variable reads and assigns, random ops, prints, asserts) stay even when nothing
reads their outputs any more: they were needed when the program was cut from the user's graph,
and running them is observable (a random op advances its stream, an assign writes).
"""
from __future__ import annotations

from .program import Program, rebuild


def live_ops(prog: Program) -> set:
    roots = [t.op for t in prog.outputs] + list(prog.targets) + [t.op for t in prog.inputs]
    roots += [op for op in prog.operations if op.opdef.stateful]
    live: set = set()
    stack = list(roots)
    while stack:
        op = stack.pop()
        if op in live:
            continue
        live.add(op)
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return live


def run(graph: Program, config=None):
    live = live_ops(graph)
    removed = len(graph.operations) - len(live)
    if not removed:
        return graph, {"removed": 0}
    return rebuild(graph, lambda new, op, inputs: None, keep=live), {"removed": removed}
