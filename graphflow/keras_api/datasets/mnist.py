"""MNIST handwritten digits, read from a local ``.npz`` file.

``tf.keras.datasets.mnist.load_data()`` downloads ``mnist.npz`` on first
use. graphflow never downloads anything, so you provide the file and pass
its path. The expected layout is exactly Keras's ``mnist.npz``: arrays
``x_train`` (uint8, ``(60000, 28, 28)``), ``y_train`` (uint8, ``(60000,)``),
``x_test`` (uint8, ``(10000, 28, 28)``) and ``y_test`` (uint8, ``(10000,)``).
"""

import os

import numpy as np

__all__ = ["load_data"]

_REQUIRED_KEYS = ("x_train", "y_train", "x_test", "y_test")

_MNIST_HOWTO = (
    "graphflow does not download datasets. Obtain Keras's 'mnist.npz' "
    "(arrays x_train, y_train, x_test, y_test), for example from a machine "
    "with network access via `tf.keras.datasets.mnist.load_data()`, which "
    "caches it as ~/.keras/datasets/mnist.npz, then call "
    "gf.keras.datasets.mnist.load_data(path='/path/to/mnist.npz')."
)


def _keras_cache_dir():
    """Where Keras caches downloaded datasets (``$KERAS_HOME/datasets``)."""
    from ..config import keras_home
    return os.path.join(keras_home(), "datasets")


def _resolve_path(path, dataset, howto):
    """Return an existing file for ``path`` or raise FileNotFoundError.

    ``path`` is used as given (after ``~`` expansion). If it does not exist
    and is a relative path, it is also looked up in the Keras dataset cache
    directory, so a file previously downloaded by Keras is found.
    """
    path = os.fspath(path)
    candidates = [os.path.expanduser(path)]
    if not os.path.isabs(candidates[0]):
        candidates.append(os.path.join(_keras_cache_dir(), path))
    for candidate in candidates:
        if os.path.isfile(candidate):
            return candidate
    looked = ", ".join(repr(os.path.abspath(c)) for c in candidates)
    raise FileNotFoundError(
        f"{dataset} data file not found (looked for {looked}). {howto}"
    )


def _load_npz(path, dataset, howto):
    """Read and validate a Keras-style ``.npz`` with train/test arrays."""
    file_path = _resolve_path(path, dataset, howto)
    try:
        data = np.load(file_path, allow_pickle=False)
    except Exception as exc:  # not a numpy file, truncated zip, ...
        raise ValueError(
            f"{dataset} file {file_path!r} could not be read as an .npz archive: {exc}"
        ) from exc
    if not hasattr(data, "files"):  # np.load gave a bare .npy ndarray
        raise ValueError(
            f"{dataset} file {file_path!r} holds a single array, not an .npz "
            f"archive with keys {', '.join(_REQUIRED_KEYS)}"
        )
    with data:
        missing = [key for key in _REQUIRED_KEYS if key not in data.files]
        if missing:
            raise ValueError(
                f"{dataset} file {file_path!r} is missing required "
                f"key(s) {', '.join(repr(k) for k in missing)}; it contains "
                f"{sorted(data.files)!r}, expected "
                f"{', '.join(repr(k) for k in _REQUIRED_KEYS)}"
            )
        arrays = {key: data[key] for key in _REQUIRED_KEYS}

    for split in ("train", "test"):
        x, y = arrays["x_" + split], arrays["y_" + split]
        if x.ndim != 3:
            raise ValueError(
                f"{dataset} file {file_path!r}: 'x_{split}' must have shape "
                f"(n, height, width), got {x.shape}"
            )
        if y.ndim != 1 or y.shape[0] != x.shape[0]:
            raise ValueError(
                f"{dataset} file {file_path!r}: 'y_{split}' must have shape "
                f"({x.shape[0]},) to match 'x_{split}', got {y.shape}"
            )
    return (arrays["x_train"], arrays["y_train"]), (
        arrays["x_test"],
        arrays["y_test"],
    )


def load_data(path="mnist.npz"):
    """Load the MNIST dataset from a local ``.npz`` file.

    Args:
        path: path to a Keras-style ``mnist.npz``. A relative path that does
            not exist from the current directory is also looked up in the
            Keras cache (``$KERAS_HOME/datasets``, default
            ``~/.keras/datasets``). Unlike Keras, nothing is downloaded.

    Returns:
        Tuple of NumPy arrays ``(x_train, y_train), (x_test, y_test)``, with
        the dtypes stored in the file (uint8 images of shape ``(n, 28, 28)``
        and uint8 labels ``0..9`` for Keras's ``mnist.npz``).

    Raises:
        FileNotFoundError: the file does not exist; the message says how
            to obtain it.
        ValueError: the file is not an ``.npz`` archive, one of
            ``x_train``, ``y_train``, ``x_test``, ``y_test`` is missing (the
            message names it), or the arrays have inconsistent shapes.
    """
    return _load_npz(path, "MNIST", _MNIST_HOWTO)
