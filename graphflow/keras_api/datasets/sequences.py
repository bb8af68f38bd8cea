"""IMDB reviews and Reuters newswires as word-index sequences, read from Keras's local files
(``imdb.npz``, ``reuters.npz`` and their ``*_word_index.json`` in ``~/.keras/datasets``), processed
as Keras processes them: the same seeded shuffle, start and OOV characters, index offset,
``num_words``/``skip_top`` and ``maxlen`` filtering."""
from __future__ import annotations

import json

import numpy as np

from .mnist import _resolve_path
from .safe_pickle import load_npz


def _howto(name, fname):
    return (f"graphflow does not download datasets. Copy Keras's '{fname}' (written to ~/.keras/datasets by "
            f"`tf.keras.datasets.{name}.load_data()` on a machine with network access) there, or pass path=.")


def _without_long(maxlen, xs, labels):
    kept = [(x, y) for x, y in zip(xs, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def _encode(xs, start_char, index_from):
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    return [[w + index_from for w in x] for x in xs]


def _vocabulary_cut(xs, num_words, skip_top, oov_char):
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def _shuffled(rng, x, y):
    order = np.arange(len(x))
    rng.shuffle(order)
    return x[order], y[order]


def imdb(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
         index_from=3, **kwargs):
    f = load_npz(_resolve_path(path, "IMDB", _howto("imdb", "imdb.npz")))
    rng = np.random.RandomState(seed)
    x_train, y_train = _shuffled(rng, f["x_train"], f["y_train"])
    x_test, y_test = _shuffled(rng, f["x_test"], f["y_test"])
    x_train, x_test = _encode(x_train, start_char, index_from), _encode(x_test, start_char, index_from)
    if maxlen:
        x_train, y_train = _without_long(maxlen, x_train, y_train)
        x_test, y_test = _without_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. "
                             "Increase maxlen.")
    xs = _vocabulary_cut(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([np.asarray(y_train), np.asarray(y_test)])
    n = len(x_train)
    return (np.array(xs[:n], dtype=object), labels[:n]), (np.array(xs[n:], dtype=object), labels[n:])


def reuters(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113, start_char=1,
            oov_char=2, index_from=3, **kwargs):
    f = load_npz(_resolve_path(path, "Reuters", _howto("reuters", "reuters.npz")))
    xs, labels = _shuffled(np.random.RandomState(seed), f["x"], f["y"])
    xs = _encode(xs, start_char, index_from)
    if maxlen:
        xs, labels = _without_long(maxlen, xs, labels)
    xs = _vocabulary_cut(xs, num_words, skip_top, oov_char)
    n = int(len(xs) * (1 - test_split))
    labels = np.asarray(labels)
    return (np.array(xs[:n], dtype=object), labels[:n]), (np.array(xs[n:], dtype=object), labels[n:])


def word_index(name, path):
    with open(_resolve_path(path, name, _howto(name.lower(), path)), encoding="utf-8") as f:
        return json.load(f)
