"""gf.distribute.mpi: Horovod's API over the MPI world, for TF1 Session scripts and custom loops.

    import graphflow.distribute.mpi as hvd
    hvd.init()
    opt = hvd.DistributedOptimizer(gf.compat.v1.train.GradientDescentOptimizer(0.1 * hvd.size()))
    train_op = opt.minimize(loss)
    bcast = hvd.broadcast_global_variables(0)      # run once after the initializer

Gradients are averaged over the ranks by one fused CollectiveAllReduce op built into the training
graph (or run now, eagerly), the same op MultiWorkerMirroredStrategy uses.
"""
from __future__ import annotations

from .. import context as ctx_mod
from .. import nest
from .. import variables as variables_mod
from ..ops import api
from .process_group import world
from .strategy import MultiWorkerMirroredStrategy

_strategy = None


def init() -> None:
    """Start MPI (idempotent); every other function calls it."""
    _world_strategy()


def _world_strategy() -> MultiWorkerMirroredStrategy:
    global _strategy
    if _strategy is None:
        _strategy = MultiWorkerMirroredStrategy()
    return _strategy


def rank() -> int:
    return world().rank


def size() -> int:
    return world().size


def local_rank() -> int:
    """This rank's index among the ranks on its host."""
    names = _world_strategy().cluster_resolver.hosts()
    return names[: rank()].count(names[rank()])


def _average_reduction(op) -> str:
    if op in (None, "average", "Average", "mean"):
        return "mean"
    if op in ("sum", "Sum"):
        return "sum"
    raise ValueError(f"op must be 'average' or 'sum', got {op!r}")


def allreduce(tensor, op="average", name=None):
    """`tensor` averaged (or summed) over every rank."""
    (out,) = _world_strategy().all_reduce_tensors([tensor], _average_reduction(op), names=(name or "tensor",))
    return out


def broadcast(tensor, root_rank: int = 0, name=None):
    """Rank `root_rank`'s value of `tensor` on every rank."""
    (out,) = _world_strategy().broadcast_tensors([tensor], root_rank, names=(name or "tensor",))
    return out


def broadcast_variables(variables, root_rank: int = 0):
    """Set `variables` to rank `root_rank`'s values: now when eager, else an op to run once."""
    variables = list(variables)
    strategy = _world_strategy()
    if ctx_mod.executing_eagerly():
        strategy.broadcast_variables(variables, root_rank)
        return None
    values = strategy.broadcast_tensors(variables, root_rank, names=tuple(f"variable {v.name}" for v in variables))
    return api.group(*[v.assign(value) for v, value in zip(variables, values)], name="broadcast_variables")


def broadcast_global_variables(root_rank: int = 0):
    """broadcast_variables over the default graph's global variables (TF1)."""
    return broadcast_variables(variables_mod.global_variables(), root_rank)


def _allreduce_gradients(pairs: list, reduction: str) -> list:
    present = [(g, v) for g, v in pairs if g is not None]
    if not present:
        return pairs
    reduced = iter(_world_strategy().all_reduce_tensors([g for g, _ in present], reduction,
                                                        names=tuple(f"gradient of {v.name}" for _, v in present)))
    return [(next(reduced) if g is not None else None, v) for g, v in pairs]


class DistributedOptimizer:
    """Wraps a TF1 optimizer: compute_gradients averages every gradient over the ranks (one fused
    all-reduce), so each rank applies the same update and the variables stay equal."""

    def __init__(self, optimizer, name=None, op="average"):
        self._optimizer = optimizer
        self._reduction = _average_reduction(op)
        self._name = name or f"Distributed{type(optimizer).__name__}"

    def compute_gradients(self, *args, **kwargs) -> list:
        return _allreduce_gradients(self._optimizer.compute_gradients(*args, **kwargs), self._reduction)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        return self._optimizer.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def minimize(self, loss, global_step=None, var_list=None, name=None, grad_loss=None, **kwargs):
        pairs = self.compute_gradients(loss, var_list=var_list, grad_loss=grad_loss)
        return self.apply_gradients(pairs, global_step=global_step, name=name)

    def __getattr__(self, name):
        return getattr(self._optimizer, name)


class DistributedGradientTape:
    """Wraps a GradientTape: `gradient` returns gradients averaged over the ranks."""

    def __init__(self, tape, op="average"):
        self._tape = tape
        self._reduction = _average_reduction(op)

    def gradient(self, target, sources, output_gradients=None):
        flat = nest.flatten(sources)
        grads = self._tape.gradient(target, flat, output_gradients=output_gradients)
        pairs = _allreduce_gradients(list(zip(grads, flat)), self._reduction)
        return nest.pack_as(sources, [g for g, _ in pairs])

    def __getattr__(self, name):
        return getattr(self._tape, name)
