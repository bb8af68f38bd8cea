"""Graph export: a JSON-able dict (Graph.as_graph_def), a networkx DiGraph and DOT text."""
import json
import sys

import networkx as nx
import numpy as np

import graphflow as gf
from graphflow.graph import export

v1 = gf.compat.v1


def build():
    graph = gf.Graph()
    with graph.as_default():
        x = v1.placeholder(gf.float32, [None, 3], name="x")
        w = gf.Variable(np.ones((3, 2), np.float32), name="w")
        line = sys._getframe().f_lineno + 1
        y = gf.nn.relu(gf.matmul(x, w), name="y")
        with gf.control_dependencies([y]):
            done = gf.identity(y, name="done")
        big = gf.constant(np.zeros(100, np.float32), name="big")
        parts = gf.split(x, [1, 2], axis=1, name="parts")
    return graph, line, (x, w, y, done, big, parts)


def test_as_graph_def_is_json_serialisable_and_lists_every_op_in_order():
    graph, _, _ = build()
    d = graph.as_graph_def()
    assert json.loads(json.dumps(d)) == d
    assert [op["name"] for op in d["ops"]] == [op.name for op in graph.get_operations()]


def test_each_op_records_type_inputs_attrs_outputs_and_location():
    graph, line, (x, w, y, done, big, parts) = build()
    ops = {op["name"]: op for op in graph.as_graph_def()["ops"]}
    placeholder = ops["x"]
    assert placeholder["type"] == "Placeholder"
    assert placeholder["attrs"] == {"dtype": "float32", "shape": [None, 3]}
    assert placeholder["outputs"] == [{"name": "x:0", "shape": [None, 3], "dtype": "float32"}]
    relu = ops["y"]
    assert relu["type"] == "Relu" and relu["inputs"] == [y.op.inputs[0].name]
    assert relu["location"] == f"{__file__}:{line}"
    assert ops["done"]["control_inputs"] == ["y"]
    assert [o["shape"] for o in ops["parts"]["outputs"]] == [[None, 1], [None, 2]]
    assert ops["parts"]["attrs"]["sizes"] == [1, 2]


def test_attrs_are_made_json_safe():
    graph, _, _ = build()
    ops = {op["name"]: op for op in graph.as_graph_def()["ops"]}
    assert ops["big"]["attrs"]["value"] == {"dtype": "float32", "shape": [100]}     # summarised
    read = next(op for op in ops.values() if op["type"] == "ReadVariableOp")
    assert read["attrs"]["var"] == {"variable": "w:0"}
    small = next(op for op in ops.values() if op["type"] == "Const" and op["name"] != "big")
    assert "value" in small["attrs"]["value"]
    assert export.json_safe(gf.int64) == "int64" and export.json_safe((1, np.int32(2))) == [1, 2]


def test_networkx_view_has_data_and_control_edges():
    graph, _, (x, w, y, done, big, parts) = build()
    g = export.to_networkx(graph)
    assert isinstance(g, nx.DiGraph) and set(g.nodes) == {op.name for op in graph.get_operations()}
    assert nx.is_directed_acyclic_graph(g)
    assert g.edges["x", y.op.inputs[0].op.name]["tensors"] == ["x:0"]
    assert g.edges["y", "done"]["tensors"] == ["y:0"]         # data edge wins over the control one
    assert g.nodes["y"]["type"] == "Relu"
    assert nx.has_path(g, "x", "done") and not nx.has_path(g, "big", "done")


def test_control_only_edges_are_marked():
    graph = gf.Graph()
    with graph.as_default():
        a = gf.constant(1.0, name="a")
        with gf.control_dependencies([a]):
            b = gf.constant(2.0, name="b")
    g = export.to_networkx(graph)
    assert g.edges["a", "b"] == {"tensors": [], "control": True}
    assert b.op.control_inputs == (a.op,)


def test_dot_text_names_every_op_and_edge():
    graph, _, _ = build()
    dot = export.to_dot(graph)
    assert dot.startswith('digraph "graphflow" {') and dot.rstrip().endswith("}")
    for op in graph.get_operations():
        assert f'"{op.name}" [label="{op.name}\\n{op.type}' in dot
    assert '"x" -> "parts" [label="x:0"];' in dot
    assert '"y" -> "done" [style=dashed];' in dot
    assert "f32[?,3]" in dot


def test_an_empty_graph_exports():
    graph = gf.Graph()
    assert graph.as_graph_def()["ops"] == []
    assert export.to_networkx(graph).number_of_nodes() == 0
    assert export.to_dot(graph).count("->") == 0
