"""gf.compare_modes: a user function eager, as a graph without passes, and compiled."""
import numpy as np

import graphflow as gf


def small_mlp(x, w):
    return gf.nn.relu(gf.matmul(x, w)) * 2.0 + 1.0


X = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
W = np.ones((3, 2), np.float32)


def test_every_mode_agrees_and_is_timed():
    report = gf.compare_modes(small_mlp, X, W, repeat=3)
    modes = [r.mode for r in report.rows]
    assert modes[:3] == ["eager", "graph-interpreted", "graph-compiled"]
    assert report.agree
    assert all(r.timed and r.median_s > 0 for r in report.rows)
    assert report.row("eager").ratio_vs_eager == 1.0


def test_graph_modes_report_op_and_kernel_counts():
    report = gf.compare_modes(small_mlp, X, W, repeat=2)
    interpreted = report.row("graph-interpreted")
    assert interpreted.ops_before >= 5 and interpreted.kernels is not None
    compiled = report.row("graph-compiled")
    assert compiled.ops_before is not None and compiled.ops_after <= compiled.ops_before


def test_report_prints_as_a_table_and_converts_to_a_dict():
    report = gf.compare_modes(small_mlp, X, W, repeat=2)
    text = str(report)
    assert text.startswith("compare_modes(small_mlp): all modes agree")
    assert "graph-compiled" in text and "ops before/after" in text
    d = report.as_dict()
    assert d["function"] == "small_mlp" and d["agree"] is True
    assert [r["mode"] for r in d["rows"]] == [r.mode for r in report.rows]


def test_a_mode_that_computes_something_else_is_flagged_not_timed():
    def differs_in_graphs(x):
        return x * 2.0 if gf.executing_eagerly() else x * 3.0
    report = gf.compare_modes(differs_in_graphs, X, repeat=2)
    assert not report.agree
    graph = report.row("graph-interpreted")
    assert graph.status == "disagrees" and graph.median_s is None
    assert "MODES DISAGREE" in str(report)


def test_python_values_and_kwargs_are_passed_through():
    def scale(x, factor, offset=0.0):
        return x * factor + offset
    report = gf.compare_modes(scale, X, 3.0, offset=1.0, repeat=2)
    assert report.agree and report.row("graph-compiled").timed
