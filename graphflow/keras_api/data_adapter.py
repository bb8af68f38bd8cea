"""From what `fit`/`evaluate`/`predict` accept (numpy arrays, lists or dicts of them, tensors,
or an iterable of batches) to a sequence of batches of eager tensors.

Float64 arrays become float32 once up front (as Keras does), never per batch.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import dtypes
from ..data import structure as data_structure
from ..data.dataset import INFINITE, Dataset
from ..eager.tensor import EagerTensor
from ..tensor import Tensor
from ..variables import Variable
from . import backend, nest
from .py_dataset import PyDataset, batches_of, epoch_order


def _as_array(x):
    if x is None:
        return None
    if isinstance(x, (Tensor, Variable)):
        x = np.asarray(x)
    elif not isinstance(x, np.ndarray):
        x = np.asarray(x)
    if x.dtype == np.float64:
        x = x.astype(backend.floatx())
    elif x.dtype.kind in "SU" or (x.dtype.kind == "O" and x.size and isinstance(x.flat[0], str)):
        x = dtypes.to_bytes_array(x)     # text: a string tensor's object array of bytes
    return x


def _tensor(a):
    return EagerTensor(np.ascontiguousarray(a))


def unpack_x_y_sample_weight(data):
    """(x,), (x, y) or (x, y, sample_weight) -> a 3-tuple."""
    if isinstance(data, tuple):
        if len(data) == 1:
            return data[0], None, None
        if len(data) == 2:
            return data[0], data[1], None
        if len(data) == 3:
            return data
        raise ValueError(f"Data is expected to be (x,), (x, y) or (x, y, sample_weight), got a tuple of "
                         f"{len(data)} elements")
    return data, None, None


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _is_array_like(x) -> bool:
    return isinstance(x, (np.ndarray, Tensor, Variable, list, tuple, dict, int, float)) or x is None


def _class_weights(y, class_weight):
    y = np.asarray(y)
    labels = y.argmax(-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
    table = np.ones(int(max(max(class_weight), labels.max() if labels.size else 0)) + 1, np.float32)
    for k, w in class_weight.items():
        table[int(k)] = w
    return table[labels.astype(np.int64)]


class ArrayData:
    """Arrays (or nested lists/dicts of arrays) cut into batches, optionally reshuffled per epoch."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False, class_weight=None,
                 steps=None):
        self.x = nest.map_structure(_as_array, x)
        self.y = nest.map_structure(_as_array, y) if y is not None else None
        leaves = [a for a in nest.flatten([self.x, self.y]) if a is not None]
        if not leaves:
            raise ValueError("No data provided: x must be an array (or a list/dict of arrays)")
        sizes = {len(a) for a in leaves}
        if len(sizes) > 1:
            shapes = [a.shape for a in leaves]
            raise ValueError(f"Data cardinality is ambiguous: x and y should have the same number of samples, "
                             f"got arrays of shapes {shapes}")
        self.num_samples = sizes.pop()
        if class_weight is not None:
            if self.y is None or len(nest.flatten(self.y)) != 1:
                raise ValueError("class_weight needs a single y array")
            cw = _class_weights(nest.flatten(self.y)[0], class_weight)
            sample_weight = cw if sample_weight is None else np.asarray(sample_weight, np.float32) * cw
        self.sample_weight = _as_array(sample_weight) if sample_weight is not None else None
        self.batch_size = int(batch_size or 32)
        self.shuffle = shuffle
        n_batches = math.ceil(self.num_samples / self.batch_size)
        self.steps = n_batches if steps is None else min(int(steps), n_batches)

    def _take(self, structure, index):
        return nest.map_structure(lambda a: None if a is None else _tensor(a[index]), structure)

    def batches(self):
        """Yield (x, y, sample_weight) batches of eager tensors for one epoch."""
        n, bs = self.num_samples, self.batch_size
        order = None
        if self.shuffle and self.shuffle != "batch":
            order = backend.rng().permutation(n)
        starts = list(range(0, n, bs))[: self.steps]
        if self.shuffle == "batch":
            starts = [starts[i] for i in backend.rng().permutation(len(starts))]
        for start in starts:
            index = slice(start, min(start + bs, n)) if order is None else order[start:start + bs]
            x = self._take(self.x, index)
            y = self._take(self.y, index) if self.y is not None else None
            sw = _tensor(self.sample_weight[index]) if self.sample_weight is not None else None
            yield x, y, sw

    def first_x(self):
        return nest.map_structure(lambda a: a[: min(self.batch_size, self.num_samples)], self.x)

    def split(self, validation_split: float):
        """(train, validation) ArrayData: the last `validation_split` of the samples validate."""
        if not 0 < validation_split < 1:
            raise ValueError(f"validation_split must be in (0, 1), got {validation_split}")
        at = int(math.floor(self.num_samples * (1.0 - validation_split)))
        if at == 0 or at == self.num_samples:
            raise ValueError(f"validation_split={validation_split} leaves an empty training or validation set "
                             f"from {self.num_samples} samples")

        def part(s, sl):
            return nest.map_structure(lambda a: None if a is None else a[sl], s)
        train = ArrayData(part(self.x, slice(None, at)), part(self.y, slice(None, at)) if self.y is not None else None,
                          self.sample_weight[:at] if self.sample_weight is not None else None, self.batch_size,
                          self.shuffle)
        val = ArrayData(part(self.x, slice(at, None)), part(self.y, slice(at, None)) if self.y is not None else None,
                        self.sample_weight[at:] if self.sample_weight is not None else None, self.batch_size, False)
        return train, val


_RAN_OUT = ("Your input ran out of data; interrupting training. Make sure that your dataset or generator can "
            "generate at least `steps_per_epoch * epochs` batches. You may need to use the `.repeat()` function when "
            "building your dataset.")


def _convert_batch(batch):
    x, y, sw = unpack_x_y_sample_weight(batch if isinstance(batch, tuple) else (batch,))
    conv = lambda s: nest.map_structure(lambda a: None if a is None else _tensor(_as_array(a)), s)  # noqa: E731
    return conv(x), conv(y) if y is not None else None, conv(sw) if sw is not None else None


class IterableData:
    """Batches from an iterable (e.g. a generator of (x, y) tuples); `steps` batches per epoch.

    Without `steps` each epoch iterates the iterable again; a one-shot iterator (a generator
    object) has nothing left after its first epoch, and then `ran_out` stops training with
    Keras's warning instead of failing."""

    def __init__(self, iterable, steps=None):
        self.iterable, self.steps = iterable, steps
        self._iterator = None
        self.num_samples = None
        self.ran_out = False

    def _fresh_iterator(self):
        return iter(self.iterable)

    def _convert(self, batch):
        return _convert_batch(batch)

    def batches(self):
        if self._iterator is None or self.steps is None:
            self._iterator = self._fresh_iterator()
        count = 0
        while self.steps is None or count < self.steps:
            try:
                batch = next(self._iterator)
            except StopIteration:
                self._iterator = None
                if self.steps is not None or (count == 0 and self._one_shot()):
                    self.ran_out = True
                    warnings.warn(_RAN_OUT, UserWarning, stacklevel=3)
                return
            yield self._convert(batch)
            count += 1

    def _one_shot(self) -> bool:
        return iter(self.iterable) is self.iterable

    def first_x(self):
        raise ValueError("Cannot infer the input shape from an iterable: build the model first (give it an "
                         "Input, or call it on a batch)")


class DatasetData(IterableData):
    """Batches from a gf.data.Dataset: a full pass per epoch, or with `steps` (steps_per_epoch)
    that many batches per epoch from one continuing pass, as Keras does.  An infinite dataset
    needs `steps`."""

    def __init__(self, dataset: Dataset, steps=None):
        cardinality = int(dataset.cardinality())
        if cardinality == INFINITE and steps is None:
            raise ValueError("When providing an infinite dataset, you must specify the number of steps to run (if "
                             "you did not intend to create an infinite dataset, make sure to not call `repeat()` "
                             "on the dataset).")
        super().__init__(dataset, steps)
        self.dataset = dataset
        self.spec = dataset.element_spec
        self.progress_steps = steps if steps is not None else (cardinality if cardinality >= 0 else None)

    def _fresh_iterator(self):
        return self.dataset.as_numpy_batches()

    def _one_shot(self) -> bool:
        return False

    def _convert(self, flat):
        batch = data_structure.pack(self.spec, list(flat))
        return _convert_batch(batch)

    def first_x(self):
        """Zeros shaped like one batch of x (unknown dims as 1), from the element_spec: the model
        builds without running the pipeline."""
        x, _, _ = unpack_x_y_sample_weight(self.spec if isinstance(self.spec, tuple) else (self.spec,))
        if any(s.shape.dims is None for s in data_structure.flatten(x)):
            flat = next(iter(self.dataset.take(1).as_numpy_batches()))
            x, _, _ = unpack_x_y_sample_weight(data_structure.pack(self.spec, list(flat)))
            return x
        return data_structure.map_structure(
            lambda s: np.zeros([1 if d is None else d for d in s.shape.dims], s.dtype.np), x)


class PyDatasetData(IterableData):
    """Batches from a keras.utils.PyDataset: `ds[i]` for every index each epoch (shuffled per
    epoch when asked), with its epoch hooks; `steps` caps an epoch (needed if it is infinite)."""

    def __init__(self, dataset: PyDataset, shuffle=False, steps=None):
        if dataset.num_batches is None and steps is None:
            raise ValueError("This PyDataset is infinite (no __len__ or num_batches): pass steps_per_epoch / "
                             "steps")
        super().__init__(dataset, steps)
        self.dataset, self.shuffle, self.epoch = dataset, shuffle, 0
        self.progress_steps = steps if steps is not None else dataset.num_batches

    def batches(self):
        self.dataset.on_epoch_begin()
        order = epoch_order(self.dataset, self.shuffle, self.epoch)
        count = 0
        for batch in batches_of(self.dataset, order):
            yield self._convert(batch if isinstance(batch, tuple) else (batch,))
            count += 1
            if self.steps is not None and count >= self.steps:
                break
        self.epoch += 1
        self.dataset.on_epoch_end()

    def _one_shot(self) -> bool:
        return False

    def first_x(self):
        first = self.dataset[0]
        x, _, _ = unpack_x_y_sample_weight(first if isinstance(first, tuple) else (first,))
        return x


def make_data(x, y=None, sample_weight=None, batch_size=None, shuffle=False, class_weight=None, steps=None):
    if isinstance(x, (ArrayData, IterableData)):
        return x
    if isinstance(x, PyDataset):
        if y is not None:
            raise ValueError("`y` argument is not supported when using a PyDataset as input: its batches hold y")
        return PyDatasetData(x, shuffle=bool(shuffle), steps=steps)
    if isinstance(x, Dataset):
        if y is not None:
            raise ValueError("`y` argument is not supported when using a dataset as input: the dataset yields "
                             "(x, y) pairs")
        return DatasetData(x, steps)
    if not _is_array_like(x) and hasattr(x, "__iter__"):
        if y is not None:
            raise ValueError("When x is an iterable of batches, y must not be given separately")
        return IterableData(x, steps)
    return ArrayData(x, y, sample_weight, batch_size, shuffle, class_weight, steps)
