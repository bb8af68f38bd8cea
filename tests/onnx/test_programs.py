"""Whole programs exported and served: the W3/W4 MLPs (small sizes), a W5-style CNN, an LSTM model
and functions with cond and while_loop run in onnxruntime with graphflow's outputs; every file
passes onnx.checker (run_onnx checks before running)."""
from __future__ import annotations

import inspect

import numpy as np
import onnx
import pytest
from onnx_checks import assert_matches, run_onnx

import graphflow as gf
from graphflow.compiler import optimise
from graphflow.onnx.builder import ExportError
from graphflow.passes.program import specialise

RNG = np.random.RandomState(0)


def he(n_in, n_out):
    return (RNG.randn(n_in, n_out) * np.sqrt(2.0 / n_in)).astype(np.float32)


def test_w3_mlp_trained_in_a_session_exports_its_trained_weights(tmp_path):
    """W3 shape (64-128-128-10 there; 16-32-32-10 here): a TF1 graph trained two SGD steps, then the
    logits exported from the Session: the variables' current values become initializers."""
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float32, (None, 16), name="x")
        labels = gf.compat.v1.placeholder(gf.int32, (None,), name="labels")
        sizes = [16, 32, 32, 10]
        weights = [(gf.Variable(he(a, b), name=f"w{i}"), gf.Variable(np.zeros(b, np.float32), name=f"b{i}"))
                   for i, (a, b) in enumerate(zip(sizes, sizes[1:]))]
        h = x
        for i, (w, b) in enumerate(weights):
            h = gf.matmul(h, w) + b
            h = gf.nn.relu(h) if i < len(weights) - 1 else h
        loss = gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=h))
        train = gf.compat.v1.train.GradientDescentOptimizer(0.1).minimize(loss)
        init = gf.compat.v1.global_variables_initializer()
    xs, ys = RNG.randn(8, 16).astype(np.float32), RNG.randint(0, 10, 8).astype(np.int32)
    with gf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        for _ in range(2):
            sess.run(train, {x: xs, labels: ys})
        want = sess.run(h, {x: xs[:3]})
        model = gf.onnx.export(sess, tmp_path / "w3.onnx", inputs=[x], outputs=[h])
    assert {i.name for i in model.graph.initializer} >= {"w0", "b0", "w2"}
    batch = model.graph.input[0].type.tensor_type.shape.dim[0]
    assert batch.dim_param and not batch.dim_value            # the batch dim stays dynamic
    assert_matches(run_onnx(tmp_path / "w3.onnx", {"x": xs[:3]})[0], want, what="W3 logits")


class W4MLP(gf.Module):
    """W4's MLP (784-1024-1024-10 there; 48-64-64-10 here) as a gf.Module with a served function."""

    def __init__(self, sizes):
        super().__init__()
        self.layers = [(gf.Variable(he(a, b)), gf.Variable(RNG.randn(b).astype(np.float32) * 0.1))
                       for a, b in zip(sizes, sizes[1:])]

    def __call__(self, x):
        for i, (w, b) in enumerate(self.layers):
            x = gf.matmul(x, w) + b
            x = gf.nn.relu(x) if i < len(self.layers) - 1 else gf.nn.softmax(x)
        return x


def test_w4_mlp_function_with_a_dynamic_batch_serves_any_batch(tmp_path):
    mlp = W4MLP([48, 64, 64, 10])
    serve = gf.function(mlp.__call__, input_signature=[gf.TensorSpec([None, 48], gf.float32, name="x")])
    gf.onnx.export(serve, tmp_path / "w4.onnx")
    for batch in (1, 5):
        xs = RNG.randn(batch, 48).astype(np.float32)
        assert_matches(run_onnx(tmp_path / "w4.onnx", {"x": xs})[0], mlp(gf.constant(xs)).numpy(), what="W4")


def test_fused_kernels_are_expanded_back_into_onnx_ops(tmp_path):
    """With a static batch the passes fuse the bias add and relu into the matmul (FusedMatMul) and
    chain elementwise ops (FusedElementwise); the file holds their member ops."""
    mlp = W4MLP([12, 16, 4])

    @gf.function(input_signature=[gf.TensorSpec([3, 12], gf.float32, name="x")])
    def serve(x):
        return gf.tanh(mlp(x) * 2.0 + 1.0) * 0.5

    graph = serve.get_concrete_function().graph
    prog = optimise(specialise(graph, graph.outputs, [], graph.inputs[:1] + graph.inputs[1:]))
    assert {"FusedMatMul", "FusedElementwise"} <= {op.type for op in prog.operations}
    model = gf.onnx.export(serve, tmp_path / "fused.onnx")
    assert {"Gemm", "Relu", "Tanh", "Softmax"} <= {n.op_type for n in model.graph.node}
    xs = RNG.randn(3, 12).astype(np.float32)
    assert_matches(run_onnx(tmp_path / "fused.onnx", {"x": xs})[0], serve(xs).numpy(), what="fused")


def test_constants_are_folded_before_export(tmp_path):
    @gf.function(input_signature=[gf.TensorSpec([None, 4], gf.float32, name="x")])
    def f(x):
        scale = gf.exp(gf.constant(np.ones((4,), np.float32))) * 3.0
        return x * scale

    model = gf.onnx.export(f, tmp_path / "folded.onnx")
    assert [n.op_type for n in model.graph.node] == ["Mul", "Identity"]
    xs = RNG.randn(2, 4).astype(np.float32)
    assert_matches(run_onnx(tmp_path / "folded.onnx", {"x": xs})[0], f(xs).numpy(), what="folded")


def test_w5_cnn_keras_model_exports_from_its_input_layer(tmp_path):
    keras = gf.keras
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(16, 3, activation="relu", padding="same"),
                              keras.layers.MaxPooling2D(2), keras.layers.Flatten(), keras.layers.Dense(10)])
    exported = gf.onnx.export(model, tmp_path / "cnn.onnx")
    assert {"Conv", "MaxPool", "Gemm"} <= {n.op_type for n in exported.graph.node}
    xs = RNG.rand(4, 8, 8, 1).astype(np.float32)
    name = exported.graph.input[0].name
    assert_matches(run_onnx(tmp_path / "cnn.onnx", {name: xs})[0], model(xs).numpy(), atol=1e-5, what="CNN")


@pytest.mark.parametrize("layer", ["LSTM", "GRU", "SimpleRNN"])
def test_rnn_keras_models_export_through_their_graph(tmp_path, layer):
    keras = gf.keras
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((5, 4)), getattr(keras.layers, layer)(8), keras.layers.Dense(3)])
    exported = gf.onnx.export(model, tmp_path / "rnn.onnx")
    xs = RNG.randn(2, 5, 4).astype(np.float32)
    name = exported.graph.input[0].name
    assert_matches(run_onnx(tmp_path / "rnn.onnx", {name: xs})[0], model(xs).numpy(), what=layer)


def test_keras_model_without_input_layer_takes_a_signature(tmp_path):
    keras = gf.keras
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(4, activation="tanh")])
    with pytest.raises(ValueError, match="input_signature"):
        gf.onnx.export(model, tmp_path / "m.onnx")
    gf.onnx.export(model, tmp_path / "m.onnx", input_signature=[gf.TensorSpec([None, 3], gf.float32, name="x")])
    xs = RNG.randn(2, 3).astype(np.float32)
    assert_matches(run_onnx(tmp_path / "m.onnx", {"x": xs})[0], model(xs).numpy(), what="Dense")


def test_cond_becomes_an_onnx_if_and_takes_both_branches(tmp_path):
    w = gf.Variable(np.float32(3.0), name="w")

    @gf.function(input_signature=[gf.TensorSpec([None], gf.float32, name="x")])
    def f(x):
        return gf.cond(gf.reduce_sum(x) > 0, lambda: x * w, lambda: gf.square(x) - 1.0)

    model = gf.onnx.export(f, tmp_path / "cond.onnx")
    assert "If" in {n.op_type for n in model.graph.node}
    for xs in (np.array([1.0, 2.0], np.float32), np.array([-1.0, -2.0, 0.5], np.float32)):
        assert_matches(run_onnx(tmp_path / "cond.onnx", {"x": xs})[0], f(xs).numpy(), what="cond")


def test_while_loop_becomes_an_onnx_loop(tmp_path):
    @gf.function(input_signature=[gf.TensorSpec([3], gf.float32, name="x"), gf.TensorSpec([], gf.int32, name="n")])
    def f(x, n):
        _, out = gf.while_loop(lambda i, v: i < n, lambda i, v: (i + 1, v * 0.5 + 1.0), (0, x))
        return out

    model = gf.onnx.export(f, tmp_path / "loop.onnx")
    assert "Loop" in {n.op_type for n in model.graph.node}
    xs = np.array([1.0, 4.0, -2.0], np.float32)
    for n in (0, 3):
        got = run_onnx(tmp_path / "loop.onnx", {"x": xs, "n": np.array(n, np.int32)})[0]
        assert_matches(got, f(xs, np.int32(n)).numpy(), what=f"loop n={n}")


def test_op_without_onnx_form_names_the_op_and_the_users_line(tmp_path):
    @gf.function(input_signature=[gf.TensorSpec([2], gf.float32)])
    def noisy(x):
        return x + gf.random.uniform([2])

    line = inspect.getsourcelines(noisy.python_function)[1] + 2      # decorator, def, return
    with pytest.raises(ExportError, match="RandomUniform") as info:
        gf.onnx.export(noisy, tmp_path / "noisy.onnx")
    assert f"test_programs.py:{line}" in str(info.value)
    assert not (tmp_path / "noisy.onnx").exists()


def test_export_returns_the_model_without_a_path():
    f = gf.function(lambda x: gf.nn.relu(x), input_signature=[gf.TensorSpec([None], gf.float32, name="x")])
    model = gf.onnx.export(f)
    assert isinstance(model, onnx.ModelProto)
    assert model.opset_import[0].version == gf.onnx.DEFAULT_OPSET


def test_opset_below_18_is_refused():
    f = gf.function(lambda x: x + 1.0, input_signature=[gf.TensorSpec([None], gf.float32)])
    with pytest.raises(ValueError, match="opset"):
        gf.onnx.export(f, opset=13)


def test_placeholder_with_default_exports_its_default_or_becomes_an_input(tmp_path):
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder_with_default(np.array([1.0, 2.0], np.float32), [None], name="x")
        y = x * 3.0
    with gf.compat.v1.Session(graph=graph) as sess:
        gf.onnx.export(sess, tmp_path / "default.onnx", inputs=[], outputs=[y])
        gf.onnx.export(sess, tmp_path / "fed.onnx", inputs=[x], outputs=[y])
    assert_matches(run_onnx(tmp_path / "default.onnx", {})[0], np.array([3.0, 6.0], np.float32), what="default")
    xs = np.array([5.0], np.float32)
    assert_matches(run_onnx(tmp_path / "fed.onnx", {"x": xs})[0], xs * 3.0, what="fed")
