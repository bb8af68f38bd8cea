"""gf.distribute strategies: one replica per process, and MPI ranks as the replicas of a job.

`MultiWorkerMirroredStrategy` makes every MPI rank one replica: variables created in `scope()`
start as rank 0's values, `run` marks code as per-replica (Keras optimizers then sum gradients
over the ranks with one fused CollectiveAllReduce op), `reduce` combines per-replica values.
`MirroredStrategy`, `OneDeviceStrategy` and the default strategy have one replica, so a script
written for the multi-worker strategy runs unchanged in one process.
"""
from __future__ import annotations

import contextlib
import enum

import numpy as np

from .. import context as ctx_mod
from .. import nest
from ..ops import api, dispatch
from ..ops.registry import get
from . import distribute_context
from .cluster_resolver import MPIClusterResolver
from .communication_options import CommunicationOptions
from .distributed_dataset import DistributedDataset, InputContext
from .process_group import LocalGroup, MpiGroup, world

_ALL_REDUCE, _BROADCAST = get("CollectiveAllReduce"), get("CollectiveBroadcast")


class ReduceOp(enum.Enum):
    """How per-replica values combine (tf.distribute.ReduceOp)."""
    SUM = "SUM"
    MEAN = "MEAN"


def _reduce_op(reduce_op) -> ReduceOp:
    if isinstance(reduce_op, ReduceOp):
        return reduce_op
    try:
        return ReduceOp[str(reduce_op).upper()]
    except KeyError:
        raise ValueError(f"reduce_op must be ReduceOp.SUM or ReduceOp.MEAN (or 'SUM'/'MEAN'), got {reduce_op!r}") \
            from None


class Strategy:
    """The API every strategy shares; subclasses choose the process group."""

    def __init__(self, group):
        self._group = group

    # ---- who takes part --------------------------------------------------------------------------------
    @property
    def num_replicas_in_sync(self) -> int:
        return self._group.size

    @property
    def replica_id(self) -> int:
        return self._group.rank

    @property
    def process_group(self):
        """The group whose ranks are this strategy's replicas (MpiGroup or LocalGroup)."""
        return self._group

    @property
    def is_chief(self) -> bool:
        """True on the replica that writes files (rank 0)."""
        return self._group.rank == 0

    @property
    def should_checkpoint(self) -> bool:
        """Whether this replica writes checkpoints (the chief)."""
        return self.is_chief

    @property
    def should_save_summary(self) -> bool:
        return self.is_chief

    @property
    def cluster_resolver(self):
        return None

    @property
    def extended(self):
        return self

    # ---- contexts ----------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def scope(self):
        """Make this strategy current; variables created inside start as rank 0's values."""
        with distribute_context.entered(self, replica=False), self._broadcasting_new_variables():
            yield self

    def _broadcasting_new_variables(self):
        if self.num_replicas_in_sync == 1:
            return contextlib.nullcontext()
        return _variable_hook(self._broadcast_new_variable)

    def _broadcast_new_variable(self, var) -> None:
        (value,) = self._group.broadcast([var._state.read()], 0, (f"variable {var.name}",))
        var._state.write(value)

    def run(self, fn, args=(), kwargs=None):
        """Call `fn(*args, **kwargs)` as this process's replica; returns its (per-replica) result.

        Inside, Keras optimizers sum gradients over the replicas; scale the loss by the global batch
        size (gf.nn.compute_average_loss) so the sum is the average gradient."""
        with distribute_context.entered(self, replica=True), self._broadcasting_new_variables():
            return fn(*args, **(kwargs or {}))

    # ---- values across replicas ------------------------------------------------------------------------
    def all_reduce_tensors(self, tensors: list, reduction: str, names=()) -> list:
        """One CollectiveAllReduce op over `tensors` (built into the graph being traced, or run now)."""
        tensors = [api.convert_to_tensor(t) for t in tensors]
        if self.num_replicas_in_sync == 1:
            return tensors
        out = dispatch.apply(_ALL_REDUCE, tuple(tensors), {"group": self._group, "reduction": reduction,
                                                           "names": tuple(names)})
        return list(out)

    def all_reduce(self, reduce_op, value):
        """`value` (a tensor or a nest of them) summed or averaged over every replica."""
        op = _reduce_op(reduce_op)
        flat = nest.flatten(value)
        reduced = self.all_reduce_tensors(flat, "sum" if op is ReduceOp.SUM else "mean")
        return nest.pack_as(value, reduced)

    def reduce(self, reduce_op, value, axis=None):
        """Combine a per-replica value over the replicas; with `axis`, also over that axis of each
        replica's value (MEAN then averages over every element of the global batch)."""
        op = _reduce_op(reduce_op)
        flat = [api.convert_to_tensor(v) for v in nest.flatten(value)]
        if axis is None:
            return nest.pack_as(value, self.all_reduce_tensors(flat, "sum" if op is ReduceOp.SUM else "mean"))
        sums = [api.reduce_sum(v, axis=axis) for v in flat]
        if op is ReduceOp.SUM:
            return nest.pack_as(value, self.all_reduce_tensors(sums, "sum"))
        counts = [api.cast(api.shape(v)[axis], v.dtype) for v in flat]
        totals = self.all_reduce_tensors(sums + counts, "sum")
        n = len(flat)
        return nest.pack_as(value, [api.divide(totals[i], totals[n + i]) for i in range(n)])

    def gather(self, value, axis=0):
        """Every replica's `value` concatenated along `axis`, in replica order (eager values)."""
        if not ctx_mod.executing_eagerly():
            raise ValueError("strategy.gather runs eagerly: call it outside gf.function on the step's results")

        def one(v):
            parts = self._group.all_gather(np.moveaxis(np.asarray(v), axis, 0))
            return api.convert_to_tensor(np.moveaxis(np.concatenate(parts, axis=0), 0, axis))
        return nest.map_structure(one, value)

    def experimental_local_results(self, value) -> tuple:
        """This process's replica's values: a tuple of one (one replica per process)."""
        return (value,)

    def broadcast_variables(self, variables, root: int = 0) -> None:
        """Set `variables` to rank `root`'s values now (eager)."""
        variables = list(variables)
        values = self._group.broadcast([v._state.read() for v in variables], root,
                                       tuple(f"variable {v.name}" for v in variables))
        for v, value in zip(variables, values):
            v._state.write(value)

    def broadcast_tensors(self, tensors: list, root: int, names=()) -> list:
        """One CollectiveBroadcast op: rank `root`'s values of `tensors` on every rank."""
        tensors = [api.convert_to_tensor(t) for t in tensors]
        if self.num_replicas_in_sync == 1 or not tensors:
            return tensors
        return list(dispatch.apply(_BROADCAST, tuple(tensors), {"group": self._group, "root": int(root),
                                                                "names": tuple(names)}))

    # ---- input -----------------------------------------------------------------------------------------
    def experimental_distribute_dataset(self, dataset, options=None):
        """Each replica iterates its share of every (global) batch of `dataset`."""
        return DistributedDataset(dataset, self.num_replicas_in_sync, self.replica_id)

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        """`dataset_fn(InputContext)` builds this replica's dataset (it shards and batches itself)."""
        ctx = InputContext(self.num_replicas_in_sync, self.replica_id, self.num_replicas_in_sync)
        return DistributedDataset(dataset_fn(ctx), 1, 0)

    def __repr__(self):
        return f"<{type(self).__name__}: {self.num_replicas_in_sync} replica(s), this is replica {self.replica_id}>"


class DefaultStrategy(Strategy):
    """The strategy outside every scope (tf.distribute.get_strategy() there): one replica."""

    def __init__(self):
        super().__init__(LocalGroup())


class OneDeviceStrategy(Strategy):
    """One replica on one device: graphflow runs every op on the CPU, so `device` is recorded only."""

    def __init__(self, device: str = "/cpu:0"):
        super().__init__(LocalGroup())
        self.device = device


class MirroredStrategy(Strategy):
    """Synchronous replicas on this machine's devices: graphflow has one device (the CPU), so one
    replica; use MultiWorkerMirroredStrategy under mpiexec for several processes."""

    def __init__(self, devices=None, cross_device_ops=None):
        devices = list(devices) if devices is not None else ["/cpu:0"]
        if len(devices) != 1:
            raise ValueError(f"MirroredStrategy: graphflow runs one replica per process on the CPU, got devices "
                             f"{devices}; for several replicas launch processes with `graphflow launch -n N` and "
                             "use MultiWorkerMirroredStrategy")
        super().__init__(LocalGroup())
        self.devices = tuple(devices)


class MultiWorkerMirroredStrategy(Strategy):
    """One replica per MPI rank (launch with `mpiexec -n N python train.py` or `graphflow launch`).

    Without mpiexec it is a job of one rank. Needs mpi4py (pip install 'graphflow[mpi]')."""

    def __init__(self, cluster_resolver=None, communication_options: CommunicationOptions | None = None):
        group = world()
        options = communication_options or CommunicationOptions()
        if options.bytes_per_pack or options.timeout_seconds is not None:   # its own knobs on the same ranks
            group = MpiGroup(group.comm, timeout=options.timeout_seconds,
                             fusion_bytes=options.bytes_per_pack or group.fusion_bytes)
        super().__init__(group)
        self.communication_options = options
        self._cluster_resolver = cluster_resolver or MPIClusterResolver(group)

    @property
    def cluster_resolver(self):
        return self._cluster_resolver


distribute_context.set_default_strategy(DefaultStrategy())


@contextlib.contextmanager
def _variable_hook(hook):
    hooks = ctx_mod.context().variable_hooks
    hooks.append(hook)
    try:
        yield
    finally:
        hooks.remove(hook)
