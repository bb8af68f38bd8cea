"""Small datasets for quick experiments (mirrors ``tf.keras.datasets``).

* :mod:`digits` -- the UCI optical-recognition handwritten digits (8x8
  images), shipped with the package, so it works offline.
* :mod:`mnist` and :mod:`fashion_mnist` -- read a local ``.npz`` file laid
  out like Keras's ``mnist.npz``; nothing is downloaded.

Each module has a ``load_data()`` returning
``(x_train, y_train), (x_test, y_test)``.
"""

from . import digits, fashion_mnist, mnist

__all__ = ["digits", "fashion_mnist", "mnist"]
