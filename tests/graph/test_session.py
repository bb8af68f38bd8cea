"""TF1 define-and-run end to end: Session.run with nested fetches, feeds by tensor or name, pruning,
control dependencies, and the same user function giving identical numbers eagerly and as a graph."""
import collections

import numpy as np
import pytest

import graphflow as gf
from graphflow import errors

v1 = gf.compat.v1
Pair = collections.namedtuple("Pair", "total doubled")


@pytest.fixture
def net():
    """x -> doubled = 2x, total = sum(doubled), with an init op and a variable counter."""
    graph = gf.Graph()
    with graph.as_default():
        x = v1.placeholder(gf.float32, [None], name="x")
        doubled = gf.multiply(x, 2.0, name="doubled")
        total = gf.reduce_sum(doubled, name="total")
    return graph, x, doubled, total


@pytest.fixture(params=[False, True], ids=["reference", "default"])
def session_kwargs(request):
    return {"optimize": request.param}


def test_run_returns_numpy_values_and_scalars(net, session_kwargs):
    graph, x, doubled, total = net
    with v1.Session(graph=graph, **session_kwargs) as sess:
        d, t = sess.run([doubled, total], {x: [1.0, 2.0, 3.0]})
    np.testing.assert_array_equal(d, [2.0, 4.0, 6.0])
    assert isinstance(d, np.ndarray) and d.dtype == np.float32
    assert t == 12.0 and np.ndim(t) == 0 and t.dtype == np.float32


def test_nested_fetches_keep_their_structure(net, session_kwargs):
    graph, x, doubled, total = net
    with graph.as_default():
        noop = gf.no_op()
    with v1.Session(graph=graph, **session_kwargs) as sess:
        out = sess.run({"list": [total, (doubled, total)], "pair": Pair(total, doubled), "op": noop,
                        "by_name": "total:0"}, feed_dict={x: [1.0, 1.0]})
    assert set(out) == {"list", "pair", "op", "by_name"}
    assert isinstance(out["list"], list) and isinstance(out["list"][1], tuple)
    assert out["list"][0] == 4.0 and out["by_name"] == 4.0
    np.testing.assert_array_equal(out["list"][1][0], [2.0, 2.0])
    assert isinstance(out["pair"], Pair) and out["pair"].total == 4.0
    assert out["op"] is None


def test_fetching_an_op_runs_it_and_returns_none(net):
    graph, x, doubled, total = net
    with graph.as_default():
        v = gf.Variable(0.0)
        bump = v.assign_add(1.0).op
    with v1.Session(graph=graph) as sess:
        sess.run(v.initializer)
        assert sess.run(bump) is None and sess.run(bump) is None
        assert sess.run(v) == 2.0


def test_feeds_can_be_keyed_by_tensor_or_by_name(net, session_kwargs):
    graph, x, doubled, total = net
    with v1.Session(graph=graph, **session_kwargs) as sess:
        assert sess.run(total, {x: [1.0, 2.0]}) == sess.run(total, {"x:0": [1.0, 2.0]}) == 6.0


def test_any_tensor_can_be_fed_and_cuts_the_graph_there(net, session_kwargs):
    graph, x, doubled, total = net
    with v1.Session(graph=graph, **session_kwargs) as sess:
        # x is not needed when its consumer is fed
        assert sess.run(total, {doubled: [10.0, 20.0]}) == 30.0


def test_feed_values_are_converted_to_the_placeholder_dtype(net):
    graph, x, doubled, total = net
    with v1.Session(graph=graph) as sess:
        out = sess.run(doubled, {x: np.array([1, 2], np.int64)})
    assert out.dtype == np.float32


def test_ops_not_needed_by_the_fetches_are_not_run(session_kwargs):
    graph = gf.Graph()
    with graph.as_default():
        x = v1.placeholder(gf.float32, [2])
        unrelated = gf.debugging.check_numerics(gf.math.log(x), "would fail on negatives")
        wanted = x * 3.0
        other_input = v1.placeholder(gf.float32, [2])   # unfed and unneeded: fine
        counter = gf.Variable(0.0)
        side_effect = counter.assign_add(1.0)
    with v1.Session(graph=graph, **session_kwargs) as sess:
        sess.run(counter.initializer)
        np.testing.assert_array_equal(sess.run(wanted, {x: [-1.0, 2.0]}), [-3.0, 6.0])
        with pytest.raises(errors.InvalidArgumentError):
            sess.run(unrelated, {x: [-1.0, 2.0]})
        assert sess.run(counter) == 0.0          # side_effect was never fetched
    assert other_input is not None and side_effect is not None


def test_control_dependencies_run_before_the_dependent_op(session_kwargs):
    graph = gf.Graph()
    with graph.as_default():
        v = gf.Variable(1.0)
        update = v.assign(10.0)
        with gf.control_dependencies([update]):
            read_after = gf.identity(v.read_value())
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph, **session_kwargs) as sess:
        sess.run(init)
        assert sess.run(read_after) == 10.0


def test_group_runs_all_its_inputs():
    graph = gf.Graph()
    with graph.as_default():
        a, b = gf.Variable(0.0), gf.Variable(0.0)
        both = gf.group(a.assign(1.0), b.assign(2.0))
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        assert sess.run(both) is None
        assert sess.run([a, b]) == [1.0, 2.0]


def test_random_ops_draw_new_values_on_every_run_and_repeat_after_reseeding():
    def draws():
        graph = gf.Graph()
        with graph.as_default():
            gf.random.set_seed(7)
            r = gf.random.uniform([3])
        with v1.Session(graph=graph) as sess:
            return sess.run(r), sess.run(r)
    (a1, a2), (b1, b2) = draws(), draws()
    assert not np.array_equal(a1, a2)
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)


def test_the_session_is_the_default_inside_its_block(net):
    graph, x, doubled, total = net
    with v1.Session(graph=graph) as sess:
        assert v1.get_default_session() is sess
        assert total.eval({x: [1.0]}) == 2.0
        assert v1.get_default_graph() is graph
    assert v1.get_default_session() is None


def test_repeated_runs_reuse_the_plan(net):
    graph, x, doubled, total = net
    with v1.Session(graph=graph) as sess:
        for i in range(3):
            assert sess.run(total, {x: [float(i)]}) == 2.0 * i
        assert len(sess._plans) == 1


def test_shape_and_size_are_dynamic_in_graphs(session_kwargs):
    graph = gf.Graph()
    with graph.as_default():
        x = v1.placeholder(gf.float32, [None, 2])
        s, n = gf.shape(x), gf.size(x)
    with v1.Session(graph=graph, **session_kwargs) as sess:
        shape, size = sess.run([s, n], {x: np.zeros((4, 2))})
    np.testing.assert_array_equal(shape, [4, 2])
    assert size == 8


# ---- the same user code, eagerly and as a TF1 graph -------------------------------------------------------

def model(x, w, b):
    """A small network touching many op families."""
    h = gf.nn.relu(gf.matmul(x, w) + b)
    logits = gf.concat([h, h[:, ::-1]], axis=1)
    probs = gf.nn.softmax(logits)
    stats = gf.nn.moments(logits, axes=[0])
    loss = gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=gf.argmax(probs, axis=1, output_type=gf.int32), logits=logits))
    return {"probs": probs, "mean": stats[0], "var": stats[1], "loss": loss,
            "clipped": gf.clip_by_value(logits, -0.5, 0.5), "where": gf.where(logits > 0, logits, -logits)}


def model_inputs_and_eager_outputs():
    """Seeded inputs x, w, b for `model`, and its eager outputs as numpy arrays."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    w = rng.standard_normal((4, 3)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    eager = {k: v.numpy() for k, v in model(gf.constant(x), gf.constant(w), gf.constant(b)).items()}
    return x, w, b, eager


def test_the_same_function_gives_identical_numbers_eagerly_and_as_a_graph():
    x, w, b, eager = model_inputs_and_eager_outputs()
    v1.disable_eager_execution()
    xp = v1.placeholder(gf.float32, [None, 4])
    wv = gf.Variable(w)
    out = model(xp, wv, gf.constant(b))
    with v1.Session(optimize=False) as sess:
        sess.run(v1.global_variables_initializer())
        graph = sess.run(out, {xp: x})
    assert graph.keys() == eager.keys()
    for k in eager:   # the reference interpreter runs the eager kernels: bit-identical
        np.testing.assert_array_equal(graph[k], eager[k], err_msg=k)


def test_the_compiled_graph_agrees_with_eager_to_float32_rounding():
    """Compiled kernels use vectorised exp/tanh within 2.5 ulp (docs/fastmath.md), so the
    compiled graph matches eager to float32 rounding rather than bit for bit."""
    x, w, b, eager = model_inputs_and_eager_outputs()
    v1.disable_eager_execution()
    xp = v1.placeholder(gf.float32, [None, 4])
    out = model(xp, gf.Variable(w), gf.constant(b))
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        for _ in range(3):    # the first run is interpreted; later runs use the compiled plan
            graph = sess.run(out, {xp: x})
    for k in eager:
        np.testing.assert_allclose(graph[k], eager[k], rtol=2e-6, atol=1e-7, err_msg=k)
