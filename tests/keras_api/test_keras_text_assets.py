"""Lookup vocabularies in `.keras` files are Keras 3's assets: an adapted StringLookup,
IntegerLookup or TextVectorization vocabulary is `assets/<layer path>/vocabulary.txt` in the zip,
a given one stays in the config. tests/data/keras_text_assets/ holds a file real Keras wrote
(keras_text.keras, its predictions and vocabularies in keras_text.json, from
tools/tfref/record_keras_text_assets.py) and one graphflow wrote (graphflow_text.keras, from
tools/tfref/write_graphflow_text_assets.py) with what real Keras predicted after loading it
(keras_read_graphflow.json)."""
import importlib.util
import json
import pathlib
import zipfile

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "keras_text_assets"


def _spec():
    spec = importlib.util.spec_from_file_location("text_assets_model", ROOT / "tools" / "tfref" / "text_assets_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SPEC = _spec()


def _record(name):
    return json.loads((DATA / name).read_text())


def _predict(model):
    return model({k: gf.constant(v) for k, v in SPEC.INPUTS.items()}).numpy()


@pytest.fixture(scope="module")
def saved_by_graphflow(tmp_path_factory):
    model = SPEC.build(keras)
    path = tmp_path_factory.mktemp("assets") / "text.keras"
    model.save(path)
    return model, path


def test_a_file_real_keras_wrote_loads_with_its_vocabularies_and_predictions():
    rec = _record("keras_text.json")
    model = keras.models.load_model(DATA / "keras_text.keras")
    assert SPEC.vocabularies(model) == rec["vocabularies"]
    np.testing.assert_allclose(_predict(model), rec["predictions"], rtol=1e-5, atol=1e-6)


def test_graphflow_writes_keras_layout_and_the_same_vocabulary_files(saved_by_graphflow):
    _, path = saved_by_graphflow
    ours, theirs = zipfile.ZipFile(path), zipfile.ZipFile(DATA / "keras_text.keras")
    assert sorted(ours.namelist()) == _record("keras_text.json")["entries"]
    for name in theirs.namelist():
        if name.startswith("assets/"):
            assert ours.read(name) == theirs.read(name), name
    layers = {layer["config"]["name"]: layer["config"] for layer in json.loads(ours.read("config.json"))["config"]["layers"]}
    assert layers["vectorizer"]["vocabulary"] is None and layers["vectorizer"]["vocabulary_size"] == 12
    assert layers["tag_lookup"]["vocabulary"] is None and layers["code_lookup"]["vocabulary"] is None
    assert layers["size_lookup"]["vocabulary"] == ["small", "large"]      # given: in the config, no asset


def test_real_keras_loaded_the_file_graphflow_wrote():
    """Recorded by record_keras_text_assets.py --read-graphflow; graphflow still writes that layout
    (the test above) and predicts what Keras predicted from its file."""
    keras_result = _record("keras_read_graphflow.json")
    assert "error" not in keras_result
    assert keras_result["vocabularies"] == _record("graphflow_text.json")["vocabularies"]
    assert sorted(zipfile.ZipFile(DATA / "graphflow_text.keras").namelist()) == _record("graphflow_text.json")["entries"]
    model = keras.models.load_model(DATA / "graphflow_text.keras")
    np.testing.assert_allclose(_predict(model), keras_result["predictions"], rtol=1e-5, atol=1e-6)


def test_round_trip_restores_adapted_vocabularies(saved_by_graphflow):
    model, path = saved_by_graphflow
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
