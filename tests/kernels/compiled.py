"""Run a graph compiled (first call compiles) and with the reference interpreter."""
import numpy as np

from graphflow.compiler import compile_plan
from graphflow.graph.interpreter import InterpreterPlan


def run_both(fetches, feeds, values, fetch_ops=(), options=None):
    """(compiled results, reference results, plan)."""
    opts = {"jit_after": 1, **(options or {})}
    graph = (fetches[0] if fetches else fetch_ops[0]).graph
    plan = compile_plan(graph, list(fetches), list(fetch_ops), list(feeds), opts)
    with np.errstate(all="ignore"):
        got = plan(list(values))
        want = InterpreterPlan(list(fetches), list(fetch_ops), list(feeds))(list(values))
    assert plan.executable() is not None, "the plan did not compile"
    return got, want, plan


def kernel_count(plan) -> int:
    ex = plan.executable()
    return sum(1 for op, step in ex.steps if step is not None)


def op_types(plan) -> list:
    return [op.type for op in plan.executable().program.operations]
