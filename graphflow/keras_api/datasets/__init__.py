"""Small datasets for quick experiments (mirrors ``tf.keras.datasets``).

* :mod:`digits` -- the UCI optical-recognition handwritten digits (8x8
  images), shipped with the package, so it works offline.
* :mod:`mnist` and :mod:`fashion_mnist` -- read a local ``.npz`` file laid
  out like Keras's ``mnist.npz``; nothing is downloaded.
* ``imdb``, ``reuters`` (with ``get_word_index``), ``boston_housing``,
  ``california_housing``, ``cifar10``, ``cifar100`` -- read the files Keras
  keeps in ``~/.keras/datasets`` and process them exactly as Keras does; a
  missing file is a FileNotFoundError saying where to put it.

Each module has a ``load_data()`` returning
``(x_train, y_train), (x_test, y_test)``.
"""

import types as _types

from . import cifar as _cifar
from . import digits, fashion_mnist, mnist
from . import sequences as _sequences
from . import tables as _tables


def _dataset(name, **members):
    module = _types.ModuleType(f"graphflow.keras.datasets.{name}")
    module.__dict__.update(members)
    return module


imdb = _dataset("imdb", load_data=_sequences.imdb,
                get_word_index=lambda path="imdb_word_index.json": _sequences.word_index("IMDB", path))
reuters = _dataset("reuters", load_data=_sequences.reuters,
                   get_word_index=lambda path="reuters_word_index.json": _sequences.word_index("Reuters", path))
boston_housing = _dataset("boston_housing", load_data=_tables.boston_housing)
california_housing = _dataset("california_housing", load_data=_tables.california_housing)
cifar10 = _dataset("cifar10", load_data=_cifar.cifar10)
cifar100 = _dataset("cifar100", load_data=_cifar.cifar100)

__all__ = ["boston_housing", "california_housing", "cifar10", "cifar100", "digits", "fashion_mnist", "imdb", "mnist",
           "reuters"]
