"""fit / evaluate / predict under a multi-replica strategy (MultiWorkerMirroredStrategy on N ranks).

Each rank takes its rows of every global batch (`shard_batch`), runs the same compiled step inside
`strategy.run` (the optimizer sums the ranks' gradients, the loss is scaled by 1/N), and reports
metrics computed from the metric totals summed over the ranks, so every rank sees the logs a
single process would and callbacks decide alike. predict gathers the ranks' rows back in order.
"""
from __future__ import annotations

import json

import numpy as np

from ...distribute import distribute_context
from ...distribute.distributed_dataset import DistributedDataset, shard_batch
from ...distribute.process_group import replica_slice
from .. import backend, nest


def training_strategy(model):
    """The strategy whose replicas train `model` together (the one it was built under, else the
    current one), or None in one process."""
    strategy = getattr(model, "_distribute_strategy", None)
    if strategy is None or strategy.num_replicas_in_sync == 1:
        strategy = distribute_context.get_strategy()
    return strategy if strategy.num_replicas_in_sync > 1 else None


def global_input(x):
    """The dataset behind a DistributedDataset: fit shards every global batch itself."""
    return x.dataset if isinstance(x, DistributedDataset) else x


class ReplicaData:
    """The batches of `data` (ArrayData, DatasetData...) cut to this replica's rows; remembers the
    global batch sizes, which predict needs to put the ranks' rows back in order."""

    def __init__(self, data, strategy):
        self._data, self._strategy = data, strategy
        self.global_batch_sizes: list[int] = []

    def batches(self):
        size, rank = self._strategy.num_replicas_in_sync, self._strategy.replica_id
        self.global_batch_sizes = []
        for bx, by, bsw in self._data.batches():
            leaf = next(t for t in nest.flatten(bx) if t is not None)
            local = shard_batch((bx, by, bsw), size, rank)
            if local is None:
                continue
            self.global_batch_sizes.append(int(np.shape(leaf)[0]))
            yield local

    def __getattr__(self, name):
        return getattr(self._data, name)


def share_shuffle_order(strategy) -> None:
    """Give every rank rank 0's shuffling generator: fit(shuffle=True) draws each epoch's permutation
    from it, and ranks must cut the same permuted global batches, else they would train on
    overlapping rows and miss others (as silently as a wrong answer)."""
    generator = backend.rng().bit_generator
    states = strategy.process_group.all_gather_bytes(json.dumps(generator.state).encode(), "sharing the shuffle order")
    generator.state = json.loads(states[0])


def reduced_metrics_result(model, strategy) -> dict:
    """`model.get_metrics_result()` over every replica: the metrics' state variables (totals and
    counts) summed over the ranks with one all-reduce, read, then restored to this rank's values."""
    variables = [v for m in model.metrics for v in m.variables]
    local = [np.array(v._state.read(), copy=True) for v in variables]
    summed = strategy.all_reduce_tensors(local, "sum", names=tuple(f"metric {v.name}" for v in variables))
    try:
        for v, value in zip(variables, summed):
            v._state.write(np.asarray(value))
        return {k: np.asarray(v) for k, v in model.get_metrics_result().items()}
    finally:
        for v, value in zip(variables, local):
            v._state.write(value)


def gather_predictions(outputs: list, data: ReplicaData, strategy) -> list:
    """Every rank's predict outputs merged into the global batches' order, on every rank."""
    size = strategy.num_replicas_in_sync
    flat = [nest.flatten(o) for o in outputs]
    merged = []
    for i in range(len(flat[0])):
        mine = np.concatenate([f[i] for f in flat], axis=0)
        parts = strategy.process_group.all_gather(mine)
        offsets = [0] * size
        rows = []
        for n in data.global_batch_sizes:
            for r in range(size):
                s = replica_slice(n, r, size)
                count = s.stop - s.start
                rows.append(parts[r][offsets[r]:offsets[r] + count])
                offsets[r] += count
        merged.append(np.concatenate(rows, axis=0))
    return merged
