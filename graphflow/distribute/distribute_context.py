"""Which strategy is current, and whether code runs per replica (inside `strategy.run`) or across
replicas (inside `strategy.scope()` only): TensorFlow's distribution context, per thread.

Keras's optimizer and train step ask this module what to do with gradients and the loss, so the
same training code sums gradients over ranks under MultiWorkerMirroredStrategy and does nothing
extra in one process.
"""
from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass

from ..ops import api


class _DistributionState(threading.local):
    def __init__(self):
        self.stack: list[tuple[object, bool]] = []    # (strategy, in replica context), innermost last


_state = _DistributionState()
_default_strategy = None     # one replica, no communication: set by strategy.py when it loads


def set_default_strategy(strategy) -> None:
    global _default_strategy
    _default_strategy = strategy


@contextlib.contextmanager
def entered(strategy, replica: bool):
    """Make `strategy` current; `replica` says the code runs per replica (strategy.run)."""
    _state.stack.append((strategy, replica))
    try:
        yield strategy
    finally:
        _state.stack.pop()


def get_strategy():
    """The current strategy: the innermost `scope()`/`run()`, else the default strategy."""
    return _state.stack[-1][0] if _state.stack else _default_strategy


def has_strategy() -> bool:
    """True inside a strategy's scope() or run()."""
    return bool(_state.stack)


def in_cross_replica_context() -> bool:
    """True inside scope() but not inside run(): code that sees every replica at once."""
    return bool(_state.stack) and not _state.stack[-1][1]


@dataclass(frozen=True)
class ReplicaContext:
    """What code running per replica knows: its strategy, its id and how many replicas there are."""
    strategy: object

    @property
    def num_replicas_in_sync(self) -> int:
        return self.strategy.num_replicas_in_sync

    @property
    def replica_id_in_sync_group(self) -> int:
        return self.strategy.replica_id

    def all_reduce(self, reduce_op, value):
        """`value` (a tensor or nest of tensors) reduced over every replica (SUM or MEAN)."""
        return self.strategy.all_reduce(reduce_op, value)


def get_replica_context():
    """The ReplicaContext inside run() or outside every scope; None in a cross-replica context."""
    if in_cross_replica_context():
        return None
    return ReplicaContext(get_strategy())


def replica_strategy():
    """The strategy whose replicas must agree, when code runs per replica of more than one; else None."""
    if not _state.stack:
        return None
    strategy, replica = _state.stack[-1]
    return strategy if replica and strategy.num_replicas_in_sync > 1 else None


def sum_gradients_over_replicas(grads: list, variables: list) -> list:
    """Gradients summed over the replicas (one fused all-reduce) when running per replica of a
    multi-replica strategy, else unchanged: Keras optimizers call this, as TF's aggregate in
    `apply_gradients` inside `strategy.run`."""
    strategy = replica_strategy()
    if strategy is None or not grads:
        return grads
    return strategy.all_reduce_tensors(grads, "sum", names=tuple(f"gradient of {v.name}" for v in variables))


def loss_scale_for_replicas():
    """1/N when running per replica of N > 1 (the summed gradients then average the replicas'
    losses, as Keras scales the loss under a strategy), else None."""
    strategy = replica_strategy()
    return None if strategy is None else 1.0 / strategy.num_replicas_in_sync


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """Sum of the (weighted) per-example losses over the global batch size (gf.nn.compute_average_loss).

    Inside `strategy.run` the default global batch is this replica's batch times the number of
    replicas, so summing the replicas' gradients gives the gradient of the global mean."""
    loss = api.convert_to_tensor(per_example_loss)
    if sample_weight is not None:
        loss = api.multiply(loss, api.cast(sample_weight, loss.dtype))
    total = api.reduce_sum(loss)
    if global_batch_size is None:
        replicas = get_strategy().num_replicas_in_sync if not in_cross_replica_context() else 1
        n = api.shape(loss)[0] if loss.shape.rank else 1
        global_batch_size = api.multiply(api.cast(n, loss.dtype), float(replicas))
    return api.divide(total, api.cast(global_batch_size, loss.dtype))
