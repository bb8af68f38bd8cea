"""TF1 optimizers: update rules against hand-computed numpy, slots, global step, graph and eager."""
from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf

train = gf.compat.v1.train
X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -2.0]])
W0 = np.array([[0.5], [-0.25]])


def loss_and_grad(w):
    """loss = mean((X w)^2) and its gradient, in numpy."""
    r = X @ w
    return np.mean(r * r), 2 * X.T @ r / len(X)


def sgd_reference(w, lr, steps):
    for _ in range(steps):
        w = w - lr * loss_and_grad(w)[1]
    return w


def momentum_reference(w, lr, mu, steps, nesterov=False):
    accum = np.zeros_like(w)
    for _ in range(steps):
        g = loss_and_grad(w)[1]
        accum = accum * mu + g
        w = w - (lr * g + lr * mu * accum if nesterov else lr * accum)
    return w


def adam_reference(w, steps, lr=0.001, b1=0.9, b2=0.999, eps=1e-8):
    """TF1's Adam: the bias correction is folded into the step size."""
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):
        g = loss_and_grad(w)[1]
        lr_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        w = w - lr_t * m / (np.sqrt(v) + eps)
    return w


def train_graph(make_optimizer, steps, optimize=False):
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float64, [None, 2])
        w = gf.Variable(W0, name="w")
        loss = gf.reduce_mean(gf.square(gf.matmul(x, w)))
        step = make_optimizer().minimize(loss)
        init = gf.compat.v1.global_variables_initializer()
    with gf.compat.v1.Session(graph=graph, optimize=optimize) as sess:
        sess.run(init)
        for _ in range(steps):
            assert sess.run(step, {x: X}) is None
        return sess.run(w)


def train_eager(make_optimizer, steps):
    w = gf.Variable(W0)
    x = gf.constant(X)
    opt = make_optimizer()
    for _ in range(steps):
        opt.minimize(lambda: gf.reduce_mean(gf.square(gf.matmul(x, w))), var_list=[w])
    return w.numpy()


CASES = {
    "sgd": (lambda: train.GradientDescentOptimizer(0.1), lambda: sgd_reference(W0, 0.1, 4)),
    "momentum": (lambda: train.MomentumOptimizer(0.1, 0.9), lambda: momentum_reference(W0, 0.1, 0.9, 4)),
    "nesterov": (lambda: train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
                 lambda: momentum_reference(W0, 0.1, 0.9, 4, nesterov=True)),
    "adam": (lambda: train.AdamOptimizer(), lambda: adam_reference(W0, 4)),
    "adam_lr": (lambda: train.AdamOptimizer(0.05, beta1=0.8, beta2=0.99, epsilon=1e-6),
                lambda: adam_reference(W0, 4, 0.05, 0.8, 0.99, 1e-6)),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("optimize", [False, True], ids=["reference", "pipeline"])
def test_graph_updates_match_hand_computed(name, optimize):
    make, reference = CASES[name]
    np.testing.assert_allclose(train_graph(make, 4, optimize), reference(), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_eager_updates_match_hand_computed(name):
    make, reference = CASES[name]
    np.testing.assert_allclose(train_eager(make, 4), reference(), rtol=1e-12)


def test_adam_defaults_are_tf1s():
    opt = train.AdamOptimizer()
    assert (opt._learning_rate, opt._beta1, opt._beta2, opt._epsilon) == (0.001, 0.9, 0.999, 1e-8)
    assert opt.get_name() == "Adam"


def test_slots_are_created_once_and_named_like_tf1():
    graph = gf.Graph()
    with graph.as_default():
        w = gf.Variable(W0, name="w")
        loss = gf.reduce_sum(w * w)
        opt = train.AdamOptimizer()
        opt.minimize(loss)
        opt.minimize(loss)
        names = [v.name for v in gf.compat.v1.global_variables()]
    assert names == ["w:0", "beta1_power:0", "beta2_power:0", "w/Adam:0", "w/Adam_1:0"]
    assert opt.get_slot(w, "m").name == "w/Adam:0"
    assert opt.get_slot_names() == ["m", "v"]
    assert not any(v.trainable for v in opt.variables())


def test_global_step_counts_applied_updates():
    graph = gf.Graph()
    with graph.as_default():
        w = gf.Variable(1.0)
        step = train.get_or_create_global_step()
        assert train.get_or_create_global_step() is step
        op = train.GradientDescentOptimizer(0.5).minimize(w * w, global_step=step)
        init = gf.compat.v1.global_variables_initializer()
    assert step.dtype == gf.int64 and not step.trainable
    with gf.compat.v1.Session(graph=graph, optimize=False) as sess:
        sess.run(init)
        for _ in range(3):
            sess.run(op)
        assert sess.run(step) == 3
        assert sess.run(w) == 0.0


def test_minimize_returns_an_operation_for_session_run():
    graph = gf.Graph()
    with graph.as_default():
        w = gf.Variable(1.0)
        op = train.MomentumOptimizer(0.1, 0.9).minimize(w * w)
    assert isinstance(op, gf.Operation)


def test_compute_gradients_pairs_every_variable():
    graph = gf.Graph()
    with graph.as_default():
        used, unused = gf.Variable(2.0), gf.Variable(3.0)
        pairs = train.GradientDescentOptimizer(0.1).compute_gradients(used * used)
    assert [v for _, v in pairs] == [used, unused]
    assert pairs[1][0] is None


def test_apply_gradients_without_any_gradient_is_an_error():
    graph = gf.Graph()
    with graph.as_default():
        w = gf.Variable(1.0)
        with pytest.raises(ValueError, match="No gradients provided"):
            train.GradientDescentOptimizer(0.1).apply_gradients([(None, w)])


def test_eager_minimize_needs_a_callable_loss():
    w = gf.Variable(1.0)
    with pytest.raises(RuntimeError, match="should be a function"):
        train.GradientDescentOptimizer(0.1).minimize(w * w)


def test_eager_minimize_without_var_list_updates_the_watched_variables():
    w = gf.Variable(2.0)
    train.GradientDescentOptimizer(0.25).minimize(lambda: w * w)
    assert w.numpy() == 1.0


def test_learning_rate_may_be_a_placeholder():
    graph = gf.Graph()
    with graph.as_default():
        lr = gf.compat.v1.placeholder(gf.float32, [])
        w = gf.Variable(1.0)
        op = train.GradientDescentOptimizer(lr).minimize(w * w)
        init = gf.compat.v1.global_variables_initializer()
    with gf.compat.v1.Session(graph=graph, optimize=False) as sess:
        sess.run(init)
        sess.run(op, {lr: 0.25})
        assert sess.run(w) == 0.5


# ---- a hand-written MLP trained in both execution models ----------------------------------------------

SIZES, BATCH, STEPS, LR = (6, 16, 16, 3), 32, 50, 0.1


def mlp_data():
    rng = np.random.RandomState(0)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        params += [(rng.randn(fan_in, fan_out) * np.sqrt(2.0 / fan_in)).astype(np.float32),
                   np.zeros(fan_out, np.float32)]
    x = rng.randn(BATCH, SIZES[0]).astype(np.float32)
    y = rng.randint(0, SIZES[-1], BATCH).astype(np.int32)
    return params, x, y


def mlp_loss(params, x, y):
    w1, b1, w2, b2, w3, b3 = params
    h = gf.nn.relu(gf.matmul(x, w1) + b1)
    h = gf.nn.relu(gf.matmul(h, w2) + b2)
    logits = gf.matmul(h, w3) + b3
    return gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))


def test_mlp_trained_eagerly_and_in_a_tf1_graph_reaches_the_same_weights():
    params, x_np, y_np = mlp_data()
    eager_vars = [gf.Variable(p) for p in params]
    x, y = gf.constant(x_np), gf.constant(y_np)
    for _ in range(STEPS):
        with gf.GradientTape() as tape:
            loss = mlp_loss(eager_vars, x, y)
        for v, g in zip(eager_vars, tape.gradient(loss, eager_vars)):
            v.assign_sub(g * LR)
    eager_loss = float(mlp_loss(eager_vars, x, y))

    graph = gf.Graph()
    with graph.as_default():
        xp = gf.compat.v1.placeholder(gf.float32, [None, SIZES[0]])
        yp = gf.compat.v1.placeholder(gf.int32, [None])
        graph_vars = [gf.Variable(p) for p in params]
        loss_t = mlp_loss(graph_vars, xp, yp)
        op = train.GradientDescentOptimizer(LR).minimize(loss_t)
        init = gf.compat.v1.global_variables_initializer()
    with gf.compat.v1.Session(graph=graph, optimize=False) as sess:
        sess.run(init)
        for _ in range(STEPS):
            sess.run(op, {xp: x_np, yp: y_np})
        graph_weights = sess.run(graph_vars)
        graph_loss = sess.run(loss_t, {xp: x_np, yp: y_np})
    for e, g in zip(eager_vars, graph_weights):
        np.testing.assert_allclose(e.numpy(), g, rtol=1e-5, atol=1e-6)
    assert abs(eager_loss - graph_loss) < 1e-5
    assert eager_loss < float(mlp_loss([gf.constant(p) for p in params], x, y))   # it learned
