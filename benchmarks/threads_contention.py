"""W1 and W4 compiled under contention, for candidate threading set-ups, beside TF's tf.function.

Each set-up is a set of environment variables for a fresh graphflow process; each contention
level N runs N busy-loop processes (graphflow/bench/contend.py) on the cores while graphflow's
and TensorFlow's processes time their compiled modes. Prints one Markdown table with the load
average. Used to choose graphflow's threading defaults (docs/bench.md, "Threads under load").

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE GRAPHFLOW_PEER_PYTHON_TENSORFLOW=/path/to/python \\
        python benchmarks/threads_contention.py [--setups before,default] [--contend 0,1]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from graphflow.bench import contend  # noqa: E402

# "before" pins what graphflow did before it chose threads itself (numba's and OpenBLAS's own
# defaults: active OpenMP waiting, a BLAS thread per core); the others are candidates.
SETUPS = {
    "before": {"GRAPHFLOW_THREADING": "off"},
    "default": {},
    "omp passive": {"GRAPHFLOW_THREADING": "off", "OMP_WAIT_POLICY": "PASSIVE"},
    "blas 1 thread": {"GRAPHFLOW_THREADING": "off", "OPENBLAS_NUM_THREADS": "1"},
    "passive + blas 1": {"GRAPHFLOW_THREADING": "off", "OMP_WAIT_POLICY": "PASSIVE", "OPENBLAS_NUM_THREADS": "1"},
    "workqueue": {"GRAPHFLOW_THREADING": "off", "NUMBA_THREADING_LAYER": "workqueue"},
    "1 thread": {"GRAPHFLOW_THREADING": "off", "NUMBA_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
}


def child(repeat: int) -> dict:
    """Medians (s) of W1 and W4 compiled in this process."""
    import numpy as np

    import graphflow as gf
    from graphflow.bench import w1_gelu, w3_mlp
    from graphflow.bench.timing import measure

    x = np.random.RandomState(0).uniform(-4, 4, w1_gelu.N).astype(np.float32)
    graph = gf.Graph()
    with graph.as_default():
        p = gf.compat.v1.placeholder(gf.float32, [w1_gelu.N])
        y = w1_gelu.gelu(p)
    sess = gf.compat.v1.Session(graph=graph)
    sess.run(y, {p: x})
    w1 = measure(lambda: sess.run(y, {p: x}), repeat=repeat)
    trainer = w3_mlp.session_trainer(w3_mlp.W4, optimize=True)
    w4 = measure(trainer.step, repeat=max(5, repeat // 2))
    return {"W1": w1.median, "W4": w4.median}


def run_child(env: dict, repeat: int) -> dict:
    full = dict(os.environ, PYTHONPATH=ROOT, **env)
    if env.get("GRAPHFLOW_THREADING") == "off":
        full.pop("GRAPHFLOW_INTRA_OP_THREADS", None)
    out = subprocess.run([sys.executable, __file__, "--child", "--repeat", str(repeat)], env=full,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_tf(repeat: int) -> dict:
    python = os.environ.get("GRAPHFLOW_PEER_PYTHON_TENSORFLOW")
    if not python:
        return {}
    script = os.path.join(ROOT, "graphflow", "bench", "peers", "tensorflow_peer.py")
    found = {}
    for wid, case in (("W1", "N=4194304"), ("W4", "batch=512")):
        out = subprocess.run([python, script, "--workload", wid, "--case", case, "--repeat", str(repeat)],
                             capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")).stdout
        line = next(s for s in reversed(out.splitlines()) if s.startswith("GRAPHFLOW_PEER_ROWS "))
        for row in json.loads(line.split(" ", 1)[1]):
            if row["mode"] == "tensorflow tf.function":
                found[wid] = row["median_s"]
    return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--setups", default=",".join(SETUPS))
    ap.add_argument("--contend", default="0,1")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.repeat)))
        return
    levels = [int(c) for c in args.contend.split(",")]
    names = [s.strip() for s in args.setups.split(",")]
    results: dict = {}
    for n in levels:
        with contend.busy_processes(n):
            load = [round(os.getloadavg()[0], 2)]
            for name in names:
                results[(name, n)] = run_child(SETUPS[name], args.repeat)
                print(f"# contend {n} {name}: {results[(name, n)]}", file=sys.stderr, flush=True)
            results[("tf.function", n)] = run_tf(args.repeat)
            print(f"# contend {n} tf.function: {results[('tf.function', n)]}", file=sys.stderr, flush=True)
            load.append(round(os.getloadavg()[0], 2))
        print(f"contend {n}: load average {load[0]} at start, {load[1]} at end", flush=True)
    print("\n| set-up | " + " | ".join(f"{w} contend {n}" for w in ("W1", "W4") for n in levels)
          + " | " + " | ".join(f"{w} slowdown {levels[-1]}/{levels[0]}" for w in ("W1", "W4")) + " |")
    print("|---" * (1 + 2 * len(levels) + 2) + "|")
    for name in names + ["tf.function"]:
        cells = []
        for w in ("W1", "W4"):
            cells += [f"{results[(name, n)].get(w, float('nan')) * 1e3:.2f} ms" for n in levels]
        slow = [results[(name, levels[-1])].get(w, float("nan")) / results[(name, levels[0])].get(w, float("nan"))
                for w in ("W1", "W4")]
        print(f"| {name} | " + " | ".join(cells) + " | " + " | ".join(f"{s:.2f}x" for s in slow) + " |")


if __name__ == "__main__":
    main()
