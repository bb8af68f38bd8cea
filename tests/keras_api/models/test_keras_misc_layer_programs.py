"""Whole programs through the regularization, Dot, AdditiveAttention and normalization layers,
replayed against real Keras 3 (recorded by tools/tfref/record_keras_misc_layers.py from the
models of tools/tfref/misc_layer_models.py into tests/data/keras_misc/)."""
import importlib.util
import json
import pathlib

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
ROOT = pathlib.Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "keras_misc"


def _spec():
    path = ROOT / "tools" / "tfref" / "misc_layer_models.py"
    spec = importlib.util.spec_from_file_location("misc_layer_models", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SPEC = _spec()
META = json.loads((DATA / "programs.json").read_text())
RECORDED = dict(np.load(DATA / "programs.npz"))


def _model(noise=True):
    model = SPEC.build(keras, noise=noise)
    model.set_weights(SPEC.fixed_weights(model))
    return model


def test_model_has_keras_weight_names_shapes_and_layer_classes():
    model = _model()
    assert [[w.name.split(":")[0], list(w.shape)] for w in model.weights] == META["weights"]
    assert [type(layer).__name__ for layer in model.layers] == META["class_names"]


def test_layer_configs_have_keras_keys():
    model = _model()
    for layer in model.layers[2:]:
        if type(layer).__name__ in ("Flatten", "Dense"):       # not this program's subject
            continue
        assert set(layer.get_config()) >= set(META["configs"][layer.name]), layer.name


def test_predictions_match_keras():
    np.testing.assert_allclose(_model().predict(SPEC.inputs(), verbose=0), RECORDED["model/predictions"],
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("ext", [".keras", ".weights.h5"])
def test_keras_written_files_load_and_predict_as_keras(ext):
    if ext == ".keras":
        model = keras.models.load_model(DATA / "model.keras")
    else:
        model = SPEC.build(keras)
        model.load_weights(DATA / "model.weights.h5")
    np.testing.assert_allclose(model.predict(SPEC.inputs(), verbose=0), RECORDED["model/predictions"],
                               rtol=1e-5, atol=1e-6)


def test_one_sgd_epoch_matches_keras_loss_and_weights():
    model = _model(noise=False)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(SPEC.inputs(), SPEC.targets(), batch_size=2, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], META["fit_loss"], rtol=1e-5)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, RECORDED[f"fit/weight_{i}"], rtol=1e-4, atol=1e-6)


def _attention():
    layer = keras.layers.AdditiveAttention()
    q, v = SPEC.inputs()[0], SPEC.inputs()[1][:, :, :4]
    layer([q, v])
    layer.set_weights([np.array([0.5, -1.0, 1.5, 0.25], "float32")])
    return layer, q, v


def test_additive_attention_masks_and_scores_match_keras():
    layer, q, v = _attention()
    out, scores = layer([q, v], mask=list(SPEC.masks()), return_attention_scores=True)
    np.testing.assert_allclose(out.numpy(), RECORDED["masked/output"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(scores.numpy(), RECORDED["masked/scores"], rtol=1e-5, atol=1e-6)


def test_additive_attention_causal_mask_matches_keras():
    layer, q, v = _attention()
    out = layer([q, v[:, :3]], use_causal_mask=True)
    np.testing.assert_allclose(out.numpy(), RECORDED["causal/output"], rtol=1e-5, atol=1e-6)


def test_additive_attention_dropout_acts_only_while_training():
    layer, q, v = _attention()
    layer.dropout = 0.5
    inference = layer([q, v]).numpy()
    np.testing.assert_array_equal(inference, layer([q, v], training=False).numpy())
    assert not np.allclose(layer([q, v], training=True).numpy(), inference)


def test_saved_and_reloaded_model_predicts_the_same(tmp_path):
    model = _model()
    model.save(tmp_path / "m.keras")
    restored = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(restored.predict(SPEC.inputs(), verbose=0), model.predict(SPEC.inputs(), verbose=0))


def test_keras_written_image_model_loads_and_predicts_as_keras():
    model = keras.models.load_model(DATA / "image.keras")
    assert [type(layer).__name__ for layer in model.layers] == ["RandomBrightness", "Resizing", "CenterCrop", "Flatten",
                                                               "Dense"]
    np.testing.assert_allclose(model.predict(SPEC.image_inputs(), verbose=0), RECORDED["image/predictions"],
                               rtol=1e-5, atol=1e-6)
    rebuilt = SPEC.build_image(keras)
    rebuilt.set_weights(SPEC.fixed_weights(rebuilt))
    np.testing.assert_allclose(rebuilt.predict(SPEC.image_inputs(), verbose=0), RECORDED["image/predictions"],
                               rtol=1e-5, atol=1e-6)
