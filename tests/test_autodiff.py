"""gf.gradients in TF1 graphs, and the backprop core shared with GradientTape."""
from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf
from graphflow.ops.registry import get


def run(graph, fetches, feed=None, optimize=False):
    with gf.compat.v1.Session(graph=graph, optimize=optimize) as sess:
        sess.run(gf.compat.v1.variables_initializer(graph.get_collection("variables")))
        return sess.run(fetches, feed)


def test_gradients_is_graph_only():
    with pytest.raises(RuntimeError, match="GradientTape"):
        gf.gradients(gf.constant(1.0), gf.constant(1.0))


def test_compat_v1_gradients_is_the_same_function():
    graph = gf.Graph()
    with graph.as_default():
        x = gf.constant(3.0)
        (g,) = gf.compat.v1.gradients(x * x, [x])
    assert run(graph, g) == 6.0


@pytest.mark.parametrize("optimize", [False, True], ids=["reference", "pipeline"])
def test_graph_gradients_match_the_tape_on_a_small_network(optimize):
    rng = np.random.RandomState(0)
    w1, w2, xs = rng.randn(3, 4), rng.randn(4, 2), rng.randn(5, 3)
    labels = np.array([0, 1, 1, 0, 1], np.int32)

    def loss(x, a, b):
        h = gf.nn.relu(gf.matmul(x, a))
        return gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=gf.matmul(h, b)))

    va, vb = gf.Variable(w1), gf.Variable(w2)
    with gf.GradientTape() as tape:
        eager = tape.gradient(loss(gf.constant(xs), va, vb), [va, vb])
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float64, [None, 3])
        a, b = gf.Variable(w1), gf.Variable(w2)
        grads = gf.gradients(loss(x, a, b), [a, b])
    got = run(graph, grads, {x: xs}, optimize)
    for g, e in zip(got, eager):
        np.testing.assert_allclose(g, e.numpy(), rtol=1e-10)


def test_gradient_of_a_variable_sums_over_all_its_reads():
    graph = gf.Graph()
    with graph.as_default():
        v = gf.Variable(3.0)
        y = v * v + v.read_value() * 2.0
        (g,) = gf.gradients(y, v)
    assert run(graph, g) == 8.0


def test_grad_ys_weight_each_target():
    graph = gf.Graph()
    with graph.as_default():
        x = gf.constant([1.0, 2.0])
        y1, y2 = x * x, x * 3.0
        (g,) = gf.gradients([y1, y2], x, grad_ys=[gf.constant([1.0, 10.0]), None])
    np.testing.assert_allclose(run(graph, g), [2.0 + 3.0, 40.0 + 3.0])


def test_unconnected_and_integer_sources():
    graph = gf.Graph()
    with graph.as_default():
        x, z = gf.constant(2.0), gf.constant([1.0, 2.0])
        i = gf.constant(3)
        y = x * x + gf.cast(i, gf.float32)
        assert gf.gradients(y, [z, i]) == [None, None]
        (zero,) = gf.gradients(y, z, unconnected_gradients="zero")
    np.testing.assert_array_equal(run(graph, zero), [0.0, 0.0])


def test_stop_gradients_treats_tensors_as_constants():
    graph = gf.Graph()
    with graph.as_default():
        x = gf.constant(2.0)
        h = x * x
        y = h * x
        (full,) = gf.gradients(y, x)
        (stopped,) = gf.gradients(y, x, stop_gradients=[h])
    assert run(graph, [full, stopped]) == [12.0, 4.0]


def test_unknown_batch_dimension():
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [None, 3])
        b = gf.Variable(np.zeros(3, np.float32))
        w = gf.Variable(np.ones((3, 2), np.float32))
        y = gf.reduce_mean(gf.square(gf.matmul(x + b, w)))
        gb, gw = gf.gradients(y, [b, w])
    feed = np.arange(12, dtype=np.float32).reshape(4, 3)
    got_b, got_w = run(graph, [gb, gw], {x: feed})
    s = feed.sum(1)
    np.testing.assert_allclose(got_b, np.full(3, (4 * s).sum() / 8), rtol=1e-6)
    np.testing.assert_allclose(got_w, np.repeat((feed * s[:, None]).sum(0)[:, None] * 2 / 8, 2, 1), rtol=1e-6)


def test_backward_ops_live_in_the_gradients_scope():
    graph = gf.Graph()
    with graph.as_default():
        y = gf.sin(gf.constant(1.0))
        before = len(graph.operations)
        gf.gradients(y, y.op.inputs[0])
    assert all(op.name.startswith("gradients") for op in graph.operations[before:])


def test_shared_subexpression_is_differentiated_once():
    """Partial gradients meet at a tensor before its producer is differentiated."""
    graph = gf.Graph()
    with graph.as_default():
        x = gf.constant([0.5, 1.0])
        h = gf.tanh(x)
        ys = [h * 2.0, h * 3.0, gf.exp(h)]
        before = len(graph.operations)
        (g,) = gf.gradients(ys, x)
    tanh_grads = [op for op in graph.operations[before:] if op.type == "Square"]
    assert len(tanh_grads) == 1
    t = np.tanh([0.5, 1.0])
    np.testing.assert_allclose(run(graph, g), (5.0 + np.exp(t)) * (1 - t * t), rtol=1e-6)


def test_second_derivative_in_a_graph():
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float64, [])
        y = gf.sin(x) * x
        (dy,) = gf.gradients(y, x)
        (d2y,) = gf.gradients(dy, x)
    got = run(graph, d2y, {x: 0.7})
    np.testing.assert_allclose(got, 2 * np.cos(0.7) - 0.7 * np.sin(0.7), rtol=1e-12)


def test_an_op_without_a_gradient_is_a_lookup_error(monkeypatch):
    monkeypatch.setattr(get("Softplus"), "grad", None)
    x = gf.constant(1.0)
    with gf.GradientTape() as tape:
        tape.watch(x)
        y = gf.math.softplus(x)
    with pytest.raises(LookupError, match="Softplus"):
        tape.gradient(y, x)
