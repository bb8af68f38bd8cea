"""Optimizers: three updates from the same gradients give the variables tf.keras 3.15 gives,
eagerly and inside gf.function; state (slots, step, learning rate) lives in variables."""
import numpy as np
import pytest

import graphflow as gf

opt = gf.keras.optimizers
GRADS = [np.array([0.1, -0.2], np.float32), np.array([0.3, 0.1], np.float32), np.array([-0.2, 0.4], np.float32)]

# Keras 3.15 (TensorFlow backend) after the three updates from [1.0, -2.0]
CASES = {
    "sgd": (lambda: opt.SGD(0.1), [0.9800000190734863, -2.0299999713897705]),
    "sgd_momentum": (lambda: opt.SGD(0.1, momentum=0.9), [0.9359000325202942, -2.0048000812530518]),
    "sgd_nesterov": (lambda: opt.SGD(0.1, momentum=0.9, nesterov=True), [0.9223099946975708, -2.034320116043091]),
    "adam": (lambda: opt.Adam(0.01), [0.9782437086105347, -1.9919102191925049]),
    "adam_amsgrad": (lambda: opt.Adam(0.01, amsgrad=True), [0.9782437086105347, -1.9919102191925049]),
    "rmsprop": (lambda: opt.RMSprop(0.01), [0.955829918384552, -2.0113072395324707]),
    "rmsprop_centered_momentum": (lambda: opt.RMSprop(0.01, momentum=0.5, centered=True),
                                  [0.9102693200111389, -1.9929090738296509]),
    "adagrad": (lambda: opt.Adagrad(0.1), [0.9435916543006897, -2.0442097187042236]),
    "adam_exponential_decay": (lambda: opt.Adam(opt.schedules.ExponentialDecay(0.01, 2, 0.5)),
                               [0.9822213053703308, -1.990403652191162]),
    "sgd_staircase_decay": (lambda: opt.SGD(opt.schedules.ExponentialDecay(0.1, 2, 0.5, staircase=True)),
                            [0.9700000286102295, -2.009999990463257]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_three_eager_updates_match_keras(name):
    make, expected = CASES[name]
    optimizer = make()
    var = gf.Variable(np.array([1.0, -2.0], np.float32))
    for g in GRADS:
        optimizer.apply_gradients([(gf.constant(g), var)])
    np.testing.assert_allclose(var.numpy(), expected, rtol=1e-6)
    assert int(optimizer.iterations.numpy()) == 3


@pytest.mark.parametrize("name", ["sgd_momentum", "adam", "rmsprop_centered_momentum"])
def test_updates_inside_gf_function_match_eager_ones(name):
    make, expected = CASES[name]
    optimizer = make()
    var = gf.Variable(np.array([1.0, -2.0], np.float32))
    optimizer.build([var])

    @gf.function
    def update(g):
        optimizer.apply_gradients([(g, var)])
    for g in GRADS:
        update(gf.constant(g))
    np.testing.assert_allclose(var.numpy(), expected, rtol=1e-6)
    assert update.experimental_get_tracing_count() == 1


def test_setting_the_learning_rate_does_not_retrace():
    optimizer = opt.SGD(0.1)
    var = gf.Variable(np.array([1.0], np.float32))

    @gf.function
    def update(g):
        optimizer.apply_gradients([(g, var)])
    update(gf.constant([1.0]))
    optimizer.learning_rate = 0.5
    update(gf.constant([1.0]))
    np.testing.assert_allclose(var.numpy(), [1.0 - 0.1 - 0.5])
    assert update.experimental_get_tracing_count() == 1
    assert float(optimizer.learning_rate) == 0.5


def test_none_gradients_are_skipped_and_all_none_is_an_error():
    optimizer = opt.SGD(1.0)
    a, b = gf.Variable([1.0]), gf.Variable([2.0])
    optimizer.apply_gradients([(gf.constant([1.0]), a), (None, b)])
    assert a.numpy()[0] == 0.0 and b.numpy()[0] == 2.0
    with pytest.raises(ValueError, match="No gradients"):
        optimizer.apply_gradients([(None, a)])


def test_slots_are_variables_built_once_per_weight():
    optimizer = opt.Adam()
    var = gf.Variable(np.zeros((2, 3), np.float32))
    optimizer.build([var])
    optimizer.build([var])
    assert len(optimizer.variables) == 4     # iterations, learning rate, m, v
    assert [tuple(v.shape) for v in optimizer.variables[2:]] == [(2, 3), (2, 3)]


def test_clipnorm_rescales_large_gradients():
    optimizer = opt.SGD(1.0, clipnorm=1.0)
    var = gf.Variable(np.zeros(2, np.float32))
    optimizer.apply_gradients([(gf.constant(np.array([3.0, 4.0], np.float32)), var)])
    np.testing.assert_allclose(var.numpy(), [-0.6, -0.8], rtol=1e-6)


def test_optimizers_by_name_with_keras_defaults_and_config_round_trip():
    adam = opt.get("adam")
    assert (float(adam.learning_rate), adam.beta_1, adam.beta_2, adam.epsilon) == \
        (pytest.approx(0.001), 0.9, 0.999, 1e-7)
    assert isinstance(opt.get("sgd"), opt.SGD) and float(opt.get("sgd").learning_rate) == pytest.approx(0.01)
    clone = opt.deserialize(opt.serialize(opt.RMSprop(0.05, rho=0.8)))
    assert clone.rho == 0.8 and float(clone.learning_rate) == pytest.approx(0.05)
    sched = opt.deserialize(opt.serialize(opt.Adam(opt.schedules.ExponentialDecay(0.1, 10, 0.9))))
    assert float(sched.learning_rate) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="Unknown optimizer"):
        opt.get("adamw2")
