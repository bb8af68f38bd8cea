"""The v1 optimizers eagerly (loss as a callable) and inside gf.function give the weights
TensorFlow recorded for the same training in a TF1 graph (tests/compat/v1_programs.py)."""
from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf
import graphflow.compat.v1 as tf

from .recorded import assert_matches, recorded
from .v1_programs import OPTIMIZERS, _arrays


def _problem():
    w0, b0 = _arrays(4, (3, 2), (2,))
    rng = np.random.RandomState(5)
    return w0, b0, rng.randn(5, 3).astype(np.float32), rng.randn(5, 2).astype(np.float32)


def _train(kind, wrap):
    w0, b0, x, t = _problem()
    w, b = gf.Variable(w0, name="w"), gf.Variable(b0, name="b")
    opt = OPTIMIZERS[kind](tf)
    losses = []

    def step():
        loss = lambda: gf.reduce_mean(gf.square(gf.matmul(x, w) + b - t))  # noqa: E731
        value = loss()
        opt.minimize(loss, var_list=[w, b])
        return value

    step = wrap(step)
    for _ in range(5):
        losses.append(float(step()))
    return losses, w.numpy(), b.numpy()


@pytest.mark.parametrize("kind", sorted(OPTIMIZERS))
@pytest.mark.parametrize("mode", ["eager", "function"])
def test_optimizer_matches_tensorflow_outside_graphs(kind, mode):
    losses, w, b = _train(kind, (lambda f: f) if mode == "eager" else gf.function)
    want = recorded(f"optimizer_{kind}")
    assert_matches(want["losses"], losses, f"{kind}:losses")
    assert_matches(want["w"], w, f"{kind}:w")
    assert_matches(want["b"], b, f"{kind}:b")


def test_decay_schedule_is_a_callable_when_eager():
    step = gf.Variable(0, dtype=gf.int64)
    lr = tf.train.exponential_decay(0.1, step, 3, 0.5, staircase=True)
    assert callable(lr)
    values = []
    for _ in range(7):
        values.append(float(lr()))
        step.assign_add(1)
    want = recorded("decay_schedules")["exponential_staircase"][:7]
    np.testing.assert_allclose(values, want, rtol=1e-6)


def test_exponential_moving_average_eagerly():
    w = gf.Variable([1.0, 2.0])
    ema = tf.train.ExponentialMovingAverage(0.5)
    ema.apply([w])
    w.assign([3.0, 4.0])
    ema.apply([w])
    np.testing.assert_allclose(ema.average(w).numpy(), [2.0, 3.0])
