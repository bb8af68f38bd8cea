"""Weight updates run as one in-place GEMM on the variable's array when nobody else can see it
(kernels/sgd.py), and the softmax cross-entropy's backprop runs a compiled kernel."""
import numpy as np
import pytest

import graphflow as gf
from graphflow.kernels import sgd

v1 = gf.compat.v1
N = 256          # 256x256 weights: at the in-place threshold (sgd.MIN_ELEMENTS)


@pytest.fixture(autouse=True)
def compile_at_once(monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_JIT_AFTER", "1")


def _model(optimize=True, fetch_weight=False):
    rng = np.random.RandomState(0)
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [32, N])
        y = v1.placeholder(gf.int32, [32])
        w = gf.Variable((rng.standard_normal((N, N)) * 0.05).astype(np.float32))
        w2 = gf.Variable((rng.standard_normal((N, 10)) * 0.05).astype(np.float32))
        logits = gf.matmul(gf.nn.relu(gf.matmul(x, w)), w2)
        loss = gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        train = v1.train.GradientDescentOptimizer(0.1).minimize(loss)
        init = v1.global_variables_initializer()
    sess = v1.Session(graph=g, optimize=optimize)
    sess.run(init)
    feed = {x: rng.standard_normal((32, N)).astype(np.float32), y: rng.randint(0, 10, 32).astype(np.int32)}
    fetches = [loss, train, w] if fetch_weight else [loss, train]
    return sess, w, feed, fetches


def _updates_in_place(sess) -> bool:
    """Whether a compiled plan of `sess` calls the in-place update."""
    return any(v is sgd.run_update for p in sess._plans.values() if hasattr(p, "executable")
               for v in p.executable().run.__globals__.values())


def test_a_private_weight_is_updated_in_place_and_matches_the_interpreter():
    sess, w, feed, fetches = _model()
    ref, ref_w, ref_feed, ref_fetches = _model(optimize=False)
    state = w._state
    for _ in range(3):
        sess.run(fetches, feed)
        ref.run(ref_fetches, ref_feed)
    before = state.value.__array_interface__["data"][0]     # an address: holding the array would
                                                             # (rightly) stop the in-place update
    sess.run(fetches, feed)
    ref.run(ref_fetches, ref_feed)
    assert _updates_in_place(sess) or sgd.gemm_for(np.float32) is None
    if sgd.gemm_for(np.float32) is not None:
        assert state.value.__array_interface__["data"][0] == before   # the same memory, updated in place
    np.testing.assert_allclose(sess.run(w), ref.run(ref_w), rtol=1e-5, atol=1e-6)


def test_an_array_the_user_holds_is_never_mutated_by_later_steps():
    sess, w, feed, fetches = _model()
    for _ in range(2):
        sess.run(fetches, feed)
    held = sess.run(w)
    snapshot = held.copy()
    sess.run(fetches, feed)
    np.testing.assert_array_equal(held, snapshot)
    assert not np.array_equal(sess.run(w), snapshot)    # the variable did move


def test_a_weight_fetched_with_the_update_is_not_updated_in_place():
    sess, w, feed, fetches = _model(fetch_weight=True)
    got = [sess.run(fetches, feed)[2] for _ in range(3)]
    snapshots = [g.copy() for g in got]
    sess.run(fetches, feed)
    for g, s in zip(got, snapshots):
        np.testing.assert_array_equal(g, s)
    assert not _updates_in_place(sess)


def test_the_cross_entropy_backprop_is_compiled_and_checks_labels():
    rng = np.random.default_rng(2)
    g = gf.Graph()
    with g.as_default():
        logits = v1.placeholder(gf.float32, [6, 10])
        labels = v1.placeholder(gf.int32, [6])
        xent = gf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        grad = gf.gradients(gf.reduce_sum(xent * gf.constant(np.arange(1, 7, dtype=np.float32))), logits)[0]
    feed = {logits: rng.standard_normal((6, 10)).astype(np.float32), labels: rng.integers(0, 10, 6).astype(np.int32)}
    compiled = v1.Session(graph=g)
    got = compiled.run(grad, feed)
    want = v1.Session(graph=g, optimize=False).run(grad, feed)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    plan = next(iter(compiled._plans.values()))
    steps = {op.type: step for op, step in plan.executable().steps}
    assert steps["SparseSoftmaxCrossEntropyGrad"] is not None       # lowered, not the reference
    bad = dict(feed)
    bad[labels] = np.array([0, 1, 2, 3, 4, -1], np.int32)
    with pytest.raises(gf.errors.InvalidArgumentError, match="label values must be in"):
        compiled.run(grad, bad)
