"""Graphs for TensorBoard's graph tab: a gf.function's trace, and the compiler's before/after pair."""
import numpy as np

import graphflow as gf
from graphflow import cli
from graphflow.summary.compiler_graphs import write_compiler_graphs
from graphflow.summary.graph_def import graph_def

from .tb_read import load_run


def test_graph_def_keeps_names_inputs_and_shapes():
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [None, 3], name="x")
        with gf.name_scope("dense"):
            y = gf.nn.relu(gf.matmul(x, gf.ones([3, 2])))
    proto = graph_def(graph)
    nodes = {n.name: n for n in proto.node}
    assert len(nodes) == len(graph.get_operations())
    relu = nodes[y.op.name]
    assert relu.op == "Relu" and relu.name.startswith("dense/")
    assert list(relu.input) == [y.op.inputs[0].op.name]
    assert [d.size for d in relu.attr["_output_shapes"].list.shape[0].dim] == [-1, 2]


def test_compiler_pair_shows_fused_kernels(tmp_path):
    def mlp(x, w, b):
        return gf.nn.relu(gf.matmul(x, w) + b) * 2.0 + 1.0

    before, after = write_compiler_graphs(str(tmp_path), mlp, ((8, 4), gf.float32), ((4, 3), gf.float32),
                                          ((3,), gf.float32))
    before_ops = [n.op for n in load_run(before).Graph().node]
    after_ops = [n.op for n in load_run(after).Graph().node]
    assert "Relu" in before_ops and "Relu" not in after_ops
    assert len(after_ops) < len(before_ops)
    assert any(op.startswith("Fused") for op in after_ops)


def test_explain_command_writes_the_before_after_runs(tmp_path, capsys):
    assert cli.main(["explain", "MLP", "--final-only", "--no-kernels", "--tensorboard", str(tmp_path)]) == 0
    assert "wrote TensorBoard graphs" in capsys.readouterr().err
    counts = {run: len(load_run(tmp_path / run).Graph().node) for run in ("before", "after")}
    assert counts["after"] < counts["before"]


def test_function_graph_exported_through_a_writer(tmp_path):
    @gf.function
    def f(x):
        return gf.reduce_sum(x * x)

    graph = f.get_concrete_function(gf.constant(np.ones(3, np.float32))).graph
    writer = gf.summary.create_file_writer(str(tmp_path))
    writer.add_graph_def(graph_def(graph))
    writer.close()
    assert len(load_run(tmp_path).Graph().node) == len(graph.get_operations())
