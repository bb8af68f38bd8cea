"""Op and kernel counts read from whatever a plan exposes, never a failure when it exposes nothing."""
import types
from dataclasses import dataclass

import graphflow as gf
from graphflow.bench.stats import plan_stats, session_stats


def test_a_stats_dict_with_synonyms_is_read():
    plan = types.SimpleNamespace(stats={"ops_in": 10, "ops_out": 3, "num_kernels": 2, "compile_s": 0.5})
    assert plan_stats(plan) == {"ops_before": 10, "ops_after": 3, "kernels": 2, "compile_s": 0.5}


def test_a_stats_dataclass_or_method_is_read():
    @dataclass
    class Stats:
        ops_before: int = 7
        ops_after: int = 2
        kernels: int = 1
    assert plan_stats(types.SimpleNamespace(stats=Stats())) == {"ops_before": 7, "ops_after": 2, "kernels": 1}
    assert plan_stats(types.SimpleNamespace(stats=lambda: {"kernels": 4})) == {"kernels": 4}


def test_the_pass_managers_per_pass_list_gives_first_and_last_counts():
    per_pass = [{"pass": "fold", "ops_before": 9, "ops_after": 6}, {"pass": "fuse", "ops_before": 6, "ops_after": 2}]
    assert plan_stats(types.SimpleNamespace(stats=per_pass)) == {"ops_before": 9, "ops_after": 2}


def test_a_tiered_plan_is_read_through_its_newest_executable():
    op = types.SimpleNamespace
    executable = types.SimpleNamespace(stats=[{"ops_before": 5, "ops_after": 3}],
                                       steps=[(op(type="Placeholder"), None), (op(type="Const"), None),
                                              (op(type="Fused"), object()), (op(type="MatMul"), object())])
    plan = types.SimpleNamespace(_execs={(): None, ((2,),): executable}, compile_seconds=0.25)
    assert plan_stats(plan) == {"ops_before": 5, "ops_after": 3, "kernels": 2, "compile_s": 0.25}


def test_a_plan_that_says_nothing_gives_nothing():
    assert plan_stats(object()) == {}
    assert session_stats(object()) == {}


def test_the_reference_interpreter_counts_each_op_as_a_kernel():
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [3])
        y = x * 2.0 + 1.0
    sess = gf.compat.v1.Session(graph=graph, optimize=False)
    sess.run(y, {x: [1.0, 2.0, 3.0]})
    stats = session_stats(sess)   # Const, Mul, Const, Add: the fed placeholder does not run
    assert stats["ops_before"] == stats["ops_after"] == stats["kernels"] == 4
