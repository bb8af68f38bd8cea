"""keras.datasets readers of Keras's local files against real Keras 3's processing of the same
small fake files (tools/tfref/record_keras_datasets.py)."""
import json
import os
import pathlib
import pickle
import sys

import numpy as np
import pytest

import graphflow as gf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_files import CASES, summary, write_all  # noqa: E402

RECORDED = json.loads((pathlib.Path(__file__).parents[2] / "data" / "keras_utils" / "datasets.json").read_text())


@pytest.fixture(scope="module")
def keras_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("keras_home")
    os.makedirs(home / "datasets")
    write_all(str(home / "datasets"))
    return home


@pytest.mark.parametrize("case", sorted(CASES))
def test_dataset_matches_keras(case, keras_home, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    name, kwargs = CASES[case]
    got = summary(getattr(gf.keras.datasets, name).load_data(**kwargs))
    assert json.loads(json.dumps(got)) == RECORDED[case]


def test_cifar10_reads_the_five_batches_and_the_test_batch(keras_home, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    (x_train, y_train), (x_test, y_test) = gf.keras.datasets.cifar10.load_data()
    folder = keras_home / "datasets" / "cifar-10-batches-py"
    first = pickle.loads((folder / "data_batch_1").read_bytes())
    assert x_train.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8 and y_train.shape == (10, 1)
    np.testing.assert_array_equal(x_train[0], first[b"data"][0].reshape(3, 32, 32).transpose(1, 2, 0))
    assert y_train[:2, 0].tolist() == first[b"labels"] and x_test.shape == (2, 32, 32, 3) and y_test.dtype == np.uint8


def test_word_index_and_missing_files(keras_home, monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    assert gf.keras.datasets.imdb.get_word_index() == {"the": 1, "movie": 2}
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="does not download datasets"):
        gf.keras.datasets.reuters.load_data()
    with pytest.raises(FileNotFoundError, match="CIFAR-100 data not found"):
        gf.keras.datasets.cifar100.load_data()


def test_a_pickle_that_would_run_code_is_refused(tmp_path, monkeypatch):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))
    evil = np.empty(1, dtype=object)
    evil[0] = Evil()
    np.savez(tmp_path / "imdb.npz", x_train=evil, y_train=np.zeros(1), x_test=evil, y_test=np.zeros(1))
    with pytest.raises(pickle.UnpicklingError, match="refusing to load"):
        gf.keras.datasets.imdb.load_data(path=str(tmp_path / "imdb.npz"))
