"""How much CPU two threads of this process get while one busy process holds a core.

Each thread runs single-threaded sgemm (half of a 512x1024x1024 product, OpenBLAS at one thread)
in a loop, alone and then two at once, with and without one busy-loop process
(graphflow/bench/contend.py). The "cores" column is the work done per second over what one
thread alone does: 2.0 on idle cores, 1.33 would be a fair share of 2 cores among 3 busy threads.
docs/bench.md ("Why the --contend 1 target is out of reach") uses it.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/contended_core_share.py
"""
from __future__ import annotations

import os
import sys
import threading
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from graphflow import blas_threads  # noqa: E402
from graphflow.bench import contend  # noqa: E402

M, K, N = 512, 1024, 1024
REPEATS = 20


def per_product(threads: int, a, b) -> float:
    """Seconds per half-product when `threads` threads each run REPEATS of them at once."""
    times = []

    def work():
        out = np.empty((M // 2, N), np.float32)
        t0 = time.perf_counter()
        for _ in range(REPEATS):
            np.matmul(a[: M // 2], b, out=out)
        times.append((time.perf_counter() - t0) / REPEATS)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return max(times)


def main() -> None:
    rng = np.random.RandomState(0)
    a = rng.rand(M, K).astype(np.float32)
    b = rng.rand(K, N).astype(np.float32)
    blas_threads.set_num_threads(1)
    print(f"load average {os.getloadavg()[0]:.2f}")
    print("| busy processes | one thread, ms per half-product | two threads, ms each | cores |")
    print("|---|---|---|---|")
    for busy in (0, 1):
        with contend.busy_processes(busy):
            one = per_product(1, a, b)
            two = per_product(2, a, b)
        print(f"| {busy} | {one * 1e3:.2f} | {two * 1e3:.2f} | {2 * one / two:.2f} |")


if __name__ == "__main__":
    main()
