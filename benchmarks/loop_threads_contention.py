"""W1's compiled kernel (gf.function, one fused GELU loop over 4M floats) with and without one
busy-loop process, for each way of running its parallel loop, interleaved call by call
(kernels/loop_threads.py's choice).

The machine this runs on is shared, so every variant is timed in the same stretch of time: each
round starts the busy process (or not), then calls the variants in turn, one call each, many
times; the figures are medians (and minimums) per variant and contention level, and the slowdown
is contend 1 over contend 0 of the same variant. Variants:

- static: numba's prange on every thread (OpenMP's equal shares), whatever the load;
- one thread: the same kernel with numba's thread count at one;
- blocks N: the same loop written serially (a hand-written copy of the generated kernel), cut in
  N blocks per thread that the caller and gemm_pool's threads claim one at a time: the dynamic
  split that was tried and left (it loses when a thread is preempted mid-block);
- default: what graphflow does (static on idle cores, `gemm_pool.free_threads` threads while
  other threads are runnable).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/loop_threads_contention.py --rounds 8
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _serial_gelu():
    import numpy as np
    from numba import njit

    from graphflow.kernels.fastmath import fast_tanh

    @njit(nogil=True, error_model="numpy", cache=True)
    def gelu(x, out):
        for i in range(x.size):
            v = x[i]
            out[i] = np.float32(np.float32(0.5) * v * (np.float32(1) + fast_tanh(
                np.float32(0.7978845608) * np.float32(v + np.float32(0.044715) * v * v * v))))
    return gelu


def variants(fn, x) -> dict:
    import numpy as np

    from graphflow.kernels import gemm_pool, loop_threads

    default = loop_threads.loop_threads

    def run(choice):
        def call():
            loop_threads.loop_threads = choice
            try:
                fn(x)
            finally:
                loop_threads.loop_threads = default
        return call

    serial, xs = _serial_gelu(), x.numpy()
    out = np.empty_like(xs)

    def blocks(per_thread):
        threads = 2
        n, count = xs.size, per_thread * threads
        edges = [n * i // count for i in range(count + 1)]
        tasks = [lambda a=a, b=b: serial(xs[a:b], out[a:b]) for a, b in zip(edges[:-1], edges[1:])]
        return lambda: gemm_pool.run_blocks(tasks)

    return {"static": run(lambda: None), "one thread": run(lambda: 1), "blocks 4": blocks(4), "blocks 8": blocks(8),
            "default": run(default)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--calls", type=int, default=25, help="calls of each variant per round and level")
    args = ap.parse_args()

    import numpy as np

    import graphflow as gf
    from graphflow.bench import contend, w1_gelu

    with gf.eager_mode():
        x = gf.constant(np.random.RandomState(0).uniform(-4, 4, w1_gelu.N).astype(np.float32))
    fn = gf.function(w1_gelu.gelu)
    fn(x)
    fn(x)                                       # the tiered plan compiles on its second call
    calls = variants(fn, x)
    for call in calls.values():
        call()
    times = {(name, level): [] for name in calls for level in (0, 1)}
    loads = [open("/proc/loadavg").read().split()[0]]
    for _ in range(args.rounds):
        for level in (0, 1):
            procs = contend.start(level)
            try:
                time.sleep(0.2)                 # cpu_load's smoothed count catches up
                order = list(calls.items())
                for i in range(args.calls):
                    for name, call in order[i % len(order):] + order[:i % len(order)]:   # no variant always first
                        t0 = time.perf_counter()
                        call()
                        times[(name, level)].append(time.perf_counter() - t0)
            finally:
                contend.stop(procs)
        loads.append(open("/proc/loadavg").read().split()[0])
    print(f"W1 gf.function, N={w1_gelu.N}, {args.rounds} rounds x {args.calls} calls per variant and level; "
          f"load average (1 min) per round: {' '.join(loads)}\n")
    print("| variant | contend 0 median (min) | contend 1 median (min) | slowdown | contend 1 vs static at 0 |")
    print("|---|---|---|---|---|")
    base = statistics.median(times[("static", 0)])
    for name in calls:
        q, b = times[(name, 0)], times[(name, 1)]
        mq, mb = statistics.median(q), statistics.median(b)
        print(f"| {name} | {mq * 1e3:.2f} ({min(q) * 1e3:.2f}) ms | {mb * 1e3:.2f} ({min(b) * 1e3:.2f}) ms "
              f"| {mb / mq:.2f}x | {mb / base:.2f}x |")


if __name__ == "__main__":
    main()
