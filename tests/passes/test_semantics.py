"""Every pass, alone and in the full pipeline, preserves what random graphs compute.

The optimised programs run with the reference kernels (FusedElementwise keeps a reference kernel),
so these tests check the passes apart from code generation; tests/kernels runs them compiled.
"""
import pytest
from hypothesis import HealthCheck, given, settings

from graphflow.kernels.target import KernelTarget
from graphflow.passes import cse, deps, fold, fuse, manager, memory, prune, remap, simplify
from graphflow.passes.config import PassConfig
from graphflow.passes.verify import verify

from .graphgen import assert_same, random_graphs, reference, run_program

PASSES = {"prune": prune, "deps": deps, "fold": fold, "simplify": simplify, "cse": cse, "fuse": fuse,
          "remap": remap, "memory": memory}
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

KERNELS = KernelTarget()      # the passes as the compiler runs them: aimed at the numba kernels


@pytest.mark.parametrize("name", sorted(PASSES))
@SETTINGS
@given(rg=random_graphs())
def test_pass_preserves_semantics(name, rg):
    want = reference(rg)
    prog = rg.program()
    config = PassConfig(verify=True, target=KERNELS)
    out, stats = PASSES[name].run(prog, config)
    verify(out, name)
    assert_same(run_program(out, rg.values), want)


@SETTINGS
@given(rg=random_graphs(max_ops=20))
def test_pipeline_preserves_semantics(rg):
    want = reference(rg)
    out, stats = manager.run(rg.program(), PassConfig(verify=True, target=KERNELS))
    assert_same(run_program(out, rg.values), want)
    assert [s["pass"] for s in stats][0] == "dependency_optimization"


@SETTINGS
@given(rg=random_graphs(max_ops=20))
def test_pipeline_never_mutates_the_users_graph(rg):
    before = [(op.name, op.type, tuple(t.name for t in op.inputs)) for op in rg.graph.operations]
    manager.run(rg.program(), PassConfig(target=KERNELS))
    assert [(op.name, op.type, tuple(t.name for t in op.inputs)) for op in rg.graph.operations] == before
