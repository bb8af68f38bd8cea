"""The losses against real Keras 3 (tests/data/keras_breadth/losses.*, from
tools/tfref/record_keras_losses.py): values with every reduction and with sample weights, the
function forms, gradients, configs, and the same value from compile/evaluate."""
import json
import os

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
DATA = os.path.join(os.path.dirname(__file__), "..", "data", "keras_breadth")
with open(os.path.join(DATA, "losses.json")) as f:
    CASES = json.load(f)["cases"]
A = dict(np.load(os.path.join(DATA, "losses.npz")))
IDS = [c["id"] for c in CASES]


def arrays(case, *names):
    return [A[f"{case['id']}/{n}"] for n in names]


def make(case, **extra):
    return getattr(keras.losses, case["class"])(**case["kwargs"], **extra)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_loss_value_matches_keras_eagerly_and_in_gf_function(case):
    y_true, y_pred, expected = arrays(case, "y_true", "y_pred", "value")
    loss = make(case)
    np.testing.assert_allclose(float(loss(y_true, y_pred)), expected, rtol=1e-5, atol=1e-6)
    traced = gf.function(lambda t, p: loss(t, p))
    np.testing.assert_allclose(float(traced(gf.constant(y_true), gf.constant(y_pred))), expected, rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_loss_reductions_and_sample_weights_match_keras(case):
    y_true, y_pred, sw, weighted, summed, none = arrays(case, "y_true", "y_pred", "sample_weight", "weighted", "sum",
                                                        "none")
    np.testing.assert_allclose(float(make(case)(y_true, y_pred, sample_weight=sw)), weighted, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(float(make(case, reduction="sum")(y_true, y_pred, sample_weight=sw)), summed,
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(make(case, reduction=None)(y_true, y_pred).numpy(), none, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", [c for c in CASES if c["function"]], ids=[c["id"] for c in CASES if c["function"]])
def test_loss_function_form_gives_keras_per_sample_values(case):
    y_true, y_pred, expected = arrays(case, "y_true", "y_pred", "function")
    out = getattr(keras.losses, case["function"])(y_true, y_pred)
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-5, atol=1e-6)
    assert keras.losses.get(case["function"]) is getattr(keras.losses, case["function"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_loss_gradient_matches_keras(case):
    y_true, y_pred, expected = arrays(case, "y_true", "y_pred", "grad")
    pred = gf.Variable(y_pred)
    with gf.GradientTape() as tape:
        value = make(case)(y_true, pred)
    np.testing.assert_allclose(np.asarray(tape.gradient(value, pred)), expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_loss_config_is_keras_and_round_trips(case):
    loss = make(case)
    config = loss.get_config()
    # Keras's keys with Keras's values; Huber and CosineSimilarity also keep delta/axis, which Keras drops
    assert {k: config[k] for k in case["config"]} == case["config"]
    clone = type(loss).from_config(config)
    y_true, y_pred = arrays(case, "y_true", "y_pred")
    assert float(clone(y_true, y_pred)) == float(loss(y_true, y_pred))
    assert type(keras.losses.deserialize(keras.losses.serialize(loss))) is type(loss)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_compiled_model_evaluates_the_keras_loss(case):
    y_true, y_pred, expected = arrays(case, "y_true", "y_pred", "value")
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Activation("linear")(inputs))
    model.compile(loss=make(case))
    assert model.evaluate(y_pred, y_true, batch_size=3, verbose=0) == pytest.approx(float(expected), rel=1e-5,
                                                                                     abs=1e-6)
