"""Tests for graphflow.keras_api.datasets (digits, mnist, fashion_mnist)."""

import gzip
import hashlib
import os

import numpy as np
import pytest

from graphflow.keras_api import datasets
from graphflow.keras_api.datasets import digits, fashion_mnist, mnist

DATA_DIR = os.path.join(os.path.dirname(datasets.__file__), "data")
DIGITS_GZ = os.path.join(DATA_DIR, "digits.csv.gz")
DIGITS_GZ_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"

NPZ_LOADERS = [
    pytest.param(mnist.load_data, "MNIST", id="mnist"),
    pytest.param(fashion_mnist.load_data, "Fashion-MNIST", id="fashion_mnist"),
]


# --------------------------------------------------------------------- digits


def test_package_exposes_modules():
    assert set(datasets.__all__) == {"digits", "fashion_mnist", "mnist", "imdb", "reuters", "boston_housing",
                                     "california_housing", "cifar10", "cifar100"}
    for name in datasets.__all__:
        assert callable(getattr(datasets, name).load_data)


def test_shipped_files_present_small_and_unchanged():
    with open(DIGITS_GZ, "rb") as f:
        raw = f.read()
    assert 40_000 < len(raw) < 80_000
    assert hashlib.sha256(raw).hexdigest() == DIGITS_GZ_SHA256
    assert len(gzip.decompress(raw).splitlines()) == 1797
    with open(os.path.join(DATA_DIR, "LICENSE-digits.txt"), encoding="utf-8") as f:
        notice = f.read()
    for needle in ("Alpaydin", "Kaynak", "CC BY 4.0", "scikit-learn developers"):
        assert needle in notice


def test_digits_shapes_and_dtypes():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1437, 8, 8)
    assert y_train.shape == (1437,)
    assert x_test.shape == (360, 8, 8)
    assert y_test.shape == (360,)
    assert x_train.dtype == np.float32 and x_test.dtype == np.float32
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64


def test_digits_value_ranges():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x = np.concatenate([x_train, x_test])
    y = np.concatenate([y_train, y_test])
    assert x.min() == 0.0 and x.max() == 16.0  # raw counts, not rescaled
    np.testing.assert_array_equal(x, np.round(x))  # integer-valued
    assert y.min() == 0 and y.max() == 9


def test_digits_all_classes_in_both_splits_roughly_balanced():
    (_, y_train), (_, y_test) = digits.load_data()
    train_counts = np.bincount(y_train, minlength=10)
    test_counts = np.bincount(y_test, minlength=10)
    assert len(train_counts) == 10 and len(test_counts) == 10
    # 1797 samples, ~180 per class: each class has 10% +- a few points.
    assert train_counts.min() >= 130 and train_counts.max() <= 160
    assert test_counts.min() >= 25 and test_counts.max() <= 45
    assert np.bincount(np.concatenate([y_train, y_test])).sum() == 1797


def test_digits_matches_file_order_and_known_samples():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    table = np.loadtxt(DIGITS_GZ, delimiter=",")
    np.testing.assert_array_equal(
        np.concatenate([x_train, x_test]).reshape(1797, 64), table[:, :64]
    )
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), table[:, 64])
    # First sample of sklearn's load_digits() is a 0 with this top row.
    assert y_train[0] == 0
    np.testing.assert_array_equal(x_train[0, 0], [0, 0, 5, 13, 9, 1, 0, 0])
    assert y_train[:10].tolist() == list(range(10))


def test_digits_deterministic():
    first = digits.load_data()
    second = digits.load_data()
    for a, b in zip(first[0] + first[1], second[0] + second[1]):
        np.testing.assert_array_equal(a, b)
        assert a is not b


def test_digits_cache_cannot_be_mutated_by_callers():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    expected_x0 = x_train[0].copy()
    expected_y0 = y_test[0]
    for arr in (x_train, y_train, x_test, y_test):
        assert arr.flags.writeable
        assert arr.flags.owndata  # a copy, not a view into the cache
    x_train[...] = -1
    y_train[...] = -1
    x_test[...] = -1
    y_test[...] = -1
    (x_train2, y_train2), (x_test2, y_test2) = digits.load_data()
    np.testing.assert_array_equal(x_train2[0], expected_x0)
    assert y_test2[0] == expected_y0
    assert x_train2.min() == 0 and x_test2.min() == 0
    assert y_train2.min() == 0 and y_test2.min() == 0


def test_digits_parsed_once_per_process():
    digits._load_arrays.cache_clear()
    digits.load_data()
    digits.load_data()
    info = digits._load_arrays.cache_info()
    assert info.misses == 1 and info.hits == 1


# ------------------------------------------------------- mnist / fashion_mnist


def _synthetic(n_train=12, n_test=5, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, size=(n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, size=(n_train,), dtype=np.uint8),
        "x_test": rng.integers(0, 256, size=(n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, size=(n_test,), dtype=np.uint8),
    }


@pytest.fixture
def isolated_keras_home(tmp_path, monkeypatch):
    """Empty cwd and Keras cache, so default paths are found nowhere."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return tmp_path / "keras_home"


@pytest.mark.parametrize("load_data, name", NPZ_LOADERS)
@pytest.mark.parametrize("compressed", [False, True])
def test_npz_round_trip(tmp_path, load_data, name, compressed):
    arrays = _synthetic()
    path = tmp_path / "data.npz"
    (np.savez_compressed if compressed else np.savez)(path, **arrays)
    for p in (path, str(path)):  # PathLike and str
        (x_train, y_train), (x_test, y_test) = load_data(p)
        for key, got in zip(
            ("x_train", "y_train", "x_test", "y_test"),
            (x_train, y_train, x_test, y_test),
        ):
            np.testing.assert_array_equal(got, arrays[key])
            assert got.dtype == np.uint8
        assert x_train.shape == (12, 28, 28) and x_test.shape == (5, 28, 28)
        assert y_train.shape == (12,) and y_test.shape == (5,)


@pytest.mark.parametrize("load_data, name", NPZ_LOADERS)
def test_npz_default_path_found_in_keras_cache(isolated_keras_home, load_data, name):
    default = load_data.__defaults__[0]
    cache = isolated_keras_home / "datasets"
    cache.mkdir(parents=True)
    arrays = _synthetic(seed=3)
    np.savez(cache / default, **arrays)
    (x_train, _), (_, y_test) = load_data()
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])


@pytest.mark.parametrize("load_data, name", NPZ_LOADERS)
def test_npz_missing_file_explains_how_to_get_it(
    isolated_keras_home, tmp_path, load_data, name
):
    missing = tmp_path / "nope" / "data.npz"
    with pytest.raises(FileNotFoundError) as info:
        load_data(missing)
    message = str(info.value)
    assert name in message
    assert str(missing) in message
    assert "does not download" in message
    assert "load_data(path=" in message

    with pytest.raises(FileNotFoundError, match="does not download"):
        load_data()  # Keras-style call without a path


@pytest.mark.parametrize("load_data, name", NPZ_LOADERS)
@pytest.mark.parametrize("dropped", ["x_train", "y_train", "x_test", "y_test"])
def test_npz_missing_key_is_named(tmp_path, load_data, name, dropped):
    arrays = _synthetic()
    del arrays[dropped]
    arrays["extra"] = np.zeros(3, dtype=np.uint8)
    path = tmp_path / "partial.npz"
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=f"missing required key\\(s\\) '{dropped}'"):
        load_data(path)


@pytest.mark.parametrize("load_data, name", NPZ_LOADERS)
def test_npz_inconsistent_shapes_rejected(tmp_path, load_data, name):
    arrays = _synthetic()
    arrays["y_test"] = arrays["y_test"][:-1]
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="'y_test' must have shape"):
        load_data(path)

    arrays = _synthetic()
    arrays["x_train"] = arrays["x_train"].reshape(12, -1)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="'x_train' must have shape"):
        load_data(path)


@pytest.mark.parametrize("load_data, name", NPZ_LOADERS)
def test_npz_not_an_archive(tmp_path, load_data, name):
    npy = tmp_path / "single.npy"
    np.save(npy, np.zeros((2, 28, 28), dtype=np.uint8))
    with pytest.raises(ValueError, match="single array"):
        load_data(npy)

    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"this is not numpy data")
    with pytest.raises(ValueError, match="could not be read"):
        load_data(junk)
