"""Keras files move between graphflow and real Keras 3 in both directions.

tests/data/keras_files/*.{keras,h5,weights.h5} were written by real Keras 3
(tools/tfref/record_keras_files.py) with Keras's predictions in predictions.npz; graphflow must
load them and predict the same. tests/data/keras_files/from_graphflow/ holds files graphflow
wrote (tools/tfref/write_graphflow_keras_files.py) and keras_predictions.json what real Keras
predicted from them; graphflow must predict the same from those files, and still write them
in the same layout today.
"""
import importlib.util
import io
import json
import os
import pathlib
import stat
import sys
import zipfile

import h5py
import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
DATA = pathlib.Path(__file__).parent.parent / "data" / "keras_files"
FROM_GF = DATA / "from_graphflow"
KERAS_MODELS = ["mlp", "cnn", "lstm_text", "two_branch"]
GF_MODELS = ["mlp", "cnn", "lstm_text", "gru_seq", "two_branch"]


@pytest.fixture(scope="module")
def keras_predictions():
    return np.load(DATA / "predictions.npz")


@pytest.mark.parametrize("name", KERAS_MODELS)
@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_model_saved_by_real_keras_loads_with_the_same_predictions(name, ext, keras_predictions):
    model = keras.models.load_model(DATA / f"{name}{ext}")
    x, y = keras_predictions[f"{name}/x"], keras_predictions[f"{name}/y"]
    np.testing.assert_allclose(model.predict(x, verbose=0), y, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", KERAS_MODELS)
def test_weights_saved_by_real_keras_load_into_the_same_architecture(name, keras_predictions):
    fresh = keras.models.clone_model(keras.models.load_model(DATA / f"{name}.keras", compile=False))
    fresh.load_weights(DATA / f"{name}.weights.h5")
    x, y = keras_predictions[f"{name}/x"], keras_predictions[f"{name}/y"]
    np.testing.assert_allclose(fresh.predict(x, verbose=0), y, rtol=1e-5, atol=1e-6)


@pytest.fixture(scope="module")
def real_keras_results():
    with open(FROM_GF / "keras_predictions.json") as f:
        return json.load(f)


@pytest.mark.parametrize("name", GF_MODELS)
@pytest.mark.parametrize("ext", [".keras", ".h5", ".weights.h5"])
def test_real_keras_loads_graphflow_files_and_predicts_what_graphflow_does(name, ext, real_keras_results):
    recorded = real_keras_results[name][ext]
    assert not isinstance(recorded, dict), f"real Keras could not load {name}{ext}: {recorded}"
    x = np.load(FROM_GF / "inputs.npz")[name]
    if ext == ".weights.h5":
        model = keras.models.clone_model(keras.models.load_model(FROM_GF / f"{name}.keras"))
        model.load_weights(FROM_GF / f"{name}{ext}")
    else:
        model = keras.models.load_model(FROM_GF / f"{name}{ext}")
    np.testing.assert_allclose(model.predict(x, verbose=0), np.asarray(recorded, np.float32), rtol=1e-5, atol=1e-6)


def _writer():
    path = pathlib.Path(__file__).parent.parent.parent / "tools" / "tfref" / "write_graphflow_keras_files.py"
    spec = importlib.util.spec_from_file_location("write_graphflow_keras_files", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _layout(h5file) -> dict:
    out = {}
    h5file.visititems(lambda n, o: out.__setitem__(n, getattr(o, "shape", None)))
    return out


@pytest.mark.parametrize("name", ["cnn", "lstm_text"])
def test_graphflow_still_writes_the_layout_real_keras_read(name, tmp_path):
    keras.backend.clear_session()       # layer names as in a fresh process, where the files were written
    keras.utils.set_random_seed(7)
    model, _ = _writer().MODELS[name]()
    model.compile(optimizer="adam", loss="mse")
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as new, zipfile.ZipFile(FROM_GF / f"{name}.keras") as old:
        assert sorted(new.namelist()) == sorted(old.namelist())
        assert json.loads(new.read("config.json")) == json.loads(old.read("config.json"))
        with h5py.File(io.BytesIO(new.read("model.weights.h5"))) as a, \
                h5py.File(io.BytesIO(old.read("model.weights.h5"))) as b:
            assert _layout(a) == _layout(b)
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5") as a, h5py.File(FROM_GF / f"{name}.h5") as b:
        assert _layout(a) == _layout(b)


def test_weights_files_are_real_hdf5_and_respect_the_umask(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    old = os.umask(0o077)
    try:
        model.save_weights(tmp_path / "w.weights.h5")
        model.save(tmp_path / "m.h5")
        model.save(tmp_path / "m.keras")
    finally:
        os.umask(old)
    for name in ("w.weights.h5", "m.h5"):
        assert h5py.is_hdf5(tmp_path / name)
    for name in ("w.weights.h5", "m.h5", "m.keras"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["m.h5", "m.keras", "w.weights.h5"]


def _rewrite_archive(src, dst, edit):
    with zipfile.ZipFile(src) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    edit(entries)
    with zipfile.ZipFile(dst, "w") as zf:
        for n, data in entries.items():
            zf.writestr(n, data)


def test_unknown_layer_class_is_named(tmp_path):
    def edit(entries):
        config = json.loads(entries["config.json"])
        config["config"]["layers"][1]["class_name"] = "FancyAttention"
        entries["config.json"] = json.dumps(config)
    _rewrite_archive(DATA / "mlp.keras", tmp_path / "m.keras", edit)
    with pytest.raises(ValueError, match="Unknown layer class 'FancyAttention'.*custom_objects"):
        keras.models.load_model(tmp_path / "m.keras")


def test_newer_keras_format_is_refused(tmp_path):
    def edit(entries):
        entries["metadata.json"] = json.dumps({"keras_version": "4.0.0"})
    _rewrite_archive(DATA / "mlp.keras", tmp_path / "m.keras", edit)
    with pytest.raises(ValueError, match="written by Keras 4.0.0, a newer format"):
        keras.models.load_model(tmp_path / "m.keras")


def test_unsupported_option_is_refused_not_ignored(tmp_path):
    def edit(entries):
        config = json.loads(entries["config.json"])
        config["config"]["layers"][1]["config"]["lora_rank"] = 4
        entries["config.json"] = json.dumps(config)
    _rewrite_archive(DATA / "mlp.keras", tmp_path / "m.keras", edit)
    with pytest.raises(ValueError, match="uses lora_rank=4, which graphflow's Dense does not support"):
        keras.models.load_model(tmp_path / "m.keras")


def test_truncated_files_are_refused(tmp_path):
    for name in ("mlp.keras", "mlp.h5"):
        data = (DATA / name).read_bytes()
        (tmp_path / name).write_bytes(data[: len(data) // 2])
        with pytest.raises((ValueError, OSError)):
            keras.models.load_model(tmp_path / name)


def test_missing_h5py_gives_an_install_hint(tmp_path, monkeypatch):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match="pip install h5py"):
        model.save(tmp_path / "m.keras")
    assert not os.listdir(tmp_path)


def test_model_export_is_not_a_keras_file_and_weights_need_a_known_name(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        model.save(tmp_path / "model.zip")
    with pytest.raises(ValueError, match="use model.save"):
        model.save_weights(tmp_path / "w.keras")
