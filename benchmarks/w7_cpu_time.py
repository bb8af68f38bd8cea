"""W7's training step in CPU time per step, with one thread everywhere: graphflow's modes beside
TF and torch, and graphflow's page faults per step.

On a shared machine wall time measures the scheduler; the CPU time a step costs on one thread
does not move much with load, so it compares the kernels and the execution models. Each
framework runs in its own process with one thread (GRAPHFLOW_THREADING=off, OPENBLAS, OMP, TF
and torch set to one), round by round; the table prints the lowest and median of each.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE GRAPHFLOW_PEER_PYTHON_TENSORFLOW=... \\
        GRAPHFLOW_PEER_PYTHON_TORCH=... python benchmarks/w7_cpu_time.py [--rounds 3]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent          # the graphflow tree this script belongs to
PEERS_DIR = ROOT / "graphflow" / "bench" / "peers"
ONE_THREAD = {"GRAPHFLOW_THREADING": "off", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
              "NUMBA_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}

# each child prints {mode: [cpu ms per step of each batch of 5 steps], "faults": {...}} as JSON
TIMING = """
import json, resource, time
def timed(step, batches=8, per=5):
    for _ in range(5):
        step()
    cpu, f0 = [], resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(batches):
        c0 = time.process_time()
        for _ in range(per):
            step()
        cpu.append((time.process_time() - c0) / per * 1e3)
    return cpu, (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / (batches * per)
"""

GRAPHFLOW = TIMING + """
from graphflow.bench import w7_cnn
out = {}
for mode in ("eager", "function"):
    cpu, faults = timed(w7_cnn.trainers(64)[mode]().step)
    out["graphflow " + mode] = {"cpu": cpu, "faults": faults}
print(json.dumps(out))
"""

TENSORFLOW = TIMING + """
import sys
sys.path.insert(0, {peers!r})
import tensorflow as tf
import cnn_reference as cnn
import tensorflow_peer
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
x_np, y_np = cnn.cnn_batch(64)
step = tensorflow_peer.cnn_step([tf.Variable(p) for p in cnn.cnn_params()])
x, y = tf.constant(x_np), tf.constant(y_np)
out = {{}}
for name, f in (("tf eager", step), ("tf tf.function", tf.function(step))):
    cpu, faults = timed(lambda: f(x, y).numpy())
    out[name] = {{"cpu": cpu, "faults": faults}}
print(json.dumps(out))
"""

TORCH = TIMING + """
import sys
sys.path.insert(0, {peers!r})
import numpy as np, torch
import cnn_reference as cnn
import torch_peer
torch.set_num_threads(1)
x_np, y_np = cnn.cnn_batch(64)
step = torch_peer.cnn_step([torch.tensor(np.ascontiguousarray(p.transpose(3, 2, 0, 1)) if p.ndim == 4 else p,
                                         requires_grad=True) for p in cnn.cnn_params()])
x = torch.from_numpy(np.ascontiguousarray(x_np.transpose(0, 3, 1, 2)))
y = torch.from_numpy(y_np.astype(np.int64))
cpu, faults = timed(lambda: step(x, y))
print(json.dumps({{"torch eager": {{"cpu": cpu, "faults": faults}}}}))
"""


def _children() -> list[tuple[str, list[str]]]:
    """(label, argv) per framework that can run: graphflow here, peers from GRAPHFLOW_PEER_PYTHON_*."""
    found = [("graphflow", [sys.executable, "-c", GRAPHFLOW])]
    for name, script in (("TENSORFLOW", TENSORFLOW), ("TORCH", TORCH)):
        python = os.environ.get(f"GRAPHFLOW_PEER_PYTHON_{name}")
        if python:
            found.append((name.lower(), [python, "-c", script.format(peers=str(PEERS_DIR))]))
    return found


def main(rounds: int) -> None:
    env = dict(os.environ, **ONE_THREAD)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + env.get("PYTHONPATH", "").split(os.pathsep))
    cpu: dict = {}
    faults: dict = {}
    for _ in range(rounds):
        for label, argv in _children():
            # `-c` puts the cwd first on sys.path: this tree's graphflow
            done = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=ROOT)
            if done.returncode != 0:
                print(f"{label}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
                continue
            for mode, r in json.loads(done.stdout.strip().splitlines()[-1]).items():
                cpu.setdefault(mode, []).extend(r["cpu"])
                faults.setdefault(mode, []).append(r["faults"])
    print(f"{'mode':18s} {'lowest':>8s} {'median':>8s}  minor faults/step   (CPU ms per step, one thread)")
    for mode, ts in cpu.items():
        print(f"{mode:18s} {min(ts):8.1f} {float(np.median(ts)):8.1f}  {float(np.median(faults[mode])):10.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    main(parser.parse_args().rounds)
