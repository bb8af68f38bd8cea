"""Each metric against a hand computation (the same figures tf.keras 3.15 gives), and the
update_state / result / reset_state cycle."""
import numpy as np
import pytest

import graphflow as gf

metrics = gf.keras.metrics


def result(metric):
    return float(np.asarray(metric.result()))


def test_mean_averages_samples_after_averaging_each_sample():
    m = metrics.Mean()
    m.update_state([[1.0, 2.0], [3.0, 4.0]])
    assert result(m) == pytest.approx(2.5)


def test_mean_with_sample_weights():
    m = metrics.Mean()
    m.update_state([1.0, 2.0, 3.0], sample_weight=[1.0, 0.0, 2.0])
    assert result(m) == pytest.approx(7 / 3)


def test_state_accumulates_until_reset():
    m = metrics.Mean()
    m.update_state([1.0, 3.0])
    m.update_state([5.0])
    assert result(m) == pytest.approx(3.0)
    m.reset_state()
    assert result(m) == 0.0
    m.update_state([4.0])
    assert result(m) == 4.0


def test_calling_a_metric_updates_it_and_returns_the_result():
    m = metrics.Mean()
    assert float(m([2.0])) == 2.0
    assert float(m([4.0])) == 3.0


def test_accuracy_compares_values():
    m = metrics.Accuracy()
    m.update_state([1, 2, 3, 4], [0, 2, 3, 4])
    assert result(m) == 0.75


def test_sparse_categorical_accuracy_takes_the_argmax():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state([1, 0, 1], [[0.1, 0.9], [0.8, 0.2], [0.6, 0.4]])
    assert result(m) == pytest.approx(2 / 3)
    m.update_state(np.array([[1]]), np.array([[0.3, 0.7]]))
    assert result(m) == pytest.approx(3 / 4)


def test_categorical_accuracy_compares_argmaxes():
    m = metrics.CategoricalAccuracy()
    m.update_state([[0, 1], [1, 0]], [[0.3, 0.7], [0.2, 0.8]])
    assert result(m) == 0.5


def test_binary_accuracy_thresholds_at_one_half():
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [0], [1]], [[0.7], [0.6], [0.2]])
    assert result(m) == pytest.approx(1 / 3)
    t = metrics.BinaryAccuracy(threshold=0.65)
    t.update_state([[1], [0], [1]], [[0.7], [0.6], [0.2]])
    assert result(t) == pytest.approx(2 / 3)


def test_mean_squared_error_metric():
    m = metrics.MeanSquaredError()
    m.update_state([[0, 1], [1, 1]], [[1, 1], [0, 0]])
    assert result(m) == pytest.approx(0.75)


def test_auc_of_a_small_ranking():
    m = metrics.AUC()
    m.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    assert result(m) == pytest.approx(0.75, abs=1e-6)


def test_metric_config_round_trip():
    m = metrics.BinaryAccuracy(name="bin", threshold=0.3)
    clone = metrics.deserialize(metrics.serialize(m))
    assert clone.name == "bin" and clone.get_config() == m.get_config()


def test_metric_state_lives_in_variables():
    m = metrics.Mean()
    assert [v.name for v in m.variables] == ["mean/total:0", "mean/count:0"]
