"""A converted `while` loop of 1000 iterations: graphflow's AutoGraph against tf.function, in one run.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/autograph_loop.py [--repeats 30]

The same Python function (a while loop on a tensor condition, updating a small vector) runs
under `graphflow.function` (converted by AutoGraph), under graphflow as a hand-written
gf.while_loop (what the conversion should match), and under TensorFlow's tf.function in a
subprocess (the interpreter from $GRAPHFLOW_PEER_PYTHON_TENSORFLOW, else this one if it has
TensorFlow). Prints one row per variant: median and best time per call and per iteration,
with the load average before and after.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ITERATIONS = 1000
MARKER = "AUTOGRAPH_LOOP_ROWS "


def converted_loop(tf):
    """The loop as a user writes it: Python `while` on a tensor condition."""
    @tf.function
    def run(x, n):
        i = 0
        while i < n:
            x = x * 0.999 + 0.001
            i += 1
        return x
    return run


def hand_written_loop(tf):
    @tf.function(autograph=False)
    def run(x, n):
        _, x = tf.while_loop(lambda i, x: i < n, lambda i, x: (i + 1, x * 0.999 + 0.001), (tf.constant(0), x))
        return x
    return run


def measure(tf, make, repeats: int) -> dict:
    fn = make(tf)
    x, n = tf.constant([0.5] * 16), tf.constant(ITERATIONS)
    t0 = time.perf_counter()
    first = fn(x, n)
    first_call = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn(x, n)
        out.numpy()
        times.append(time.perf_counter() - t0)
    return {"median_ms": 1e3 * statistics.median(times), "best_ms": 1e3 * min(times),
            "first_call_ms": 1e3 * first_call, "result": float(first.numpy()[0])}


def tensorflow_rows(repeats: int) -> list:
    python = os.environ.get("GRAPHFLOW_PEER_PYTHON_TENSORFLOW")
    if python is None:
        try:
            import importlib.util
            python = sys.executable if importlib.util.find_spec("tensorflow") else None
        except ValueError:
            python = None
    if python is None:
        return [{"variant": "tf.function (AutoGraph)", "skipped": "TensorFlow not found: set "
                 "GRAPHFLOW_PEER_PYTHON_TENSORFLOW"}]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    proc = subprocess.run([python, os.path.abspath(__file__), "--as-tensorflow", "--repeats", str(repeats)],
                          capture_output=True, text=True, env=env, timeout=900)
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    return [{"variant": "tf.function (AutoGraph)", "skipped": f"failed: {proc.stderr.strip()[-300:]}"}]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--as-tensorflow", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.as_tensorflow:
        import tensorflow as tf
        rows = [dict(variant=f"tf.function (AutoGraph), TF {tf.__version__}",
                     **measure(tf, converted_loop, args.repeats))]
        print(MARKER + json.dumps(rows))
        return
    load_before = os.getloadavg()
    import graphflow as gf
    rows = [dict(variant="graphflow gf.function (AutoGraph)", **measure(gf, converted_loop, args.repeats)),
            dict(variant="graphflow gf.while_loop by hand", **measure(gf, hand_written_loop, args.repeats))]
    rows += tensorflow_rows(args.repeats)
    load_after = os.getloadavg()
    print(f"converted while loop, {ITERATIONS} iterations on a float32[16], {args.repeats} timed calls each")
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}; "
          f"after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} ({os.cpu_count()} cores)")
    print(f"{'variant':44} {'median ms':>10} {'best ms':>9} {'us/iter':>8} {'1st call ms':>12} {'x[0]':>9}")
    for r in rows:
        if "skipped" in r:
            print(f"{r['variant']:44} skipped: {r['skipped']}")
            continue
        print(f"{r['variant']:44} {r['median_ms']:10.2f} {r['best_ms']:9.2f} {1e3 * r['median_ms'] / ITERATIONS:8.2f} "
              f"{r['first_call_ms']:12.1f} {r['result']:9.5f}")


if __name__ == "__main__":
    main()
