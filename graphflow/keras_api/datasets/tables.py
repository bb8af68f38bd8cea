"""Boston and California housing prices, read from Keras's local ``.npz`` files and split as Keras
splits them (the same seeded shuffle, the first 1 - test_split for training)."""
from __future__ import annotations

import numpy as np

from .mnist import _resolve_path


def _howto(name, fname):
    return (f"graphflow does not download datasets. Copy Keras's '{fname}' (written to ~/.keras/datasets by "
            f"`tf.keras.datasets.{name}.load_data()` on a machine with network access) there, or pass path=.")


def split(x, y, test_split, seed):
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    n = int(len(x) * (1 - test_split))
    return (np.array(x[:n]), np.array(y[:n])), (np.array(x[n:]), np.array(y[n:]))


def _xy(path, dataset, fname, name):
    with np.load(_resolve_path(path, dataset, _howto(name, fname)), allow_pickle=False) as f:
        return f["x"], f["y"]


def boston_housing(path="boston_housing.npz", test_split=0.2, seed=113):
    return split(*_xy(path, "Boston housing", "boston_housing.npz", "boston_housing"), test_split, seed)


def california_housing(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    if version not in ("small", "large"):
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version}")
    x, y = _xy(path, "California housing", "california_housing.npz", "california_housing")
    if version == "small":
        x, y = x[:600], y[:600]
    return split(x, y, test_split, seed)
