"""W1 and W4 compiled under contention, for candidate threading set-ups, beside TF's tf.function.

Each set-up is a set of environment variables for a fresh graphflow process; each contention
level N runs N busy-loop processes (graphflow/bench/contend.py) on the cores while graphflow's
and TensorFlow's processes time their compiled modes. Prints one Markdown table with the load
average. Rounds are the outer loop, every round running every contention level back to back, and
each slowdown is reported as the median of the rounds' own ratios with their range: TF's own
slowdown moved between 1.0x and 2.5x from run to run. `--gains` adds one-thread runs of both
frameworks: what the second core gives each on idle cores, which is about what one busy process
takes away. Used to choose graphflow's threading defaults (docs/bench.md, "Threads under load").

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE GRAPHFLOW_PEER_PYTHON_TENSORFLOW=/path/to/python \\
        python benchmarks/threads_contention.py [--setups before,default] [--contend 0,1] [--rounds 3] [--gains]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from graphflow.bench import contend  # noqa: E402

# "before" pins what graphflow did before it chose threads itself (numba's and OpenBLAS's own
# defaults: active OpenMP waiting, a BLAS thread per core); "default" is graphflow's set-up now;
# the others are candidates that were measured against it.
SETUPS = {
    "before": {"GRAPHFLOW_THREADING": "off"},
    "default": {},
    "default + blas 1": {"OPENBLAS_NUM_THREADS": "1"},
    "blas sleeps only": {"GRAPHFLOW_THREADING": "off", "OPENBLAS_THREAD_TIMEOUT": "4"},
    "omp passive": {"GRAPHFLOW_THREADING": "off", "OMP_WAIT_POLICY": "PASSIVE"},
    "blas 1 thread": {"GRAPHFLOW_THREADING": "off", "OPENBLAS_NUM_THREADS": "1"},
    "workqueue": {"GRAPHFLOW_THREADING": "off", "NUMBA_THREADING_LAYER": "workqueue"},
    "1 thread": {"GRAPHFLOW_THREADING": "off", "NUMBA_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
}
TF = "tf.function"
# TensorFlow's set-ups: its own defaults, and one thread (TF reads these at start-up), whose ratio
# to the default at contend 0 is what a second core gives TF's W1/W4 (see `gains`).
TF_SETUPS = {TF: {}, "tf.function 1 thread": {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}}


def child(repeat: int) -> dict:
    """Medians (s) of W1 and W4 compiled (TF1 Session through the default pipeline) in this process."""
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


def tf_child(repeat: int) -> dict:
    """The same two workloads in TensorFlow's tf.function (run under the TF interpreter)."""
    import statistics
    import time

    import numpy as np
    import tensorflow as tf

    def median_of(fn, n):
        for _ in range(3):
            fn()
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    x = tf.constant(np.random.RandomState(0).uniform(-4, 4, 2 ** 22).astype(np.float32))
    gelu = tf.function(lambda v: 0.5 * v * (1.0 + tf.tanh(0.7978845608 * (v + 0.044715 * v * v * v))))
    w1 = median_of(lambda: gelu(x).numpy(), repeat)
    sizes, rng = (784, 1024, 1024, 10), np.random.RandomState(0)
    variables = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        variables += [tf.Variable((rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(np.float32)),
                      tf.Variable(np.zeros(fan_out, np.float32))]
    xb = tf.constant(np.random.RandomState(1).standard_normal((512, 784)).astype(np.float32))
    yb = tf.constant(np.random.RandomState(2).randint(0, 10, 512).astype(np.int32))

    @tf.function
    def step(a, b):
        with tf.GradientTape() as tape:
            h = a
            for i in range(0, 6, 2):
                h = tf.matmul(h, variables[i]) + variables[i + 1]
                h = tf.nn.relu(h) if i < 4 else h
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=b, logits=h))
        for v, g in zip(variables, tape.gradient(loss, variables)):
            v.assign_sub(0.1 * g)
        return loss
    w4 = median_of(lambda: step(xb, yb).numpy(), max(5, repeat // 2))
    return {"W1": w1, "W4": w4}


def run_child(name: str, repeat: int) -> dict:
    if name in TF_SETUPS:
        python = os.environ.get("GRAPHFLOW_PEER_PYTHON_TENSORFLOW")
        if not python:
            return {}
        cmd, env = [python, __file__, "--tf-child"], dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **TF_SETUPS[name])
    else:
        cmd, env = [sys.executable, __file__, "--child"], dict(os.environ, PYTHONPATH=ROOT, **SETUPS[name])
    out = subprocess.run(cmd + ["--repeat", str(repeat)], env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--tf-child", action="store_true")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=1, help="set-ups run round by round, medians over rounds")
    ap.add_argument("--setups", default=",".join(SETUPS))
    ap.add_argument("--contend", default="0,1")
    ap.add_argument("--gains", action="store_true",
                    help="also one-thread runs of graphflow and TF, and what the second core gives each")
    args = ap.parse_args()
    if args.child or args.tf_child:
        print(json.dumps((child if args.child else tf_child)(args.repeat)))
        return
    levels = [int(c) for c in args.contend.split(",")]
    names = [s.strip() for s in args.setups.split(",")] + [TF]
    if args.gains:
        names += ["1 thread", "tf.function 1 thread"]
        names = list(dict.fromkeys(names))
    samples: dict = {}
    loads: dict = {}
    for r in range(args.rounds):          # every round visits every level: load drifts hit both alike
        for n in levels:
            with contend.busy_processes(n):
                loads.setdefault(n, []).append(round(os.getloadavg()[0], 2))
                for name in names:
                    got = run_child(name, args.repeat)
                    print(f"# contend {n} round {r} {name}: {got}", file=sys.stderr, flush=True)
                    for w, t in got.items():
                        samples.setdefault((name, n, w), []).append(t)
    med = {k: statistics.median(v) for k, v in samples.items()}
    for n in levels:
        print(f"contend {n}: load average {min(loads[n])}-{max(loads[n])} at the rounds' starts")
    print("\n| set-up | " + " | ".join(f"{w} contend {n}" for w in ("W1", "W4") for n in levels)
          + " | " + " | ".join(f"{w} slowdown {levels[-1]}/{levels[0]} (rounds' range)" for w in ("W1", "W4"))
          + " |")
    print("|---" * (1 + 2 * len(levels) + 2) + "|")
    nan = float("nan")
    for name in names:
        cells = [f"{med.get((name, n, w), nan) * 1e3:.2f} ms" for w in ("W1", "W4") for n in levels]
        slow = [_slowdowns(samples, name, levels, w) for w in ("W1", "W4")]
        print(f"| {name} | " + " | ".join(cells) + " | "
              + " | ".join(f"{statistics.median(s):.2f}x ({min(s):.2f}-{max(s):.2f})" if s else "-" for s in slow)
              + " |")
    if args.gains:
        print_gains(med, levels, nan)


def _slowdowns(samples: dict, name: str, levels: list, workload: str) -> list[float]:
    """Round by round, the last level's time over the first's (rounds ran both back to back)."""
    quiet = samples.get((name, levels[0], workload), [])
    busy = samples.get((name, levels[-1], workload), [])
    return [b / q for q, b in zip(quiet, busy)]


def print_gains(med: dict, levels: list, nan: float) -> None:
    """What the second core gives each framework on idle cores (one thread over its default, at the
    first contention level) beside its slowdown under the last: one busy process leaves a process
    about one core, so a framework loses about what the second core gave it."""
    print("\n| framework | W1 second-core gain | W1 slowdown | W4 second-core gain | W4 slowdown |")
    print("|---|---|---|---|---|")
    for label, default, single in (("graphflow", "default", "1 thread"), ("TensorFlow", TF, "tf.function 1 thread")):
        cells = []
        for w in ("W1", "W4"):
            base = med.get((default, levels[0], w), nan)
            cells += [f"{med.get((single, levels[0], w), nan) / base:.2f}x",
                      f"{med.get((default, levels[-1], w), nan) / base:.2f}x"]
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
