"""CIFAR-10 and CIFAR-100 images, read from the extracted Python batches Keras keeps in
``~/.keras/datasets`` (``cifar-10-batches-py/``, ``cifar-100-python/``), laid out as Keras returns
them: uint8 images (n, 32, 32, 3) for channels_last, labels (n, 1)."""
from __future__ import annotations

import os

import numpy as np

from .. import backend
from .mnist import _keras_cache_dir
from .safe_pickle import load_pickle


def _folder(path, candidates, name):
    options = [path] if path else []
    for c in candidates:
        options += [os.path.join(_keras_cache_dir(), c), os.path.join(_keras_cache_dir(), c + "-target", c)]
    for option in options:
        if option and os.path.isdir(os.path.expanduser(option)):
            return os.path.expanduser(option)
    module = name.lower().replace("-", "")
    raise FileNotFoundError(f"{name} data not found (looked for {', '.join(repr(o) for o in options)}). graphflow "
                            f"does not download datasets: extract the Python version of {name} there (as "
                            f"`tf.keras.datasets.{module}.load_data()` leaves it) or pass path=.")


def load_batch(fpath, label_key="labels"):
    """(images (n, 3, 32, 32) uint8, labels) of one pickled CIFAR batch file."""
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in load_pickle(fpath).items()}
    data = np.asarray(d["data"])
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]


def _channels(x_train, x_test):
    if backend.image_data_format() == "channels_last":
        return x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return x_train, x_test


def cifar10(path=None):
    folder = _folder(path, ["cifar-10-batches-py"], "CIFAR-10")
    parts = [load_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts]).astype(np.uint8)
    y_train = np.concatenate([np.asarray(p[1]) for p in parts]).astype(np.uint8)
    x_test, y_test = load_batch(os.path.join(folder, "test_batch"))
    x_train, x_test = _channels(x_train, x_test.astype(np.uint8))
    return (x_train, y_train.reshape(-1, 1)), (x_test, np.asarray(y_test).astype(np.uint8).reshape(-1, 1))


def cifar100(label_mode="fine", path=None):
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f"`label_mode` must be one of `'fine'`, `'coarse'`. Received: label_mode={label_mode}.")
    folder = _folder(path, ["cifar-100-python"], "CIFAR-100")
    x_train, y_train = load_batch(os.path.join(folder, "train"), f"{label_mode}_labels")
    x_test, y_test = load_batch(os.path.join(folder, "test"), f"{label_mode}_labels")
    x_train, x_test = _channels(x_train, x_test)
    return (x_train, np.reshape(y_train, (-1, 1))), (x_test, np.reshape(y_test, (-1, 1)))
