"""Initializers: Keras's formulas and defaults, and their seeding."""
import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
init = keras.initializers


def sample(initializer, shape):
    return np.asarray(initializer(shape))


def test_glorot_uniform_stays_within_its_limit_with_the_uniform_variance():
    values = sample(init.GlorotUniform(seed=1), (300, 200))
    limit = np.sqrt(6 / 500)
    assert np.abs(values).max() <= limit
    assert values.var() == pytest.approx(limit ** 2 / 3, rel=0.02)


def test_he_normal_is_a_truncated_normal_with_variance_two_over_fan_in():
    values = sample(init.HeNormal(seed=1), (3, 3, 40, 50))
    assert values.std() == pytest.approx(np.sqrt(2 / (9 * 40)), rel=0.02)
    assert np.abs(values).max() <= 2 * np.sqrt(2 / 360) / 0.87962566103423978 + 1e-6


def test_constant_initializers_and_random_normal_defaults():
    np.testing.assert_array_equal(sample(init.Zeros(), (2, 2)), 0)
    np.testing.assert_array_equal(sample(init.Ones(), (3,)), 1)
    values = sample(init.RandomNormal(seed=3), (10000,))
    assert values.std() == pytest.approx(0.05, rel=0.05) and abs(values.mean()) < 0.005


def test_a_seeded_initializer_repeats_its_values():
    a = init.GlorotUniform(seed=7)
    np.testing.assert_array_equal(sample(a, (4, 4)), sample(a, (4, 4)))
    np.testing.assert_array_equal(sample(a, (4, 4)), sample(init.GlorotUniform(seed=7), (4, 4)))


def test_set_random_seed_makes_unseeded_models_reproducible():
    def weights():
        keras.utils.set_random_seed(42)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
        return model.get_weights()
    for a, b in zip(weights(), weights()):
        np.testing.assert_array_equal(a, b)


def test_initializers_by_name_and_config():
    assert isinstance(init.get("glorot_uniform"), init.GlorotUniform)
    assert isinstance(init.get("he_normal"), init.HeNormal)
    clone = init.deserialize(init.serialize(init.RandomNormal(stddev=0.3, seed=2)))
    assert clone.get_config() == {"mean": 0.0, "stddev": 0.3, "seed": 2}
    with pytest.raises(ValueError, match="Unknown initializer"):
        init.get("no_such_thing")


def test_variance_scaling_takes_keras_3_15_fan_axes_from_a_config():
    init = gf.keras.initializers.GlorotUniform.from_config({"seed": 1, "input_axes": [0], "output_axes": [1, 2]})
    values = np.asarray(init((4, 2, 3), dtype="float64"))
    limit = np.sqrt(6.0 / (4 + 6))           # fans 4 and 2 * 3, not the conv rule's 2 * 4 and 3 * 4
    assert np.abs(values).max() <= limit and np.abs(values).max() > 0.8 * limit
    assert init.get_config() == {"seed": 1, "input_axes": [0], "output_axes": [1, 2]}
