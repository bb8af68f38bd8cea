"""Each loss against a hand computation (the same figures tf.keras 3.15 gives)."""
import math

import numpy as np
import pytest

import graphflow as gf

losses = gf.keras.losses
F = np.float32


def value(t):
    return float(np.asarray(t))


def log_softmax(z):
    z = np.asarray(z, np.float64)
    return z - z.max(-1, keepdims=True) - np.log(np.exp(z - z.max(-1, keepdims=True)).sum(-1, keepdims=True))


def test_sparse_categorical_crossentropy_from_logits_is_the_mean_negative_log_softmax():
    logits = np.array([[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]], F)
    expected = -(log_softmax(logits)[0, 2] + log_softmax(logits)[1, 0]) / 2
    got = losses.SparseCategoricalCrossentropy(from_logits=True)(np.array([2, 0]), logits)
    assert value(got) == pytest.approx(expected, rel=1e-6)
    assert value(got) == pytest.approx(0.47952529788017273, rel=1e-6)


def test_sparse_labels_may_have_a_trailing_unit_dimension():
    logits = np.array([[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]], F)
    got = losses.SparseCategoricalCrossentropy(from_logits=True)(np.array([[2], [0]]), logits)
    assert value(got) == pytest.approx(0.47952529788017273, rel=1e-6)


def test_probabilities_are_clipped_to_epsilon():
    got = losses.SparseCategoricalCrossentropy()(np.array([0, 1]), np.array([[0.0, 1.0], [0.3, 0.7]], F))
    expected = (-math.log(1e-7) - math.log(0.7)) / 2
    assert value(got) == pytest.approx(expected, rel=1e-5)
    assert value(got) == pytest.approx(8.237384796142578, rel=1e-5)


def test_categorical_crossentropy_normalises_the_predictions():
    got = losses.CategoricalCrossentropy()(np.array([[0, 1, 0]], F), np.array([[1.0, 2.0, 1.0]], F))
    assert value(got) == pytest.approx(math.log(2), rel=1e-6)


def test_categorical_crossentropy_label_smoothing():
    logits = np.array([[1.0, 2.0, 0.5]], F)
    smoothed = np.array([0, 1, 0]) * 0.9 + 0.1 / 3
    expected = -(smoothed * log_softmax(logits)[0]).sum()
    got = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)(np.array([[0, 1, 0]], F), logits)
    assert value(got) == pytest.approx(expected, rel=1e-6)
    assert value(got) == pytest.approx(0.5477021336555481, rel=1e-6)


def test_binary_crossentropy_on_probabilities_and_logits():
    y = np.array([[0.0, 1.0]], F)
    assert value(losses.BinaryCrossentropy()(y, np.array([[0.4, 0.6]], F))) == pytest.approx(-math.log(0.6), rel=1e-6)
    clipped = losses.BinaryCrossentropy()(y, np.array([[1.0, 0.6]], F))
    assert value(clipped) == pytest.approx(8.226605415344238, rel=1e-5)
    logits = np.array([[-1.0, 2.0]], F)
    expected = (math.log1p(math.exp(-1.0)) + math.log1p(math.exp(-2.0))) / 2
    assert value(losses.BinaryCrossentropy(from_logits=True)(y, logits)) == pytest.approx(expected, rel=1e-6)


def test_softmax_outputs_are_traced_back_to_their_logits():
    logits = gf.constant(np.array([[30.0, 0.0]], F))
    probs = gf.keras.activations.softmax(logits)
    got = losses.SparseCategoricalCrossentropy()(np.array([1]), probs)
    assert value(got) == pytest.approx(30.0, rel=1e-6)     # not clipped at -log(1e-7) = 16.1


def test_mean_squared_and_absolute_error_average_the_last_axis_then_the_batch():
    y, p = np.array([[0.0, 1.0], [0.0, 0.0]], F), np.array([[1.0, 1.0], [2.0, 0.0]], F)
    assert value(losses.MeanSquaredError()(y, p)) == pytest.approx((0.5 + 2.0) / 2)
    assert value(losses.MeanAbsoluteError()(y, p)) == pytest.approx((0.5 + 1.0) / 2)
    assert value(losses.mse(y, p)[1]) == pytest.approx(2.0)


def test_huber_is_quadratic_inside_delta_and_linear_outside():
    got = losses.Huber()(np.array([[0.0, 0.0]], F), np.array([[0.5, 2.0]], F))
    assert value(got) == pytest.approx((0.5 * 0.25 + (2.0 - 0.5)) / 2)


def test_reductions_and_sample_weights():
    y, p = np.array([[0.0, 1.0], [0.0, 0.0]], F), np.array([[1.0, 1.0], [2.0, 0.0]], F)
    assert value(losses.MeanSquaredError()(y, p, sample_weight=np.array([1.0, 0.5]))) == pytest.approx(0.75)
    assert value(losses.MeanAbsoluteError(reduction="sum")(y, p)) == pytest.approx(1.5)
    np.testing.assert_allclose(np.asarray(losses.MeanSquaredError(reduction=None)(y, p)), [0.5, 2.0])


def test_losses_by_name_and_config_round_trip():
    assert losses.get("mse") is losses.mean_squared_error
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, name="xent")
    clone = losses.deserialize(losses.serialize(loss))
    assert clone.get_config() == loss.get_config()
    assert clone.get_config()["from_logits"] is True


def test_an_unknown_reduction_is_refused():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")
