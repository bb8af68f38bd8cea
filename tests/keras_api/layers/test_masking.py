"""Keras masks: Embedding(mask_zero=True) and Masking mark padding, and RNNs, pooling, attention
and losses leave it out, matching real Keras 3 (tests/data/keras_breadth/masks.*)."""
import json
import os

import mask_programs
import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
L = keras.layers
DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data", "keras_breadth")
with open(os.path.join(DATA, "masks.json")) as f:
    META = json.load(f)
ARRAYS = dict(np.load(os.path.join(DATA, "masks.npz")))


def _program(program):
    model, x, y = program(keras)
    assert [list(w.shape) for w in model.weights] == META[program.__name__]["weight_shapes"]
    mask_programs.set_weights(model)
    return model, x, y


@pytest.mark.parametrize("program", mask_programs.PROGRAMS, ids=[p.__name__ for p in mask_programs.PROGRAMS])
def test_masked_program_predicts_evaluates_and_trains_as_keras(program):
    model, x, y = _program(program)
    name = program.__name__
    np.testing.assert_allclose(model(x).numpy(), ARRAYS[f"{name}/predict"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(model.predict(x, verbose=0), ARRAYS[f"{name}/predict"], rtol=1e-4, atol=1e-5)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(META[name]["loss"], rel=1e-4)
    model.fit(x, y, epochs=1, batch_size=len(x), shuffle=False, verbose=0)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, ARRAYS[f"{name}/trained_{i}"], rtol=1e-3, atol=1e-5)


def test_embedding_mask_zero_attaches_a_mask_and_without_it_none():
    ids = np.array([[1, 2, 0]])
    masked = L.Embedding(3, 2, mask_zero=True)(ids)
    np.testing.assert_array_equal(keras_mask(masked), [[True, True, False]])
    assert keras_mask(L.Embedding(3, 2)(ids)) is None


def keras_mask(t):
    from graphflow.keras_api.masking import get_mask
    m = get_mask(t)
    return None if m is None else m.numpy()


def test_lstm_over_padded_ids_equals_lstm_over_the_unpadded_sequence():
    emb, lstm = L.Embedding(5, 3, mask_zero=True), L.LSTM(4)
    padded = lstm(emb(np.array([[2, 4, 1, 0, 0]]))).numpy()
    trimmed = lstm(emb(np.array([[2, 4, 1]]))).numpy()
    np.testing.assert_allclose(padded, trimmed, rtol=1e-6)


def test_masking_layer_masks_all_zero_steps_and_the_pooling_skips_them():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 4.0]]], "float32")
    masked = L.Masking()(x)
    np.testing.assert_array_equal(keras_mask(masked), [[True, False, True]])
    np.testing.assert_allclose(L.GlobalAveragePooling1D()(masked).numpy(), [[2.0, 3.0]])


def test_mask_flows_through_dense_and_dropout_but_stops_at_a_pooling():
    x = L.Embedding(4, 2, mask_zero=True)(np.array([[1, 0]]))
    y = L.Dropout(0.5)(L.Dense(3)(x))
    np.testing.assert_array_equal(keras_mask(y), [[True, False]])
    assert keras_mask(L.GlobalAveragePooling1D()(y)) is None


def test_loss_averages_over_the_unmasked_steps_only():
    y_pred = L.Embedding(3, 1, mask_zero=True, embeddings_initializer="ones")(np.array([[1, 2, 0, 0]]))
    y_true = np.zeros((1, 4, 1), "float32")
    # two kept steps with squared error 1 each: mean 1 (not 0.5 over all four)
    assert float(keras.losses.MeanSquaredError()(y_true, y_pred)) == pytest.approx(1.0)


def test_merge_layers_combine_masks_with_or():
    a = L.Embedding(3, 2, mask_zero=True)(np.array([[1, 0, 0]]))
    b = L.Embedding(3, 2, mask_zero=True)(np.array([[0, 2, 0]]))
    np.testing.assert_array_equal(keras_mask(L.Add()([a, b])), [[True, True, False]])
    np.testing.assert_array_equal(keras_mask(L.Concatenate()([a, b])), [[True, True, False]])
