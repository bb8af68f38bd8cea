"""Reading the pickled parts of Keras's dataset files (ragged object arrays in .npz archives,
CIFAR's batch files) without letting a file run code: only numpy array reconstruction may be
unpickled, the rest of a pickle is plain data (lists, dicts, bytes, numbers)."""
from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np

_NUMPY_ONLY = frozenset({("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "_reconstruct"),
                         ("numpy._core.multiarray", "_reconstruct")})


class NumpyOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _NUMPY_ONLY:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a dataset file: it may be corrupted "
                                     "or malicious")


def _read_npy(buffer: io.BytesIO):
    try:
        return np.lib.format.read_array(buffer, allow_pickle=False)
    except ValueError:               # an object array: its payload is a pickle
        buffer.seek(0)
        major, _ = np.lib.format.read_magic(buffer)
        if major == 1:
            np.lib.format.read_array_header_1_0(buffer)
        else:
            np.lib.format.read_array_header_2_0(buffer)
        return NumpyOnlyUnpickler(buffer).load()


def load_npz(path) -> dict:
    """An .npz archive as a dict of arrays, object arrays included, without arbitrary unpickling."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[:-4]] = _read_npy(io.BytesIO(raw.read()))
    return arrays


def load_pickle(path, encoding="bytes"):
    with open(path, "rb") as f:
        return NumpyOnlyUnpickler(f, encoding=encoding).load()
