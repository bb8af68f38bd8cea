"""compile_plan as Session.run uses it: same results as the reference interpreter, side effects in
program order, feeds and fetches handled like TF1, errors that name the op, tiered compilation."""
import os
import threading

import numpy as np
import pytest

import graphflow as gf
from graphflow.compiler import compile_plan
from graphflow.errors import InvalidArgumentError

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("GRAPHFLOW_CACHE_DIR", os.path.join(REPO, ".cache", "graphflow"))
v1 = gf.compat.v1


@pytest.fixture(autouse=True)
def compile_at_once(monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_JIT_AFTER", "1")
    monkeypatch.setenv("GRAPHFLOW_STRICT", "1")


def both(graph, fetches, feed_dict=None):
    """Run in a compiled and in an interpreted Session; return both results."""
    compiled = v1.Session(graph=graph).run(fetches, feed_dict)
    interpreted = v1.Session(graph=graph, optimize=False).run(fetches, feed_dict)
    return compiled, interpreted


def test_the_add_chain_compiles_to_one_kernel_and_gives_the_exact_sum():
    g = gf.Graph()
    with g.as_default():
        p = v1.placeholder(gf.float32, [])
        y = p
        for _ in range(100):
            y = y + 1.0
    sess = v1.Session(graph=g)
    assert sess.run(y, {p: 1.0}) == np.float32(101.0)
    plan = next(iter(sess._plans.values()))
    ops = [op.type for op in plan.executable().program.operations]
    assert ops.count("FusedElementwise") == 1 and "Add" not in ops


def test_adds_are_never_reassociated():
    # (x + 1e-8) + 1e-8 == x in float32, while x + 2e-8 is not: folding must keep both adds
    g = gf.Graph()
    with g.as_default():
        p = v1.placeholder(gf.float32, [])
        y = (p + 1e-8) + 1e-8
    got, want = both(g, y, {p: 1.0})
    assert got == want == np.float32(1.0)


def test_variables_assigns_and_reads_keep_program_order():
    g = gf.Graph()
    with g.as_default():
        v = gf.Variable(1.0)
        a = v.assign_add(2.0)
        with gf.control_dependencies([a]):
            r = v.read_value() * 10.0
        init = v1.global_variables_initializer()
    sess = v1.Session(graph=g)
    sess.run(init)
    assert sess.run(r) == 30.0
    assert sess.run(r) == 50.0
    assert sess.run(v) == 5.0


def test_an_assigned_value_is_not_a_reused_buffer():
    g = gf.Graph()
    with g.as_default():
        v = gf.Variable(np.zeros(4, np.float32))
        x = v1.placeholder(gf.float32, [4])
        step = v.assign(gf.tanh(x) * 2.0 + 1.0)
        init = v1.global_variables_initializer()
    sess = v1.Session(graph=g)
    sess.run(init)
    sess.run(step, {x: np.ones(4, np.float32)})
    kept = sess.run(v).copy()
    sess.run(step, {x: -np.ones(4, np.float32)})
    sess.run(step, {x: np.zeros(4, np.float32)})
    np.testing.assert_allclose(kept, np.tanh(1.0) * 2 + 1, rtol=1e-6)
    np.testing.assert_allclose(sess.run(v), np.ones(4), rtol=1e-6)


def test_results_of_one_call_survive_the_next_call():
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [8])
        h = gf.tanh(x) * 3.0
        y = gf.reduce_sum(h * h) + gf.sigmoid(h)
    sess = v1.Session(graph=g)
    first = sess.run(y, {x: np.ones(8, np.float32)})
    keep = first.copy()
    sess.run(y, {x: np.full(8, 5.0, np.float32)})
    np.testing.assert_array_equal(first, keep)


def test_random_ops_advance_their_stream_once_per_run_like_the_interpreter():
    def draws(optimize):
        gf.random.set_seed(7)
        g = gf.Graph()
        with g.as_default():
            r = gf.random.normal([3], seed=1)
            y = r * 2.0 + r
        sess = v1.Session(graph=g, optimize=optimize)
        return [sess.run(y) for _ in range(3)]
    for got, want in zip(draws(True), draws(False)):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_fetch_structures_fed_tensors_constants_and_ops():
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [2])
        c = gf.constant([1.0, 2.0])
        y = x * c
        noop = gf.no_op()
    sess = v1.Session(graph=g)
    out = sess.run({"y": y, "pair": (x, c), "again": [y, y], "op": noop}, {x: np.ones(2, np.float32)})
    np.testing.assert_array_equal(out["y"], [1.0, 2.0])
    np.testing.assert_array_equal(out["pair"][0], [1.0, 1.0])
    assert out["op"] is None and out["again"][0] is out["again"][1]
    out["pair"][1][0] = 99.0                 # the caller's copy: the graph's constant is untouched
    np.testing.assert_array_equal(sess.run(c), [1.0, 2.0])


def test_feeding_an_intermediate_tensor_cuts_the_graph():
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [3])
        h = gf.exp(x)
        y = h * 2.0
    got, want = both(g, y, {h: np.array([1.0, 2.0, 3.0], np.float32)})
    np.testing.assert_array_equal(got, [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(got, want)


def test_each_feed_shape_gets_its_own_compiled_program():
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [None, 3])
        y = gf.reduce_mean(gf.nn.relu(x) * 2.0, axis=0)
    sess = v1.Session(graph=g)
    for n in (1, 4, 7):
        xv = np.arange(n * 3, dtype=np.float32).reshape(n, 3) - 5
        np.testing.assert_allclose(sess.run(y, {x: xv}), np.mean(np.maximum(xv, 0) * 2, axis=0), rtol=1e-6)
    plan = next(iter(sess._plans.values()))
    assert len(plan._execs) == 3


def test_a_missing_feed_is_reported_before_anything_runs():
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [2], name="images")
        y = x + 1.0
    with pytest.raises(InvalidArgumentError, match="You must feed a value for placeholder tensor 'images'"):
        v1.Session(graph=g).run(y)


def test_a_failing_op_names_itself_and_its_line():
    g = gf.Graph()
    with g.as_default():
        params = gf.constant([1.0, 2.0, 3.0])
        idx = v1.placeholder(gf.int32, [2])
        y = gf.gather(params, idx) * 2.0
    sess = v1.Session(graph=g)
    with pytest.raises(InvalidArgumentError, match=r"GatherV2.*test_compiler.py"):
        sess.run(y, {idx: np.array([0, 5], np.int32)})


def test_a_shape_error_hidden_by_unknown_dims_is_raised_at_run_time():
    g = gf.Graph()
    with g.as_default():
        a = v1.placeholder(gf.float32, [None])
        b = v1.placeholder(gf.float32, [None])
        y = a + b
    with pytest.raises((InvalidArgumentError, ValueError)):
        v1.Session(graph=g).run(y, {a: np.ones(2, np.float32), b: np.ones(3, np.float32)})


def test_tiering_interprets_first_and_compiles_on_the_second_call(monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_JIT_AFTER", "2")
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [4])
        y = gf.tanh(x) + 1.0
    plan = compile_plan(g, [y], [], [x])
    xv = np.ones(4, np.float32)
    first = plan([xv])
    assert plan._execs == {}
    second = plan([xv])
    assert len(plan._execs) == 1
    np.testing.assert_allclose(first[0], second[0], rtol=1e-6)


def test_passes_can_be_switched_off_per_plan():
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [4])
        y = gf.exp(x) * 2.0
    plan = compile_plan(g, [y], [], [x], {"fusion": False, "jit_after": 1})
    np.testing.assert_allclose(plan([np.zeros(4, np.float32)])[0], 2.0)
    assert [op.type for op in plan.executable().program.operations].count("FusedElementwise") == 0


def test_concurrent_calls_give_correct_results():
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [256])
        h = gf.tanh(x) * 2.0
        y = gf.reduce_sum(h * h, keepdims=True) + h
    sess = v1.Session(graph=g)
    xs = [np.full(256, i / 10, np.float32) for i in range(8)]
    want = [sess.run(y, {x: v}) for v in xs]
    errors = []

    def worker(i):
        for _ in range(50):
            got = sess.run(y, {x: xs[i]})
            if not np.allclose(got, want[i], rtol=1e-5):
                errors.append(i)
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_matmul_bias_relu_becomes_one_fused_matmul():
    rng = np.random.default_rng(0)
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [8, 5])
        w = gf.constant(rng.standard_normal((5, 3)).astype(np.float32))
        b = gf.constant(rng.standard_normal(3).astype(np.float32))
        y = gf.nn.relu(gf.matmul(x, w) + b)
    xv = rng.standard_normal((8, 5)).astype(np.float32)
    got, want = both(g, y, {x: xv})
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    plan = next(iter(v1.Session(graph=g)._plans.values()), None)
    sess = v1.Session(graph=g)
    sess.run(y, {x: xv})
    plan = next(iter(sess._plans.values()))
    assert [op.type for op in plan.executable().program.operations if op.type not in ("Placeholder", "Const")] \
        == ["FusedMatMul"]


def test_softmax_cross_entropy_runs_hand_written_kernels():
    rng = np.random.default_rng(1)
    g = gf.Graph()
    with g.as_default():
        logits = v1.placeholder(gf.float32, [6, 10])
        labels = v1.placeholder(gf.int32, [6])
        loss = gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        probs = gf.nn.softmax(logits)
        logp = gf.nn.log_softmax(logits)
    feed = {logits: rng.standard_normal((6, 10)).astype(np.float32), labels: rng.integers(0, 10, 6).astype(np.int32)}
    got, want = both(g, [loss, probs, logp], feed)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-6)
    bad = dict(feed)
    bad[labels] = np.array([0, 1, 2, 3, 4, 12], np.int32)
    with pytest.raises(InvalidArgumentError, match="label values must be in"):
        v1.Session(graph=g).run(loss, bad)
