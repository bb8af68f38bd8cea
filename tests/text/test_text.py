"""Text programs (tests/text/programs.py) against real TensorFlow 2.21 / Keras 3's recorded results
(tools/tfref/record_text.py): tf.strings, tf.lookup, TextLineDataset and string CSV columns,
StringLookup and TextVectorization."""
import json
import pathlib

import numpy as np
import pytest

import graphflow as gf

from .programs import PROGRAMS

RECORDED = json.loads((pathlib.Path(__file__).parents[1] / "data" / "text" / "text.json").read_text())


def _close(actual, expected, where="result"):
    if isinstance(expected, dict):
        assert set(actual) == set(expected), where
        for k in expected:
            _close(actual[k], expected[k], f"{where}.{k}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{where}: {actual} != {expected}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            _close(a, e, f"{where}[{i}]")
    elif isinstance(expected, float) or isinstance(actual, float):
        assert actual == pytest.approx(expected, rel=1e-4, abs=1e-5), where
    else:
        assert actual == expected, where


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_text_program_matches_tensorflow(name, tmp_path):
    expected = RECORDED[name]
    assert "value" in expected, expected
    _close(PROGRAMS[name](gf, str(tmp_path)), expected["value"], name)


def test_a_text_classifier_trains_on_raw_strings():
    # The Keras guide's shape: TextVectorization -> Embedding(mask_zero) -> pooling -> Dense, fit on raw text.
    keras = gf.keras
    keras.utils.set_random_seed(1)
    texts = np.array(["good movie", "bad movie", "great film", "awful film", "good good", "bad bad"] * 4)
    labels = np.array([1, 0, 1, 0, 1, 0] * 4, "float32")
    vectorize = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorize.adapt(texts)
    model = keras.Sequential([keras.Input((1,), dtype="string"), vectorize,
                              keras.layers.Embedding(20, 8, mask_zero=True), keras.layers.GlobalAveragePooling1D(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(texts, labels, batch_size=8, epochs=15, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    assert model.predict(np.array(["good film", "awful movie"]), verbose=0).ravel().round().tolist() == [1.0, 0.0]


def test_string_errors_are_clear():
    with pytest.raises(gf.errors.InvalidArgumentError, match="StringToNumber: could not convert b'x'"):
        gf.strings.to_number(["x"])
    with pytest.raises(TypeError, match="Cannot convert 'a' to EagerTensor of dtype float32"):
        gf.constant("a", gf.float32)
    with pytest.raises(gf.errors.InvalidArgumentError, match="Add.*string"):
        gf.constant(["a"]) + 1


def test_adding_strings_concatenates_them_as_tensorflow_does():
    assert (gf.constant(["a"]) + "b").numpy().tolist() == [b"ab"]
    assert ("b" + gf.constant(["a"])).numpy().tolist() == [b"ba"]
    assert gf.add(gf.constant([["x"], ["y"]]), gf.constant(["1", "2"])).numpy().tolist() == [[b"x1", b"x2"],
                                                                                           [b"y1", b"y2"]]
    assert gf.function(lambda s: s + s)(gf.constant("q")).numpy() == b"qq"
    with pytest.raises(TypeError, match="expected a string tensor"):
        gf.strings.lower([1.0])
    with pytest.raises(gf.errors.NotFoundError, match="No such file"):
        gf.data.TextLineDataset("/nonexistent/file.txt")
    with pytest.raises(ValueError, match="has no vocabulary"):
        gf.keras.layers.StringLookup()(gf.constant(["a"]))
