"""save / load_model and save_weights / load_weights in Keras's own files (.keras, .weights.h5, .h5)
and checkpoints: atomic, round trips exact, clear errors for another architecture."""
import json
import os
import zipfile

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
L = keras.layers
X = np.random.default_rng(0).standard_normal((10, 4)).astype(np.float32)
Y = np.arange(10) % 3


def trained_mlp():
    model = keras.Sequential([keras.Input((4,)), L.Dense(8, activation="relu"), L.BatchNormalization(), L.Dense(3)])
    model.compile(keras.optimizers.Adam(0.01), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(X, Y, batch_size=5, epochs=2, verbose=0)
    return model


def assert_same_weights(a, b):
    for u, v in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(u, v)


def test_save_and_load_model_restores_architecture_weights_and_predictions(tmp_path):
    model = trained_mlp()
    path = tmp_path / "model.keras"
    model.save(path)
    assert zipfile.is_zipfile(path)
    with zipfile.ZipFile(path) as zf:
        assert set(zf.namelist()) == {"config.json", "metadata.json", "model.weights.h5"}
        assert json.loads(zf.read("config.json"))["class_name"] == "Sequential"
    loaded = keras.models.load_model(path)
    assert [type(x).__name__ for x in loaded.layers] == ["Dense", "BatchNormalization", "Dense"]
    assert_same_weights(model, loaded)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_a_loaded_model_continues_training_from_the_saved_optimizer_state(tmp_path):
    model = trained_mlp()
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert int(loaded.optimizer.iterations.numpy()) == 4
    model.fit(X, Y, batch_size=5, epochs=1, verbose=0, shuffle=False)
    loaded.fit(X, Y, batch_size=5, epochs=1, verbose=0, shuffle=False)
    for u, v in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-6)


def test_functional_model_round_trip(tmp_path):
    a, b = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    shared = L.Dense(3, name="shared")
    out = L.Add()([shared(L.Dense(3)(a)), shared(L.Dense(3)(b))])
    model = keras.Model({"a": a, "b": b}, [out, L.Dense(1)(out)])
    model.save(tmp_path / "f.keras")
    loaded = keras.models.load_model(tmp_path / "f.keras")
    inputs = {"a": X, "b": X[:, :2]}
    for u, v in zip(model.predict(inputs, verbose=0), loaded.predict(inputs, verbose=0)):
        np.testing.assert_array_equal(u, v)


def test_subclassed_model_round_trip_with_custom_objects(tmp_path):
    class Scaled(keras.Model):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = L.Dense(units)

        def call(self, x):
            return self.dense(x) * 2.0
    model = Scaled(units=5)
    model(X)
    model.save(tmp_path / "s.keras")
    loaded = keras.models.load_model(tmp_path / "s.keras", custom_objects={"Scaled": Scaled})
    assert loaded.units == 5
    np.testing.assert_array_equal(loaded(X).numpy(), model(X).numpy())


def test_save_weights_and_load_weights_round_trip(tmp_path):
    model = trained_mlp()
    model.save_weights(tmp_path / "w.weights.h5")
    fresh = keras.Sequential([keras.Input((4,)), L.Dense(8, activation="relu"), L.BatchNormalization(), L.Dense(3)])
    fresh.load_weights(tmp_path / "w.weights.h5")
    assert_same_weights(model, fresh)
    np.testing.assert_array_equal(fresh(X).numpy(), model(X).numpy())


def test_load_weights_from_a_checkpoint_fills_a_lazy_model_when_it_builds(tmp_path):
    model = trained_mlp()
    model.save_weights(tmp_path / "w")
    lazy = keras.Sequential([L.Dense(8, activation="relu"), L.BatchNormalization(), L.Dense(3)])
    lazy.load_weights(tmp_path / "w")       # a checkpoint: restored as the weights are created
    lazy(X)
    assert_same_weights(model, lazy)


def test_loading_into_another_architecture_names_the_layer_and_shapes(tmp_path):
    model = trained_mlp()
    for name in ("w.weights.h5", "w.h5", "w"):
        model.save_weights(tmp_path / name)
        other = keras.Sequential([keras.Input((4,)), L.Dense(16, activation="relu"), L.BatchNormalization(),
                                  L.Dense(3)])
        before = other.get_weights()
        with pytest.raises(ValueError, match=r"dense_\d.*(kernel|bias).*\((4, )?16,?\).*\((4, )?8,?\)"):
            other.load_weights(tmp_path / name)
        assert_same_weights_values(before, other.get_weights())   # nothing was half-loaded


def assert_same_weights_values(a, b):
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)


def test_loading_into_a_model_with_other_layers_lists_both(tmp_path):
    model = trained_mlp()
    model.save_weights(tmp_path / "w.weights.h5")
    other = keras.Sequential([keras.Input((4,)), L.Dense(8), L.BatchNormalization()])
    with pytest.raises(ValueError, match=r"holds weights the model has no place for: \['layers/dense_1'\]"):
        other.load_weights(tmp_path / "w.weights.h5")
    model.save_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match=r"holds weights for 3 layers .* model .* has 2 layers with weights"):
        other.load_weights(tmp_path / "w.h5")


def test_skip_mismatch_loads_the_layers_that_fit(tmp_path):
    model = trained_mlp()
    model.save_weights(tmp_path / "w.weights.h5")
    other = keras.Sequential([keras.Input((4,)), L.Dense(8, activation="relu"), L.BatchNormalization(), L.Dense(2)])
    with pytest.warns(UserWarning, match="Skipping"):
        other.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[0].kernel.numpy(), model.layers[0].kernel.numpy())


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path, monkeypatch):
    model = trained_mlp()
    path = tmp_path / "m.keras"
    model.save(path)
    original = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")
    from graphflow.keras_api.models import keras_weights
    monkeypatch.setattr(keras_weights, "write_keras3", broken)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["m.keras"]


def test_load_weights_from_a_missing_or_foreign_file(tmp_path):
    model = trained_mlp()
    with pytest.raises(FileNotFoundError):
        model.load_weights(tmp_path / "nothing")
    (tmp_path / "text").write_text("hello")
    with pytest.raises(ValueError, match="not a Keras weights file"):
        model.load_weights(tmp_path / "text")


def test_model_config_json_round_trip():
    model = trained_mlp()
    clone = keras.models.model_from_json(model.to_json())
    assert [x.get_config() for x in clone.layers] == [x.get_config() for x in model.layers]
