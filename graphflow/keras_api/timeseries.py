"""keras.utils.timeseries_dataset_from_array: sliding windows over a series as a gf.data pipeline.

Windows are gathered lazily, one per element, from the series held once in memory (never a
windows-times-length copy), like Keras's tf.data version."""
from __future__ import annotations

import numpy as np

from ..data.dataset import AUTOTUNE, Dataset
from ..ops import api as ops


def _check(data, sequence_length, sequence_stride, sampling_rate, start_index, end_index):
    n = len(data)
    if start_index is not None and not 0 <= start_index < n:
        raise ValueError(f"`start_index` must be in [0, {n}) for data of length {n}; got {start_index}")
    if end_index is not None:
        if start_index is not None and end_index <= start_index:
            raise ValueError(f"`end_index` ({end_index}) must be higher than `start_index` ({start_index})")
        if not 0 < end_index < n:
            raise ValueError(f"`end_index` must be in (0, {n}) for data of length {n}; got {end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0 or value >= n:
            raise ValueError(f"`{name}` must be in (0, {n}) for data of length {n}; got {value}")
    if sequence_length <= 0:
        raise ValueError(f"`sequence_length` must be positive; got {sequence_length}")


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None):
    """Windows of `sequence_length` steps taken every `sampling_rate` rows, a new window every
    `sequence_stride` rows; window i is paired with `targets[i]` when targets are given.

    `data[start_index:end_index]` is the part windowed. With `shuffle` the window order is
    shuffled (seeded by `seed`); batches of `batch_size` (None: single windows)."""
    data = np.asarray(data)
    _check(data, sequence_length, sequence_stride, sampling_rate, start_index, end_index)
    start = 0 if start_index is None else int(start_index)
    end = len(data) if end_index is None else int(end_index)
    count = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = np.asarray(targets)
        count = min(count, len(targets))
    starts = np.arange(0, max(count, 0), sequence_stride, dtype=np.int64)
    if shuffle:
        seed = np.random.randint(1_000_000) if seed is None else seed
        np.random.RandomState(seed).shuffle(starts)
    series = ops.constant(data[start:end])
    offsets = ops.constant(np.arange(sequence_length, dtype=np.int64) * sampling_rate)
    windows = Dataset.from_tensor_slices(starts).map(lambda s: ops.gather(series, s + offsets),
                                                     num_parallel_calls=AUTOTUNE)
    if targets is not None:
        if len(starts) and start + starts.max() >= len(targets):
            raise ValueError(f"targets has {len(targets)} rows; window {int(starts.argmax())} needs row "
                             f"{start + int(starts.max())} (start_index={start})")
        labels = Dataset.from_tensor_slices(targets[start + starts])
        windows = Dataset.zip((windows, labels))
    if shuffle:
        windows = windows.shuffle(batch_size * 8 if batch_size is not None else 1024, seed=seed)
    if batch_size is not None:
        windows = windows.batch(batch_size)
    return windows.prefetch(AUTOTUNE)
