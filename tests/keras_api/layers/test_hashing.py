"""Hashing against real Keras 3 (tests/data/keras_misc/hashing.json, recorded by
tools/tfref/record_keras_misc_layers.py from misc_layer_models.HASHING_CASES): the same bins for
strings, ints and floats, with a mask value or a salt, and the same encodings; and the hashes
TensorFlow's to_hash_bucket ops give, on strings of every length class of FarmHash."""
import importlib.util
import json
import pathlib

import numpy as np
import pytest

import graphflow as gf

L = gf.keras.layers
ROOT = pathlib.Path(__file__).resolve().parents[3]
RECORDED = json.loads((ROOT / "tests" / "data" / "keras_misc" / "hashing.json").read_text())


def _cases():
    path = ROOT / "tools" / "tfref" / "misc_layer_models.py"
    spec = importlib.util.spec_from_file_location("misc_layer_models", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HASHING_CASES


CASES = _cases()


@pytest.mark.parametrize("name", list(CASES))
def test_hashing_gives_keras_bins(name):
    kwargs, values = CASES[name]
    out = L.Hashing(**kwargs)(np.array(values)).numpy()
    np.testing.assert_array_equal(out, np.array(RECORDED[name]["output"]))


@pytest.mark.parametrize("name", list(CASES))
def test_hashing_config_matches_keras_and_round_trips(name):
    layer = L.Hashing(**CASES[name][0])
    config = layer.get_config()
    keras_config = RECORDED[name]["config"]
    assert set(config) == set(keras_config)
    for key in ("num_bins", "salt", "mask_value", "output_mode", "sparse"):
        assert config[key] == keras_config[key], key
    assert L.Hashing.from_config(config).get_config() == config


def test_hashing_runs_inside_gf_function_and_a_model():
    layer = L.Hashing(7, salt=3)
    x = np.array([["A"], ["dog"]])
    traced = gf.function(lambda t: layer(t))
    np.testing.assert_array_equal(traced(gf.constant(x)).numpy(), layer(x).numpy())
    inputs = gf.keras.Input((1,), dtype="string")
    model = gf.keras.Model(inputs, L.Hashing(7, salt=3)(inputs))
    np.testing.assert_array_equal(model.predict(x, verbose=0), layer(x).numpy())


@pytest.mark.parametrize("kwargs", [{"num_bins": 0}, {"num_bins": 3, "output_mode": "tf_idf"},
                                    {"num_bins": 3, "salt": "x"}, {"num_bins": 3, "dtype": "float32"}])
def test_hashing_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        L.Hashing(**kwargs)


# TensorFlow 2.21: tf.strings.to_hash_bucket_fast(s, 2**62) and _strong(s, 2**62, key=[12345, 67890])
# for s = bytes(range(n)) with n = 0, 3, 7, 15, 31, 63, 64, 65, 130 (every branch of FarmHash)
TF_FAST = [
    1936946117179621455, 1486536572171691162, 2513219638405408417, 444256940261096861, 4312566831403460929,
    126654430753326959, 3856493858525203531, 478270155923209662, 3017843164231784205]
TF_STRONG = [
    3320497352430948230, 4318807039642702469, 252567549918701427, 1211840156166804243, 3861061109277083831,
    2438706483400667504, 955679589738608464, 1091021151706682421, 3904530476472014659]


def test_string_hash_ops_match_tensorflow_on_every_length_class():
    lengths = [0, 3, 7, 15, 31, 63, 64, 65, 130]
    strings = np.array([bytes(range(n)) for n in lengths], dtype=object)
    fast = gf.strings.to_hash_bucket_fast(strings, 2 ** 62).numpy().tolist()
    strong = gf.strings.to_hash_bucket_strong(strings, 2 ** 62, [12345, 67890]).numpy().tolist()
    assert fast == TF_FAST and strong == TF_STRONG
