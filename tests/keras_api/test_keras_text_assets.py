"""Lookup vocabularies in `.keras` files are Keras 3's assets: an adapted StringLookup,
IntegerLookup or TextVectorization vocabulary is `assets/<layer path>/vocabulary.txt` in the zip
(learnt TF-IDF weights `idf_weights` in the weights file), a given one stays in the config.
tests/data/keras_text_assets/ holds, per model of tools/tfref/text_assets_model.py, a file real
Keras wrote (keras_NAME.keras, its predictions and vocabularies in keras_NAME.json, from
tools/tfref/record_keras_text_assets.py) and one graphflow wrote (graphflow_NAME.keras, from
tools/tfref/write_graphflow_text_assets.py) with what real Keras predicted after loading it
(keras_read_graphflow.json)."""
import importlib.util
import io
import json
import pathlib
import zipfile

import h5py
import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "keras_text_assets"


def _spec():
    spec = importlib.util.spec_from_file_location("text_assets_model",
                                                  ROOT / "tools" / "tfref" / "text_assets_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SPEC = _spec()


def _record(name):
    return json.loads((DATA / name).read_text())


def _predict(model):
    return model({k: gf.constant(v) for k, v in SPEC.inputs_of(model).items()}).numpy()


@pytest.fixture(scope="module")
def saved_by_graphflow(tmp_path_factory):
    """name -> (model, path of its .keras file), each built as in a fresh process."""
    out = {}
    for name, build in SPEC.MODELS.items():
        keras.backend.clear_session()
        model = build(keras)
        path = tmp_path_factory.mktemp("assets") / f"{name}.keras"
        model.save(path)
        out[name] = model, path
    return out


@pytest.mark.parametrize("name", list(SPEC.MODELS))
def test_a_file_real_keras_wrote_loads_with_its_vocabularies_and_predictions(name):
    rec = _record(f"keras_{name}.json")
    model = keras.models.load_model(DATA / f"keras_{name}.keras")
    assert SPEC.vocabularies(model) == rec["vocabularies"]
    np.testing.assert_allclose(_predict(model), rec["predictions"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(SPEC.MODELS))
def test_graphflow_writes_keras_layout_the_same_assets_and_idf_weights(name, saved_by_graphflow):
    _, path = saved_by_graphflow[name]
    ours, theirs = zipfile.ZipFile(path), zipfile.ZipFile(DATA / f"keras_{name}.keras")
    assert sorted(ours.namelist()) == _record(f"keras_{name}.json")["entries"]
    for entry in theirs.namelist():
        if entry.startswith("assets/"):
            assert ours.read(entry) == theirs.read(entry), entry
    with h5py.File(io.BytesIO(ours.read("model.weights.h5"))) as mine, \
            h5py.File(io.BytesIO(theirs.read("model.weights.h5"))) as keras_weights:
        assert _datasets(mine) == _datasets(keras_weights)
        for key in _datasets(keras_weights):
            if key.endswith("idf_weights"):
                np.testing.assert_allclose(mine[key][()], keras_weights[key][()], rtol=1e-6)


def _datasets(h5file) -> list:
    found = []
    h5file.visititems(lambda key, obj: found.append(key) if hasattr(obj, "shape") else None)
    return sorted(found)


def test_where_each_vocabulary_goes_in_the_config(saved_by_graphflow):
    _, path = saved_by_graphflow["text"]
    ours = zipfile.ZipFile(path)
    config = json.loads(ours.read("config.json"))["config"]
    layers = {layer["config"]["name"]: layer["config"] for layer in config["layers"]}
    assert layers["vectorizer"]["vocabulary"] is None and layers["vectorizer"]["vocabulary_size"] == 12
    assert layers["tag_lookup"]["vocabulary"] is None and layers["code_lookup"]["vocabulary"] is None
    assert layers["size_lookup"]["vocabulary"] == ["small", "large"]      # given: in the config, no asset


@pytest.mark.parametrize("name", list(SPEC.MODELS))
def test_real_keras_loaded_the_file_graphflow_wrote(name):
    """Recorded by record_keras_text_assets.py --read-graphflow; graphflow still writes that layout
    (the test above) and predicts what Keras predicted from its file."""
    keras_result = _record("keras_read_graphflow.json")[name]
    assert "error" not in keras_result
    assert keras_result["vocabularies"] == _record(f"graphflow_{name}.json")["vocabularies"]
    assert sorted(zipfile.ZipFile(DATA / f"graphflow_{name}.keras").namelist()) == \
        _record(f"graphflow_{name}.json")["entries"]
    model = keras.models.load_model(DATA / f"graphflow_{name}.keras")
    np.testing.assert_allclose(_predict(model), keras_result["predictions"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(SPEC.MODELS))
def test_round_trip_restores_adapted_vocabularies(name, saved_by_graphflow):
    model, path = saved_by_graphflow[name]
    loaded = keras.models.load_model(path)
    assert SPEC.vocabularies(loaded) == SPEC.vocabularies(model)
    np.testing.assert_allclose(_predict(loaded), _predict(model), rtol=1e-6)


def test_adapted_tf_idf_lookup_round_trips(tmp_path):
    lookup = keras.layers.StringLookup(output_mode="tf_idf", name="words")
    lookup.adapt(np.array([["a", "b"], ["a", "c"], ["a", "a"]]))
    inputs = keras.Input((2,), dtype="string")
    model = keras.Model(inputs, lookup(inputs))
    model.save(tmp_path / "idf.keras")
    loaded = keras.models.load_model(tmp_path / "idf.keras")
    x = gf.constant(np.array([["a", "c"], ["b", "z"]]))
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), rtol=1e-6)
