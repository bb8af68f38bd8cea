"""Data-parallel scaling on this machine: W4 and a W7-style CNN step on 1, 2 and 4 MPI ranks, and
graphflow's all-reduce against mpi4py's raw Allreduce on the same buffers.

W4 (MLP 784-1024-1024-10, global batch 512) is a gf.function step on each rank's 512/N rows with the
gradients averaged by one fused CollectiveAllReduce op; W7 (BENCHMARKS.md's CNN, global batch 64)
is Keras fit under MultiWorkerMirroredStrategy. Strong scaling: the global batch is fixed, so a
global step/s above the 1-rank figure is a speed-up. Every rank runs one BLAS thread, the 1-rank
row included: on a shared machine a 2-thread BLAS whose threads wait for each other collapses
(BENCHMARKS.md: W4 100-250 ms with 2 threads under load, 22-30 ms with one), which would flatter
the multi-rank rows. 4 ranks on 2 cores are oversubscribed.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=$PWD python benchmarks/distributed_scaling.py
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.abspath(__file__)
W4_STEPS, W7_STEPS = 10, 20


def _median_ms(times: list[float]) -> float:
    return float(np.median(times) * 1e3)


def w4_worker(strategy) -> dict:
    import graphflow as gf
    from graphflow.bench.w3_mlp import W4, batch, forward_loss, initial_params
    from graphflow.distribute.process_group import replica_slice
    x, y = batch(W4)
    rows = replica_slice(len(x), strategy.replica_id, strategy.num_replicas_in_sync)
    x, y = gf.constant(x[rows]), gf.constant(y[rows])
    with strategy.scope():
        variables = [gf.Variable(p) for p in initial_params(W4)]

    @gf.function
    def step(x, y):
        with gf.GradientTape() as tape:
            loss = forward_loss(variables, x, y)
        grads = strategy.all_reduce_tensors(tape.gradient(loss, variables), "mean")
        for v, g in zip(variables, grads):
            v.assign_sub(g * 0.1)
        return loss
    for _ in range(3):
        step(x, y)
    times = []
    for _ in range(W4_STEPS):
        strategy.process_group.barrier()
        start = time.perf_counter()
        step(x, y).numpy()
        times.append(time.perf_counter() - start)
    return {"w4_step_ms": _median_ms(times)}


def w7_worker(strategy) -> dict:
    import graphflow as gf
    keras = gf.keras
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64 * W7_STEPS, 28, 28, 1)).astype(np.float32)
    y = rng.integers(0, 10, 64 * W7_STEPS).astype(np.int32)
    with strategy.scope():
        model = keras.Sequential([
            keras.Input((28, 28, 1)), keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, 3, activation="relu"), keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10)])
        model.compile(keras.optimizers.SGD(0.01), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x[:128], y[:128], batch_size=64, epochs=1, verbose=0, shuffle=False)      # trace and compile
    strategy.process_group.barrier()
    start = time.perf_counter()
    model.fit(x, y, batch_size=64, epochs=1, verbose=0, shuffle=False)
    return {"w7_step_ms": (time.perf_counter() - start) / W7_STEPS * 1e3}


def _bandwidth_case(strategy, comm, arrays: list) -> dict:
    """Median ms of one all-reduce of `arrays`: graphflow's op and kernel, mpi4py per tensor and packed."""
    from mpi4py import MPI

    import graphflow as gf
    tensors = [gf.constant(a) for a in arrays]
    recvs = [np.empty_like(a) for a in arrays]
    packed = np.concatenate([a.ravel() for a in arrays])
    packed_recv = np.empty_like(packed)
    repeat = 11 if packed.nbytes > (1 << 20) else 200

    def graphflow_op():
        strategy.all_reduce_tensors(tensors, "sum")[-1].numpy()

    def graphflow_kernel():          # what a compiled plan calls: no eager dispatch around it
        strategy.process_group.all_reduce(arrays, "sum")

    def raw_per_tensor():
        for a, r in zip(arrays, recvs):
            comm.Allreduce(a, r, op=MPI.SUM)

    def raw_packed():
        comm.Allreduce(packed, packed_recv, op=MPI.SUM)
    row = {"bytes": int(packed.nbytes)}
    for label, fn in (("graphflow", graphflow_op), ("graphflow_kernel", graphflow_kernel),
                      ("mpi4py_per_tensor", raw_per_tensor), ("mpi4py_one_buffer", raw_packed)):
        fn()
        times = []
        for _ in range(repeat):
            comm.Barrier()
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        row[label] = _median_ms(times)
    return row


def bandwidth_worker(strategy) -> dict:
    """graphflow's all-reduce (the op eagerly, and its kernel) vs raw mpi4py Allreduce, same buffers."""
    from mpi4py import MPI

    from graphflow.bench.w3_mlp import W4, initial_params
    cases = {"W4 gradients (6 tensors, 7.3 MB)": initial_params(W4),
             "one 64 MB tensor": [np.ones(16 << 20, np.float32)],
             "one 4 KB tensor": [np.ones(1024, np.float32)]}
    return {name: _bandwidth_case(strategy, MPI.COMM_WORLD, arrays) for name, arrays in cases.items()}


def worker(parts: list[str]) -> None:
    import graphflow as gf
    strategy = gf.distribute.MultiWorkerMirroredStrategy()
    result = {"ranks": strategy.num_replicas_in_sync}
    if "w4" in parts:
        result.update(w4_worker(strategy))
    if "w7" in parts:
        result.update(w7_worker(strategy))
    if "bandwidth" in parts:
        result["bandwidth"] = bandwidth_worker(strategy)
    if strategy.replica_id == 0:
        print("RESULT " + json.dumps(result), flush=True)


def launch(n: int, parts: list[str]) -> dict:
    from graphflow.distribute.launch import mpiexec_command
    env = dict(os.environ)
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", NUMBA_NUM_THREADS="1")
    proc = subprocess.run(mpiexec_command(n, [HERE, "--worker", ",".join(parts)]), capture_output=True, text=True,
                          env=env, timeout=3600)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"{n} ranks produced no result:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")


def main() -> None:
    load_before = os.getloadavg()
    rows = {}
    for n in (1, 2, 4):
        rows[n] = launch(n, ["w4", "w7"] + (["bandwidth"] if n == 2 else []))
        print(f"{n} rank(s): {rows[n]}", file=sys.stderr, flush=True)
    load_after = os.getloadavg()
    print(f"\nload average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min), {os.cpu_count()} cores\n")
    print("| ranks | W4 step ms | W4 global steps/s | vs 1 rank | W7 (fit) step ms | W7 steps/s | vs 1 rank |")
    print("|---|---|---|---|---|---|---|")
    for n, r in rows.items():
        print(f"| {n} | {r['w4_step_ms']:.1f} | {1e3 / r['w4_step_ms']:.1f} | "
              f"{rows[1]['w4_step_ms'] / r['w4_step_ms']:.2f}x | {r['w7_step_ms']:.1f} | {1e3 / r['w7_step_ms']:.1f} | "
              f"{rows[1]['w7_step_ms'] / r['w7_step_ms']:.2f}x |")
    print("\n| all-reduce on 2 ranks | bytes | graphflow op (eager) ms | its kernel (as in a plan) ms | "
          "mpi4py per tensor ms | mpi4py one buffer ms | op / best raw | kernel / best raw |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in rows[2]["bandwidth"].items():
        best = min(r["mpi4py_per_tensor"], r["mpi4py_one_buffer"])
        print(f"| {name} | {r['bytes']} | {r['graphflow']:.3f} | {r['graphflow_kernel']:.3f} | "
              f"{r['mpi4py_per_tensor']:.3f} | {r['mpi4py_one_buffer']:.3f} | {r['graphflow'] / best:.2f}x | "
              f"{r['graphflow_kernel'] / best:.2f}x |")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(sys.argv[2].split(","))
    else:
        main()
