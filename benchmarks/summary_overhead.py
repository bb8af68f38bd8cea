"""What summaries cost inside a compiled W3 training step (BENCHMARKS.md W3: MLP 64-128-128-10,
batch 256, SGD) when they do not record.

Modes: the gf.function step alone; the same step plus a step counter and seven summaries (the loss
as a scalar, the six weights as histograms) under `record_if(step % N == 0)` with N so large that no
step after the first records (the WriteSummary ops run and return at once); the same with a
boolean flag variable as the condition (the summary ops alone, without the modulo); and recording
every 100th step (what a training loop pays on average).

The machine this runs on is shared (load far above its cores), so wall time mostly measures the
scheduler: the script measures each step's CPU time (time.thread_time) with single-threaded numba
and BLAS, in batches of steps that take turns across the modes, and prints the lowest and the 10th
percentile batch, in microseconds per step.

    PYTHONPATH=$PWD python benchmarks/summary_overhead.py [--rounds 60] [--batch 20]
"""
from __future__ import annotations

import os

for _var in ("NUMBA_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")     # before numpy/numba load: CPU time of one thread is the step's cost

import argparse  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import graphflow as gf  # noqa: E402
from graphflow.bench.w3_mlp import W3, batch, initial_params, tape_step  # noqa: E402

NEVER = 2 ** 62           # step % NEVER == 0 only at step 0


def make_step(logdir, summaries: bool, every: int = NEVER, flag: bool = False):
    variables = [gf.Variable(p) for p in initial_params(W3)]
    x_np, y_np = batch(W3)
    x, y = gf.constant(x_np), gf.constant(y_np)
    step = gf.Variable(0, dtype=gf.int64)
    recording = gf.Variable(False)
    writer = gf.summary.create_file_writer(logdir)

    def train(a, b):
        loss = tape_step(variables, a, b)
        if summaries:
            condition = recording if flag else step % every == 0
            with writer.as_default(step=step), gf.summary.record_if(condition):
                gf.summary.scalar("loss", loss)
                for i, v in enumerate(variables):
                    gf.summary.histogram(f"weight_{i}", v)
            step.assign_add(1)
        return loss

    compiled = gf.function(train)
    return (lambda: compiled(x, y)), writer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as logdir:
        modes = {"W3 gf.function step": make_step(logdir, False),
                 "+ 7 summaries, record_if(step % N == 0), off": make_step(logdir, True),
                 "+ 7 summaries, record_if(flag), off": make_step(logdir, True, flag=True),
                 "+ 7 summaries, recording every 100th step": make_step(logdir, True, every=100)}
        for fn, _ in modes.values():
            for _ in range(20):                       # trace, compile, warm up
                fn()
        results = {name: [] for name in modes}
        for _ in range(args.rounds):
            for name, (fn, _) in modes.items():
                t0 = time.thread_time()
                for _ in range(args.batch):
                    fn()
                results[name].append(1e6 * (time.thread_time() - t0) / args.batch)
        for _, writer in modes.values():
            writer.close()
    base = {q: float(np.percentile(results["W3 gf.function step"], q)) for q in (0, 10)}
    print(f"{'CPU time per step':<48} {'lowest':>8} {'change':>7}   {'p10':>8} {'change':>7}")
    for name, values in results.items():
        low, p10 = (float(np.percentile(values, q)) for q in (0, 10))
        change_low, change_p10 = 100 * (low / base[0] - 1), 100 * (p10 / base[10] - 1)
        print(f"{name:<48} {low:8.1f} {change_low:+6.1f}%   {p10:8.1f} {change_p10:+6.1f}%")


if __name__ == "__main__":
    main()
