"""Fashion-MNIST, read from a local ``.npz`` file.

``tf.keras.datasets.fashion_mnist.load_data()`` downloads the four original
idx ``.gz`` files. graphflow never downloads anything, so you provide an
``.npz`` laid out like Keras's ``mnist.npz`` and pass its path: arrays
``x_train`` (uint8, ``(60000, 28, 28)``), ``y_train`` (uint8, ``(60000,)``),
``x_test`` (uint8, ``(10000, 28, 28)``) and ``y_test`` (uint8, ``(10000,)``).
Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal,
6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.
"""

from .mnist import _load_npz

__all__ = ["load_data"]

_FASHION_HOWTO = (
    "graphflow does not download datasets. Create 'fashion_mnist.npz' with "
    "arrays x_train, y_train, x_test, y_test, for example on a machine with "
    "network access: `(x_train, y_train), (x_test, y_test) = "
    "tf.keras.datasets.fashion_mnist.load_data(); numpy.savez_compressed("
    "'fashion_mnist.npz', x_train=x_train, y_train=y_train, x_test=x_test, "
    "y_test=y_test)`, then call "
    "gf.keras.datasets.fashion_mnist.load_data(path='/path/to/fashion_mnist.npz')."
)


def load_data(path="fashion_mnist.npz"):
    """Load the Fashion-MNIST dataset from a local ``.npz`` file.

    Args:
        path: path to an ``.npz`` with keys ``x_train``, ``y_train``,
            ``x_test``, ``y_test``. A relative path that does not exist from
            the current directory is also looked up in the Keras cache
            (``$KERAS_HOME/datasets``, default ``~/.keras/datasets``).
            (Keras's own ``fashion_mnist.load_data`` takes no path; this
            argument is a graphflow addition, since nothing is downloaded.)

    Returns:
        Tuple of NumPy arrays ``(x_train, y_train), (x_test, y_test)``, with
        the dtypes stored in the file (uint8 images of shape ``(n, 28, 28)``
        and uint8 labels ``0..9`` as Keras returns them).

    Raises:
        FileNotFoundError: the file does not exist; the message says how
            to create it.
        ValueError: the file is not an ``.npz`` archive, one of
            ``x_train``, ``y_train``, ``x_test``, ``y_test`` is missing (the
            message names it), or the arrays have inconsistent shapes.
    """
    return _load_npz(path, "Fashion-MNIST", _FASHION_HOWTO)
