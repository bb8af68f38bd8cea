"""The reference executor: runs a pruned graph op by op with the kernels eager runs (the numpy
reference kernels, or an op's fast kernel where it has one: OpDef.compute).

It is the semantics every optimised plan is tested against (`Session(optimize=False)`).
"""
from __future__ import annotations

from ..errors import InvalidArgumentError, OpError, describe_inputs, format_location
from ..ops.registry import FEED
from ..ops.runtime_check import failure_detail
from .graph import Operation, SymbolicTensor


def prune(fetch_ops, fed: set) -> list:
    """The ops needed to compute `fetch_ops`, in graph (creation = topological) order.

    A fed tensor cuts the graph: its producer runs only if something else needs it.
    """
    needed = set()
    stack = list(fetch_ops)
    while stack:
        op = stack.pop()
        if op in needed:
            continue
        needed.add(op)
        for t in op.inputs:
            if t not in fed:
                stack.append(t.op)
        stack.extend(op.control_inputs)
    if not needed:
        return []
    graph = next(iter(needed)).graph
    return [op for op in graph.operations if op in needed]


def run_op(op: Operation, args):
    """Run one op's kernel (OpDef.compute, as eager); failures name the op and the line that built it."""
    try:
        return op.opdef.compute(*args, **op.attrs)
    except OpError as e:
        if e.op is None:
            e.op = op
            e.message = f"{e.message}\n\t [[node {op.name} (defined at {format_location(op.location)})]]"
            e.args = (e.message,)
        raise
    except Exception as e:
        raise InvalidArgumentError(
            None, op, f"{op.type} (node {op.name}) failed: {failure_detail(op.opdef, args, op.attrs, e)}. "
                      f"Inputs: {describe_inputs(args)}. Defined at {format_location(op.location)}") from None


def missing_feed(op) -> InvalidArgumentError:
    """TF's error for a placeholder that a fetch needs and nobody fed."""
    shape = op.attrs["shape"]
    dims = "<unknown>" if shape is None else "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"
    return InvalidArgumentError(
        None, op, f"You must feed a value for placeholder tensor '{op.name}' with dtype "
                  f"{op.attrs['dtype'].name} and shape {dims} (defined at {format_location(op.location)})")


class InterpreterPlan:
    """A pruned op list that runs with the reference kernels. Call with the fed arrays."""

    def __init__(self, fetch_tensors, fetch_ops, feed_tensors):
        self.fetch_tensors = list(fetch_tensors)
        self.feed_tensors = list(feed_tensors)
        fed = set(self.feed_tensors)
        self.ops = prune([t.op for t in self.fetch_tensors] + list(fetch_ops), fed)
        for op in self.ops:
            if op.opdef.source == FEED and not all(o in fed for o in op.outputs):
                raise missing_feed(op)

    def __call__(self, feed_values):
        values: dict[SymbolicTensor, object] = dict(zip(self.feed_tensors, feed_values))
        for op in self.ops:
            if op.outputs and all(o in values for o in op.outputs):
                continue
            out = run_op(op, [values[t] for t in op.inputs])
            n = len(op.outputs)
            if n == 1 and op.opdef.num_outputs == 1:
                values[op.outputs[0]] = out
            elif n:
                for t, v in zip(op.outputs, out):
                    values[t] = v
        return [values[t] for t in self.fetch_tensors]
