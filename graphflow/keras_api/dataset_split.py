"""keras.utils.split_dataset: one dataset (or arrays) into a left and a right gf.data.Dataset."""
from __future__ import annotations

import numpy as np

from ..data.dataset import Dataset
from ..data.structure import flatten, pack


def _size(value, total: int, name: str):
    if value is None:
        return None
    if isinstance(value, float):
        if not 0 < value < 1:
            raise ValueError(f"`{name}` as a fraction must be in (0, 1); got {value}")
        return int(value * total)      # Keras rounds a fraction down
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 < value <= total:
            raise ValueError(f"`{name}` as a count must be in (0, {total}] for {total} samples; got {value}")
        return value
    raise TypeError(f"`{name}` must be an int, a float or None; got {type(value).__name__}")


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """The first `left_size` samples and the last `right_size` samples (counts or fractions; one
    may be None for "the rest"), optionally shuffled (seeded) before splitting."""
    if left_size is None and right_size is None:
        raise ValueError("pass `left_size`, `right_size` or both")
    if isinstance(dataset, Dataset):
        spec = dataset.element_spec
        samples = [pack(spec, list(flat)) for flat in dataset.as_numpy_batches()]
        columns = [np.stack(c) for c in zip(*[flatten(s) for s in samples])] if samples else []
        structure = spec
    else:
        structure = dataset
        columns = [np.asarray(c) for c in flatten(dataset)]
        if len({len(c) for c in columns}) > 1:
            raise ValueError(f"the arrays have different lengths {[len(c) for c in columns]}")
    total = len(columns[0]) if columns else 0
    left, right = _size(left_size, total, "left_size"), _size(right_size, total, "right_size")
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"left_size {left} + right_size {right} exceed the {total} samples")
    order = np.arange(total)
    if shuffle:
        np.random.default_rng(seed).shuffle(order)
    parts = []
    for picked in (order[:left], order[total - right:]):
        parts.append(Dataset.from_tensor_slices(pack(structure, [c[picked] for c in columns])))
    return parts[0], parts[1]
