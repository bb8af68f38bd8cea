"""The compile pipeline shared by Session.run and gf.function: prune -> passes -> lower -> plan."""
from __future__ import annotations

from .graph.interpreter import InterpreterPlan


def compile_plan(graph, fetch_tensors, fetch_ops, feed_tensors):
    """A callable plan computing `fetch_tensors` (and running `fetch_ops`) from fed arrays."""
    return InterpreterPlan(fetch_tensors, fetch_ops, feed_tensors)
