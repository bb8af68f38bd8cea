"""The cluster as MPI sees it: every rank is a worker (tf.distribute.cluster_resolver's view).

TensorFlow reads TF_CONFIG; graphflow's workers are the ranks mpiexec started, so the resolver
asks the MPI group instead. Host names come from MPI_Get_processor_name, gathered once.
"""
from __future__ import annotations


class MPIClusterResolver:
    """task_type 'worker', task_id = rank, one worker per rank."""

    def __init__(self, group):
        self._group = group
        self._hosts = None

    @property
    def task_type(self) -> str:
        return "worker"

    @property
    def task_id(self) -> int:
        return self._group.rank

    @property
    def num_workers(self) -> int:
        return self._group.size

    def hosts(self) -> list[str]:
        """Each rank's host name, in rank order (a collective: call it on every rank)."""
        if self._hosts is None:
            name = self._group.processor_name().encode()
            self._hosts = [h.decode() for h in self._group.all_gather_bytes(name, "gathering host names")]
        return list(self._hosts)

    def cluster_spec(self) -> dict:
        """{'worker': ['host:rank', ...]}: where each replica runs (MPI does the addressing)."""
        return {"worker": [f"{h}:{r}" for r, h in enumerate(self.hosts())]}

    def num_accelerators(self, task_type=None, task_id=None, config_proto=None) -> dict:
        return {}

    def __repr__(self):
        return f"MPIClusterResolver(task_type='worker', task_id={self.task_id}, num_workers={self.num_workers})"
