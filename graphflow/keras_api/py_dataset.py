"""keras.utils.PyDataset (alias Sequence): batches produced by Python code, indexed by batch number.

`fit`/`evaluate`/`predict` read `ds[i]` for i in 0..num_batches-1 each epoch (shuffled per epoch
when fit has `shuffle=True`), calling `on_epoch_begin`/`on_epoch_end` around each pass. With
`workers > 1` batches are prepared ahead by a pool of threads, or of processes with
`use_multiprocessing=True`, at most `max_queue_size` batches ahead, in order."""
from __future__ import annotations

import collections
import concurrent.futures
import multiprocessing
import random


class PyDataset:
    """Subclass it: implement `__getitem__(index)` returning a batch ((x,), (x, y) or
    (x, y, sample_weight)) and `__len__` (or the `num_batches` property; None = infinite)."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers, self.use_multiprocessing, self.max_queue_size = workers, use_multiprocessing, max_queue_size

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index) returning a batch")

    @property
    def num_batches(self):
        if hasattr(type(self), "__len__"):
            return len(self)
        return None

    def on_epoch_begin(self):
        """Called before each epoch."""

    def on_epoch_end(self):
        """Called after each epoch (e.g. to reshuffle the samples behind the batches)."""

    def __iter__(self):
        index = 0
        while self.num_batches is None or index < self.num_batches:
            yield self[index]
            index += 1


Sequence = PyDataset


def _settings(ds):
    # A subclass that forgot super().__init__() still works, with Keras's defaults.
    return (getattr(ds, "workers", 1) or 1, getattr(ds, "use_multiprocessing", False),
            max(1, getattr(ds, "max_queue_size", 10) or 1))


def _fetch(ds, index):
    return ds[index]


def batches_of(ds: PyDataset, indices):
    """ds[i] for each i of `indices`, in order, prepared ahead by the dataset's workers."""
    workers, processes, queue_size = _settings(ds)
    if workers <= 1:
        for i in indices:
            yield ds[i]
        return
    if processes:
        pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    else:
        pool = concurrent.futures.ThreadPoolExecutor(workers)
    pending = collections.deque()
    indices = iter(indices)
    try:
        for i in indices:
            pending.append(pool.submit(_fetch, ds, i))
            if len(pending) >= queue_size:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def epoch_order(ds: PyDataset, shuffle: bool, epoch: int):
    """The batch indices of one epoch: all of them, shuffled (seeded by the epoch) if asked;
    an endless count for an infinite dataset."""
    total = ds.num_batches
    if total is None:
        return _count()
    order = list(range(total))
    if shuffle:
        random.Random(epoch).shuffle(order)
    return order


def _count():
    i = 0
    while True:
        yield i
        i += 1
