"""Input for replicas: each rank takes its rows of every global batch (TensorFlow's DATA sharding).

Every rank runs the same pipeline and keeps rows `replica_slice(n, rank, size)` of each batch of
`n`, so the replicas of one step together see exactly the batch a single process would, in order:
that is what makes N ranks reproduce the one-process result. A batch with fewer rows than replicas
would leave some replica with nothing to average, so such a batch (a small remainder) is skipped on
every rank, with a warning.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import nest
from ..ops import api
from .process_group import replica_slice


def shard_batch(batch, size: int, rank: int):
    """This replica's rows of `batch` (a nest of tensors/arrays with a common first dim), or None
    when the batch has fewer rows than replicas."""
    leaves = [x for x in nest.flatten(batch) if x is not None]
    if not leaves:
        return batch
    n = int(np.shape(leaves[0])[0])
    if n < size:
        warnings.warn(f"a batch of {n} rows is smaller than the {size} replicas and is skipped on every replica "
                      "(use a batch size that the number of replicas divides, or drop_remainder=True)", stacklevel=3)
        return None
    rows = replica_slice(n, rank, size)
    return nest.map_structure(lambda x: None if x is None else api.convert_to_tensor(np.asarray(x)[rows]), batch)


class InputContext:
    """What `distribute_datasets_from_function`'s function knows about its replica's input pipeline."""

    def __init__(self, num_input_pipelines: int = 1, input_pipeline_id: int = 0, num_replicas_in_sync: int = 1):
        self.num_input_pipelines = num_input_pipelines
        self.input_pipeline_id = input_pipeline_id
        self.num_replicas_in_sync = num_replicas_in_sync

    def get_per_replica_batch_size(self, global_batch_size: int) -> int:
        if global_batch_size % self.num_replicas_in_sync:
            raise ValueError(f"The `global_batch_size` {global_batch_size} is not divisible by "
                             f"`num_replicas_in_sync` {self.num_replicas_in_sync}")
        return global_batch_size // self.num_replicas_in_sync


class DistributedDataset:
    """Iterates this replica's share of each element of a batched dataset (or any iterable)."""

    def __init__(self, dataset, num_replicas: int, replica_id: int):
        self.dataset = dataset
        self._size, self._rank = num_replicas, replica_id

    @property
    def element_spec(self):
        return self.dataset.element_spec

    def __iter__(self):
        for batch in self.dataset:
            if self._size == 1:
                yield batch
                continue
            local = shard_batch(batch, self._size, self._rank)
            if local is not None:
                yield local
