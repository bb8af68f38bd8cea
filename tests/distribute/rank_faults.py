"""A job in which rank 1 dies (SIGKILL) between two collectives: mpiexec must end the job at once,
the other ranks never completing the second collective. Run by test_mpi_training.py."""
import os
import signal

import numpy as np

import graphflow as gf

strategy = gf.distribute.MultiWorkerMirroredStrategy()
total = strategy.reduce(gf.distribute.ReduceOp.SUM, gf.constant(np.ones(3, np.float32)))
print(f"rank {strategy.replica_id}: first all-reduce {total.numpy().tolist()}", flush=True)
strategy.process_group.barrier()
if strategy.replica_id == 1:
    os.kill(os.getpid(), signal.SIGKILL)
strategy.reduce(gf.distribute.ReduceOp.SUM, gf.constant(np.ones(3, np.float32)))
print(f"rank {strategy.replica_id}: second all-reduce completed without rank 1", flush=True)
