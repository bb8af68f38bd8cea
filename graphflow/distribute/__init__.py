"""gf.distribute: data-parallel training, one replica per process, MPI ranks as the workers.

Strategies (strategy.py) and the distribution context (distribute_context.py) are what a TF
script uses; gf.distribute.mpi is Horovod's API for Session scripts; launch.py is
`graphflow launch`. The collectives are ops of the registry (ops/collective.py) whose kernels call
the process group (process_group.py). See docs/distributed.md.
"""
from . import experimental, mpi
from .cluster_resolver import MPIClusterResolver
from .distribute_context import (
    ReplicaContext,
    compute_average_loss,
    get_replica_context,
    get_strategy,
    has_strategy,
    in_cross_replica_context,
)
from .distributed_dataset import DistributedDataset, InputContext
from .strategy import (
    MirroredStrategy,
    MultiWorkerMirroredStrategy,
    OneDeviceStrategy,
    ReduceOp,
    Strategy,
)

__all__ = ["experimental", "mpi", "compute_average_loss", "MPIClusterResolver", "ReplicaContext", "get_replica_context",
           "get_strategy", "has_strategy", "in_cross_replica_context", "DistributedDataset", "InputContext",
           "MirroredStrategy", "MultiWorkerMirroredStrategy", "OneDeviceStrategy", "ReduceOp", "Strategy"]
