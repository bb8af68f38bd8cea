"""Layers and models check their inputs' rank and fixed dims (Keras's input_spec): a model built
for (None, 4) raises ValueError on a rank-1 input instead of returning a wrong-shaped result."""
import re

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras


def _here(pattern):
    """`pattern` followed by the user's line: this test file."""
    return re.escape(pattern) + r".*test_input_spec\.py:\d+"


def _sequential():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])


def _functional():
    inputs = keras.Input((4,))
    return keras.Model(inputs, keras.layers.Dense(2)(inputs))


@pytest.mark.parametrize("make", [_sequential, _functional], ids=["sequential", "functional"])
def test_model_rejects_a_rank_1_input_when_called(make):
    model = make()
    with pytest.raises(ValueError, match=_here("Expected shape (None, 4), but input has incompatible shape (4,)")):
        model(np.ones(4, np.float32))


@pytest.mark.parametrize("make", [_sequential, _functional], ids=["sequential", "functional"])
def test_model_rejects_a_rank_1_input_in_predict(make):
    model = make()
    with pytest.raises(ValueError, match=_here("Expected shape (None, 4), but input has incompatible shape (4,)")):
        model.predict(np.ones(4, np.float32), verbose=0)


def test_functional_model_rejects_a_wrong_feature_size():
    with pytest.raises(ValueError, match=_here("expected shape=(None, 4), found shape=(2, 5)")):
        _functional()(np.ones((2, 5), np.float32))


def test_sequential_model_names_the_dense_layer_for_a_wrong_feature_size():
    with pytest.raises(ValueError, match=_here("of layer 'dense' is incompatible with the layer: expected axis -1 "
                                               "of input shape to have value 4, but received input with shape (2, 5)")):
        _sequential()(np.ones((2, 5), np.float32))


def test_built_dense_rejects_a_rank_1_input():
    dense = keras.layers.Dense(2)
    dense(np.ones((1, 4), np.float32))
    with pytest.raises(ValueError, match=_here("expected min_ndim=2, found ndim=1. Full shape received: (4,)")):
        dense(np.ones(4, np.float32))


def test_built_conv2d_rejects_a_wrong_channel_count():
    conv = keras.layers.Conv2D(2, 3)
    conv(np.ones((1, 5, 5, 1), np.float32))
    with pytest.raises(ValueError, match=_here("expected axis -1 of input shape to have value 1")):
        conv(np.ones((1, 5, 5, 3), np.float32))


def test_model_with_a_trailing_unit_axis_accepts_the_squeezed_input():
    inputs = keras.Input((4, 1))
    model = keras.Model(inputs, keras.layers.Flatten()(inputs))
    assert model(np.ones((2, 4), np.float32)).shape == (2, 4)


def test_well_shaped_inputs_still_run_in_every_entry_point():
    model = _sequential()
    x = np.ones((3, 4), np.float32)
    assert model(x).shape == (3, 2)
    assert model.predict(x, verbose=0).shape == (3, 2)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.ones((3, 2), np.float32), epochs=1, verbose=0)


def test_a_layer_checks_a_new_input_shape_after_serving_another():
    layer = keras.layers.Dense(3)
    layer(np.ones((1, 4), np.float32))
    layer(np.ones((2, 4), np.float32))          # a remembered verdict is per shape
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 4"):
        layer(np.ones((1, 5), np.float32))
