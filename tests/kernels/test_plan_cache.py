"""The plan cache (kernels/plan_cache.py): an optimised program is read back instead of passed
again, and only for the same graph, dtypes, shapes, graphflow and toolchain."""
import os
import stat

import numpy as np
import pytest

import graphflow as gf
from graphflow import compiler
from graphflow.graph.interpreter import InterpreterPlan
from graphflow.kernels import cache, plan_cache


@pytest.fixture
def plans(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(plan_cache, "stats", dict.fromkeys(plan_cache.stats, 0))
    return tmp_path


def _chain(dtype=gf.float32, n=8, k=6, scale=1.5):
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(dtype, [None])
        y = x
        for i in range(k):
            y = y * scale if i % 2 == 0 else gf.tanh(y + 0.5)
    return g, x, y, [(n,)]


def _optimised(g, x, y, shapes, **options):
    return compiler.optimised(g, [y], [], [x], shapes, compiler.configure(options, interpret=True))


def _key(g, x, y, shapes, **options):
    return plan_cache.entry(g, [y], [], [x], shapes, compiler.configure(options, interpret=True)).key


def _run(prog, x_value):
    return InterpreterPlan(prog.outputs, prog.targets, prog.inputs)([x_value])[0]


def test_a_graph_compiled_again_reads_its_optimised_program_back(plans):
    g, x, y, shapes = _chain()
    first, first_stats = _optimised(g, x, y, shapes)
    assert plan_cache.stats["stores"] == 1
    again, again_stats = _optimised(g, x, y, shapes)
    assert plan_cache.stats["hits"] == 1
    assert gf.graph.text.to_text(again) == gf.graph.text.to_text(first)
    assert [s["ops_after"] for s in again_stats] == [s["ops_after"] for s in first_stats]
    value = np.linspace(-1, 1, 8).astype(np.float32)
    np.testing.assert_array_equal(_run(again, value), _run(first, value))
    fused = [op for op in again.operations if op.type == "FusedElementwise"]
    assert fused and again.source_op(fused[0]).graph is g       # errors still name the user's ops


def test_the_key_changes_with_the_graph_dtypes_shapes_constants_and_options(plans):
    base = _key(*_chain())
    assert _key(*_chain()) == base                              # rebuilt the same: the same key
    assert _key(*_chain(k=7)) != base
    assert _key(*_chain(dtype=gf.float64)) != base
    assert _key(*_chain(n=9)) != base
    assert _key(*_chain(scale=1.25)) != base
    assert _key(*_chain(), fusion=False) != base                # pass options too
    assert _key(*_chain(), fusion_max_ops=4) != base


def test_the_key_changes_with_the_graphflow_and_numba_versions(plans, monkeypatch):
    import numba
    base = _key(*_chain())
    monkeypatch.setattr(plan_cache, "_fingerprint", [None])
    monkeypatch.setattr(gf, "__version__", "0.0.0-test")
    after_graphflow = _key(*_chain())
    assert after_graphflow != base
    monkeypatch.setattr(plan_cache, "_fingerprint", [None])
    monkeypatch.setattr(cache, "_toolchain", [None])
    monkeypatch.setattr(numba, "__version__", "0.0.0-test")
    assert _key(*_chain()) not in (base, after_graphflow)


def test_plan_files_are_written_atomically_with_the_umask(plans):
    old = os.umask(0o027)
    try:
        g, x, y, shapes = _chain()
        _optimised(g, x, y, shapes)
    finally:
        os.umask(old)
    directory = os.path.join(cache.kernel_dir(), "plans")
    files = os.listdir(directory)
    assert len(files) == 1 and files[0].endswith(".plan")       # no temp file left beside it
    assert stat.S_IMODE(os.stat(os.path.join(directory, files[0])).st_mode) == 0o640


@pytest.mark.parametrize("damage", [b"", b"not a pickle at all", None])
def test_a_damaged_plan_file_warns_and_the_graph_compiles_again(plans, damage):
    g, x, y, shapes = _chain()
    first, _ = _optimised(g, x, y, shapes)
    path = plan_cache.entry(g, [y], [], [x], shapes, compiler.configure(interpret=True)).path
    with open(path, "rb") as f:
        raw = f.read()
    with open(path, "wb") as f:
        f.write(raw[: len(raw) // 2] if damage is None else damage)     # None: truncated
    with pytest.warns(RuntimeWarning, match="cached plan .* is unreadable"):
        again, _ = _optimised(g, x, y, shapes)
    value = np.linspace(-1, 1, 8).astype(np.float32)
    np.testing.assert_array_equal(_run(again, value), _run(first, value))
    assert plan_cache.stats["stores"] == 2                      # written again, whole
    assert _optimised(g, x, y, shapes) and plan_cache.stats["hits"] == 1


def test_a_plan_file_of_another_graph_is_not_used(plans):
    g, x, y, shapes = _chain()
    _optimised(g, x, y, shapes)
    other = _chain(k=5)
    _optimised(*other)
    os.replace(plan_cache.entry(*other[:1], [other[2]], [], [other[1]], other[3],
                                compiler.configure(interpret=True)).path,
               plan_cache.entry(g, [y], [], [x], shapes, compiler.configure(interpret=True)).path)
    with pytest.warns(RuntimeWarning, match="another plan"):
        again, _ = _optimised(g, x, y, shapes)
    assert len([op for op in again.operations if op.type == "FusedElementwise"]) == 1


def test_graphs_holding_more_than_plain_data_are_not_cached(plans):
    g = gf.Graph()
    with g.as_default():
        v = gf.compat.v1.get_variable("v", initializer=np.ones(4, np.float32))
        x = gf.compat.v1.placeholder(gf.float32, [4])
        y = x * v
    assert plan_cache.entry(g, [y], [], [x], [(4,)], compiler.configure(interpret=True)) is None
    assert plan_cache.stats["uncacheable"] == 1


def test_an_op_declared_outside_graphflow_keeps_the_graph_out(plans, monkeypatch):
    from graphflow.ops import registry
    mul = registry.get("Mul")
    infer = mul.infer
    monkeypatch.setattr(mul, "infer", lambda *specs, **attrs: infer(*specs, **attrs))   # as a user's op would
    g, x, y, shapes = _chain()
    assert plan_cache.entry(g, [y], [], [x], shapes, compiler.configure(interpret=True)) is None


def test_graphs_holding_much_constant_data_are_not_cached(plans, monkeypatch):
    monkeypatch.setattr(plan_cache, "MAX_CONSTANT_BYTES", 1000)
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [512])
        y = x * np.arange(512, dtype=np.float32)         # 2 KB of constant
    assert plan_cache.entry(g, [y], [], [x], [(512,)], compiler.configure(interpret=True)) is None


def test_the_cache_steps_aside_for_explain_and_when_switched_off(plans, monkeypatch):
    g, x, y, shapes = _chain()
    dumped = compiler.configure(interpret=True)
    dumped.dump = lambda name, prog: None
    assert plan_cache.entry(g, [y], [], [x], shapes, dumped) is None
    monkeypatch.setenv("GRAPHFLOW_PLAN_CACHE", "0")
    assert plan_cache.entry(g, [y], [], [x], shapes, compiler.configure(interpret=True)) is None
