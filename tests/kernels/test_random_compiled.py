"""Random graphs run compiled (all passes, generated kernels, memory plan) match the reference."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from passes.graphgen import assert_same, random_graphs, reference

import graphflow as gf
from graphflow.compiler import compile_plan

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(rg=random_graphs(max_ops=10))
def test_random_graphs_compiled_match_the_reference(rg):
    want = reference(rg)
    plan = compile_plan(rg.graph, rg.fetches, [], rg.feeds, {"jit_after": 1})
    with np.errstate(all="ignore"):
        first = plan(rg.values)
        second = plan(rg.values)          # buffers reused across calls must not leak into results
    assert plan.executable() is not None
    assert_same(first, want, rtol=1e-5, atol=1e-5)
    assert_same(second, want, rtol=1e-5, atol=1e-5)


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(rg=random_graphs(max_ops=8, dtype=gf.float64))
def test_random_float64_graphs_compiled_match_the_reference(rg):
    want = reference(rg)
    plan = compile_plan(rg.graph, rg.fetches, [], rg.feeds, {"jit_after": 1})
    with np.errstate(all="ignore"):
        assert_same(plan(rg.values), want, rtol=1e-12, atol=1e-12)
