"""Small files in the layouts Keras keeps in ~/.keras/datasets (imdb.npz, reuters.npz, the housing
tables, CIFAR's pickled batches), written the same way for real Keras
(tools/tfref/record_keras_datasets.py) and for graphflow (test_keras_dataset_files.py)."""
import os
import pickle

import numpy as np


def _ragged(rng, n, longest, vocab):
    out = np.empty(n, dtype=object)
    out[:] = [list(map(int, rng.integers(1, vocab, rng.integers(1, longest)))) for _ in range(n)]
    return out


def write_all(folder):
    rng = np.random.default_rng(0)
    np.savez(os.path.join(folder, "imdb.npz"), x_train=_ragged(rng, 12, 9, 30), y_train=rng.integers(0, 2, 12),
             x_test=_ragged(rng, 8, 9, 30), y_test=rng.integers(0, 2, 8))
    np.savez(os.path.join(folder, "reuters.npz"), x=_ragged(rng, 15, 7, 25), y=rng.integers(0, 5, 15))
    np.savez(os.path.join(folder, "boston_housing.npz"), x=rng.normal(size=(20, 13)), y=rng.normal(size=20))
    np.savez(os.path.join(folder, "california_housing.npz"), x=rng.normal(size=(30, 8)).astype("float32"),
             y=rng.normal(size=30).astype("float32"))
    with open(os.path.join(folder, "imdb_word_index.json"), "w") as f:
        f.write('{"the": 1, "movie": 2}')
    c10 = os.path.join(folder, "cifar-10-batches-py")
    os.makedirs(c10)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        with open(os.path.join(c10, name), "wb") as f:
            pickle.dump({b"data": rng.integers(0, 256, (2, 3072)).astype(np.uint8),
                         b"labels": list(map(int, rng.integers(0, 10, 2)))}, f)
    c100 = os.path.join(folder, "cifar-100-python")
    os.makedirs(c100)
    for name in ("train", "test"):
        with open(os.path.join(c100, name), "wb") as f:
            pickle.dump({b"data": rng.integers(0, 256, (3, 3072)).astype(np.uint8),
                         b"fine_labels": list(map(int, rng.integers(0, 100, 3))),
                         b"coarse_labels": list(map(int, rng.integers(0, 20, 3)))}, f)


def summary(splits):
    """A comparable digest of ((x_train, y_train), (x_test, y_test))."""
    out = []
    for x, y in splits:
        x = np.asarray(x)
        if x.dtype == object:
            xs = [list(map(int, row)) for row in x]
        else:
            xs = {"shape": list(x.shape), "dtype": str(x.dtype), "sum": float(np.asarray(x, np.float64).sum()),
                  "first": np.asarray(x, np.float64).ravel()[:5].tolist()}
        y = np.asarray(y)
        out.append({"x": xs, "y": np.asarray(y, np.float64).tolist(), "y_shape": list(y.shape),
                    "y_dtype": str(y.dtype)})
    return out


# Keras's CIFAR-10 reader assumes 10,000 images per batch file, too big to fake here: test_keras_dataset_files.py
# checks graphflow's reader against the fake batches directly.
CASES = {
    "imdb": ("imdb", {}), "imdb_cut": ("imdb", {"num_words": 20, "skip_top": 2, "maxlen": 6}),
    "imdb_no_start": ("imdb", {"start_char": None, "oov_char": None, "num_words": 15, "index_from": 0}),
    "reuters": ("reuters", {"test_split": 0.3}), "reuters_cut": ("reuters", {"num_words": 10, "maxlen": 5}),
    "boston": ("boston_housing", {}), "california_small": ("california_housing", {"version": "small",
                                                                                   "test_split": 0.5}),
    "cifar100_coarse": ("cifar100", {"label_mode": "coarse"}), "cifar100": ("cifar100", {}),
}
