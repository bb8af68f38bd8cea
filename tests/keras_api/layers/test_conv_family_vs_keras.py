"""The layers of conv_family_cases.py replayed against real Keras 3's recordings
(tools/tfref/record_keras_conv_family.py): outputs, weight names and shapes, configs, the output
inside gf.function and of a symbolic call, and one SGD epoch of a compiled fit (which checks the
gradients against TensorFlow's), plus a Keras-written .keras file.
"""
from __future__ import annotations

import json
import os

import conv_family_cases
import numpy as np
import pytest
from test_layer_harness import as_tensors, call, make_inputs, randomize_weights

import graphflow as gf

keras = gf.keras
L = keras.layers
DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data", "keras_breadth")
with open(os.path.join(DATA, "conv_family.json")) as f:
    META = json.load(f)
ARRAYS = dict(np.load(os.path.join(DATA, "conv_family.npz")))
CASES = conv_family_cases.CASES
IDS = [c.id for c in CASES]


def tolerance(case):
    return {"rtol": 1e-5, "atol": 1e-6} if case.id in conv_family_cases.FLOAT32_MATH else {"rtol": 1e-6, "atol": 1e-8}


def built_layer(case):
    layer = case.make(L)
    x = make_inputs(case)
    call(case, layer, as_tensors(x))
    randomize_weights(layer)
    return layer, x


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_output_and_weights_match_keras(case):
    layer, x = built_layer(case)
    meta = META[case.id]
    assert type(layer).__name__ == meta["class_name"]
    assert [list(w.shape) for w in layer.weights] == meta["weight_shapes"]
    assert [w.name.split("/")[-1].split(":")[0] for w in layer.weights] == meta["weight_names"]
    out = call(case, layer, as_tensors(x))
    np.testing.assert_allclose(out.numpy(), ARRAYS[f"{case.id}/output"], **tolerance(case))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_matches_keras_and_round_trips(case):
    layer, x = built_layer(case)
    config = layer.get_config()
    keras_config = META[case.id]["config"]
    assert set(config) - {"dtype"} <= set(keras_config)
    # graphflow's convolutions take but do not yet apply activity regularizers and constraints
    assert all(k == "activity_regularizer" or k.endswith("_constraint") for k in set(keras_config) - set(config))
    for key, value in keras_config.items():
        if key in config and key != "name" and not isinstance(value, dict):
            assert config[key] == value, key
    clone = type(layer).from_config({**keras_config, "dtype": "float64"})
    call(case, clone, as_tensors(x))
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(call(case, clone, as_tensors(x)).numpy(), call(case, layer, as_tensors(x)).numpy())


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gf_function_and_symbolic_call_agree_with_eager(case):
    layer, x = built_layer(case)
    eager = call(case, layer, as_tensors(x)).numpy()
    traced = gf.function(lambda t: call(case, layer, t))(as_tensors(x))
    np.testing.assert_allclose(traced.numpy(), eager, rtol=1e-9, atol=1e-12)
    symbolic = call(case, case.make(L), keras.Input(case.input_shape, dtype="float64"))
    assert symbolic.shape == (None,) + eager.shape[1:]


FIT_CASES = [c for c in CASES if c.id in conv_family_cases.FIT_CASES]


@pytest.mark.parametrize("case", FIT_CASES, ids=[c.id for c in FIT_CASES])
def test_one_fit_epoch_matches_keras(case):
    model = conv_family_cases.fit_model(keras, case)
    xs, ys = conv_family_cases.fit_data(case)
    history = model.fit(xs, ys, batch_size=2, epochs=1, shuffle=False, verbose=0)
    tol = tolerance(case) if case.id in conv_family_cases.FLOAT32_MATH else {"rtol": 1e-8, "atol": 1e-10}
    np.testing.assert_allclose(history.history["loss"][0], META[case.id]["fit_loss"], **tol)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, ARRAYS[f"{case.id}/fit_weight_{i}"], **tol)
    np.testing.assert_allclose(model.predict(xs, verbose=0), ARRAYS[f"{case.id}/fit_prediction"], **tol)


def test_keras_written_model_file_loads_and_predicts_as_keras(tmp_path):
    case_id = conv_family_cases.KERAS_FILE_CASE
    case = next(c for c in CASES if c.id == case_id)
    model = keras.models.load_model(os.path.join(DATA, "conv_family_model.keras"))
    xs, _ = conv_family_cases.fit_data(case)
    expected = ARRAYS[f"{case_id}/fit_prediction"]
    np.testing.assert_allclose(model.predict(xs, verbose=0), expected, rtol=1e-8)
    model.save(tmp_path / "again.keras")
    np.testing.assert_allclose(keras.models.load_model(tmp_path / "again.keras").predict(xs, verbose=0),
                               expected, rtol=1e-8)
    model.save_weights(tmp_path / "w.weights.h5")
    fresh = conv_family_cases.fit_model(keras, case)
    fresh.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_allclose(fresh.predict(xs, verbose=0), expected, rtol=1e-8)


def test_transposed_convolution_refuses_an_output_padding_tensorflow_cannot_invert():
    layer = L.Conv3DTranspose(2, 2, padding="same", output_padding=0)     # output 2 per axis, not 3
    with pytest.raises(ValueError, match="output_padding"):
        layer(np.zeros((1, 3, 3, 3, 1)))
    with pytest.raises(ValueError, match="less than its stride"):
        L.Conv1DTranspose(2, 2, strides=2, output_padding=2)


def np_transposed_conv_valid(x, kernel, dilation):
    """Each input cell scatters kernel tap t to output offset t * dilation (stride 1, 'valid');
    kernel (*taps, filters, in_channels), as Keras lays it out."""
    taps = kernel.shape[:-2]
    spatial = x.shape[1:-1]
    out = np.zeros((len(x),) + tuple(s + (k - 1) * dilation for s, k in zip(spatial, taps)) + (kernel.shape[-2],))
    for cell in np.ndindex(*spatial):
        for tap in np.ndindex(*taps):
            at = tuple(c + t * dilation for c, t in zip(cell, tap))
            out[(slice(None),) + at] += x[(slice(None),) + cell] @ kernel[tap].T
    return out


@pytest.mark.parametrize("make,shape", [(lambda: L.Conv1DTranspose(2, 3, dilation_rate=2, use_bias=False), (5, 3)),
                                        (lambda: L.Conv3DTranspose(2, 2, dilation_rate=2, use_bias=False),
                                         (3, 2, 3, 1))], ids=["1d", "3d"])
def test_dilated_transposed_convolution_scatters_each_tap_dilation_apart(make, shape):
    # TensorFlow's CPU kernels refuse these, so the reference is numpy (torch agrees)
    layer = make()
    x = np.random.default_rng(0).standard_normal((2,) + shape)
    out = layer(gf.constant(x)).numpy()
    np.testing.assert_allclose(out, np_transposed_conv_valid(x, layer.get_weights()[0], 2), rtol=1e-5, atol=1e-6)
