"""UCI optical-recognition handwritten digits, shipped with graphflow.

The data file ``data/digits.csv.gz`` is the copy distributed by
scikit-learn (``sklearn.datasets.load_digits``): 1797 samples, each an 8x8
image of integer pixel counts in ``0..16`` and a label in ``0..9``. See
``data/LICENSE-digits.txt`` for provenance and licence (CC BY 4.0 data,
E. Alpaydin and C. Kaynak, UCI Machine Learning Repository, 1998).
"""

import functools
import gzip
from importlib import resources

import numpy as np

__all__ = ["load_data"]

_DATA_FILE = "digits.csv.gz"
NUM_SAMPLES = 1797
NUM_TRAIN = 1437
NUM_TEST = NUM_SAMPLES - NUM_TRAIN  # 360


@functools.lru_cache(maxsize=1)
def _load_arrays():
    """Parse the shipped CSV once; returns read-only ``(images, labels)``."""
    resource = resources.files(__package__) / "data" / _DATA_FILE
    with resource.open("rb") as raw, gzip.open(raw, "rt") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.float64)
    if table.shape != (NUM_SAMPLES, 65):
        raise RuntimeError(
            f"graphflow's bundled {_DATA_FILE} looks corrupted: expected a "
            f"table of shape ({NUM_SAMPLES}, 65), got {table.shape}"
        )
    images = table[:, :64].reshape(NUM_SAMPLES, 8, 8).astype(np.float32)
    labels = table[:, 64].astype(np.int64)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def load_data():
    """Load the handwritten digits dataset (8x8 images, 10 classes).

    Unlike ``mnist.load_data`` this needs no download: the data ships with
    graphflow. The split is fixed and deterministic: the first 1437 samples
    of the file (in file order) are the training set, the remaining 360 the
    test set. Every class 0..9 occurs in both.

    Returns:
        Tuple of NumPy arrays ``(x_train, y_train), (x_test, y_test)``.

        * ``x_train``: float32, shape ``(1437, 8, 8)``, raw pixel counts
          with integer values in ``0..16`` (not rescaled; divide by 16.0
          to get ``[0, 1]``).
        * ``y_train``: int64, shape ``(1437,)``, labels ``0..9``.
        * ``x_test``: float32, shape ``(360, 8, 8)``.
        * ``y_test``: int64, shape ``(360,)``.

        Note the dtypes differ from Keras's ``mnist.load_data`` (uint8
        images and labels): images are float32 so they can be fed to a
        model directly, labels are int64 (the numpy default integer type,
        suitable for sparse categorical losses).

    The file is parsed once per process; each call returns fresh, writable
    copies, so modifying the returned arrays never affects later calls.
    """
    images, labels = _load_arrays()
    x_train = images[:NUM_TRAIN].copy()
    y_train = labels[:NUM_TRAIN].copy()
    x_test = images[NUM_TRAIN:].copy()
    y_test = labels[NUM_TRAIN:].copy()
    return (x_train, y_train), (x_test, y_test)
