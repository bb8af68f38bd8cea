"""Matrix products that share a busy CPU well: row blocks claimed one at a time by the caller and
a small pool of threads, each block one single-threaded BLAS call.

OpenBLAS splits a product statically between its threads and the caller waits for the slowest:
when another process holds a core, that thread's share waits for a scheduler slice. Measured on
the 2-core machine under load, a 512x784x1024 sgemm took 2.5-3x longer on OpenBLAS's two threads
than on one, and TensorFlow's matmul (Eigen's pool: blocks claimed dynamically) as long as one
(benchmarks/threads_contention.py, docs/bench.md). Here a thread that gets no core leaves its
blocks to the others, so a product on a busy machine degrades to one thread's speed at worst; on
idle cores the blocks run on every thread at once, as OpenBLAS's own split does. Idle pool threads
block on a queue: nothing spins. The caller can always finish a job alone, so a pool thread that
never wakes up delays nothing; a forked child starts a pool of its own.
"""
from __future__ import annotations

import itertools
import os
import queue
import threading

import numpy as np

from .. import blas_threads, cpu_load, threading_config

# Below this many multiply-adds (~0.4 ms on one core) one BLAS call with OpenBLAS's own threading
# decision costs less than a trip through the pool (10-25 us measured at load 13).
MIN_MACS = 1 << 25
# With one core left, products from this size up run on the caller with OpenBLAS held at one thread
# (`split`): OpenBLAS gives a product MNK / 2**18 threads (interface/gemm.c: SMP_THRESHOLD_MIN x
# GEMM_MULTITHREAD_THRESHOLD), so from 2**19 it splits it over two, and the hold costs ~2 us (three
# ctypes calls), under 10% of a 2**20 product (~20 us on one core) and nothing to W9's batch-1
# products (1 x 784 x 1024), which keep their few-microsecond path.
HOLD_MIN_MACS = 1 << 20
MIN_BLOCK_ROWS = 64
BLOCKS_PER_THREAD = 3


class _Job:
    """Tasks claimed in order by whoever comes first; `wait` returns when every task has run."""

    def __init__(self, tasks: list):
        self.tasks = tasks
        self.claims = itertools.count()          # next() is atomic under the GIL
        self.left = len(tasks)
        self.lock = threading.Lock()
        self.finished = threading.Event()
        self.error: BaseException | None = None

    def work(self) -> None:
        n = len(self.tasks)
        for i in self.claims:
            if i >= n:
                return
            try:
                self.tasks[i]()
            except BaseException as e:  # noqa: BLE001  re-raised in the caller's thread
                self.error = e
            with self.lock:
                self.left -= 1
                if self.left == 0:
                    self.finished.set()

    def wait(self) -> None:
        self.finished.wait()
        if self.error is not None:
            raise self.error


class _Pool:
    def __init__(self, helpers: int):
        self.queues = [queue.SimpleQueue() for _ in range(helpers)]
        for q in self.queues:
            threading.Thread(target=self._serve, args=(q,), name="graphflow-gemm", daemon=True).start()

    @staticmethod
    def _serve(q: queue.SimpleQueue) -> None:
        while True:
            q.get().work()

    def run(self, tasks: list) -> None:
        job = _Job(tasks)
        for q in self.queues:
            q.put(job)
        job.work()
        job.wait()


_pools: dict = {}
_pools_lock = threading.Lock()


def _pool(threads: int) -> _Pool:
    key = (os.getpid(), threads)      # a forked child has none of its parent's pool threads: its own pool
    pool = _pools.get(key)
    if pool is None:
        with _pools_lock:
            pool = _pools.get(key)
            if pool is None:
                pool = _pools[key] = _Pool(threads - 1)
    return pool


def row_blocks(m: int, threads: int) -> list[tuple[int, int]]:
    """[(start, stop)] cutting m rows into blocks for `threads` threads (one block if too few rows)."""
    n = max(1, min(m // MIN_BLOCK_ROWS, BLOCKS_PER_THREAD * threads))
    edges = [m * i // n for i in range(n + 1)]
    return list(zip(edges[:-1], edges[1:]))


def run_blocks(tasks: list) -> None:
    """Run `tasks` (single-threaded BLAS calls) on the caller and the pool (one task: on the caller
    alone), OpenBLAS held at one thread meanwhile so the blocks do not split again. No tasks: nothing
    to wait for (a job of none would never finish)."""
    if not tasks:
        return
    before = blas_threads.get_num_threads()
    if before is not None and before != 1:
        blas_threads.set_num_threads(1)
    try:
        if len(tasks) == 1:
            tasks[0]()
        else:
            _pool(threading_config.intra_op_threads()).run(tasks)
    finally:
        if before is not None and before != 1:
            blas_threads.set_num_threads(before)


def split(m: int, n: int, k: int) -> list[tuple[int, int]] | None:
    """Row blocks for an (m x k) @ (k x n) product worth splitting (big, and other threads are
    competing for the cores), else None. When the others leave one core, one block from
    HOLD_MIN_MACS up: run_blocks then makes it one single-threaded call on the caller, where
    OpenBLAS would split even W7's small products statically and wait for the thread without a core."""
    threads = threading_config.intra_op_threads()
    if threads < 2 or not threading_config.enabled() or blas_threads.get_num_threads() is None:
        return None                 # one thread anyway, threading off, a BLAS graphflow cannot hold at one thread
    free = free_threads(threads)
    if free == 1:
        return [(0, m)] if m * n * k >= HOLD_MIN_MACS else None
    if free is None or m * n * k < MIN_MACS or m < 2 * MIN_BLOCK_ROWS:
        return None                 # on idle cores one OpenBLAS call is faster (cpu_load.py)
    return row_blocks(m, free)


def one_core_left() -> bool:
    """Whether the other runnable threads leave this process one core (free_threads is 1) while it
    has several threads and an OpenBLAS it can hold at one thread: then BLAS work belongs on the
    caller at one thread (run_blocks with one task), not on OpenBLAS's static split."""
    threads = threading_config.intra_op_threads()
    return (threads > 1 and threading_config.enabled() and blas_threads.get_num_threads() is not None
            and free_threads(threads) == 1)


def free_threads(threads: int) -> int | None:
    """How many threads a product should use now: None on idle cores (one BLAS call with its own
    threads), else the cores the other runnable threads leave, at least one (all of `threads`
    where the count is unknown). With one busy process on 2 cores, W4's compiled step took 29 ms
    on one thread, 34 ms as one OpenBLAS call and 43 ms in blocks over two (TF: 32 ms)."""
    others = cpu_load.runnable_others()
    if others is None:
        return threads
    if others <= cpu_load.BUSY_OTHERS:
        return None
    return max(1, min(threads, int(threads - others + 0.5)))


def matmul(a, b, out):
    """`np.matmul(a, b, out=out)` for 2-D operands (views such as `.T` included), split in row
    blocks when the product is big enough, in column or reduction blocks when it has too few rows
    (`thin_tasks`); anything else is one np.matmul call."""
    blocks = None
    # below HOLD_MIN_MACS nothing splits or holds: W9's batch-1 products skip the asking (10 us a call)
    if a.ndim == 2 and b.ndim == 2 and out.ndim == 2 and out.flags.c_contiguous \
            and out.size * a.shape[1] >= HOLD_MIN_MACS:
        blocks = split(out.shape[0], out.shape[1], a.shape[1])
        if blocks is None:
            thin = thin_tasks(a, b, out)
            if thin is not None:
                run_blocks(thin[0])
                thin[1]()
                return out
    if blocks is None:
        return np.matmul(a, b, out=out)
    run_blocks([lambda i0=i0, i1=i1: np.matmul(a[i0:i1], b, out=out[i0:i1]) for i0, i1 in blocks])
    return out


# ---- products with too few rows for row blocks ---------------------------------------------------
# A weight gradient x^T @ dy has as many rows as the layer has inputs and reduces over the whole
# batch (W8's input kernel: 64 x 1600 @ 1600 x 512, 60% of the LSTM step). Row blocks cannot cut
# it, and left to OpenBLAS's static two-thread split it waits for a descheduled thread like any
# other product. Such a product is cut by columns when it has enough of them, each block the same
# reduction as the whole product (the same sums); failing that, by the reduction axis, each block
# a partial product into its own buffer and the partials added at the end (a different order of
# the same sum: float rounding may differ from one BLAS call's).

MIN_BLOCK_COLS = 64
COL_ALIGN = 16            # column blocks start on 64-byte boundaries of float32 rows
MIN_BLOCK_DEPTH = 256


def col_blocks(n: int, threads: int) -> list[tuple[int, int]]:
    """[(start, stop)] cutting n columns into blocks for `threads` threads, edges on COL_ALIGN."""
    count = max(1, min(n // MIN_BLOCK_COLS, BLOCKS_PER_THREAD * threads))
    edges = sorted({min(n, (n * i // count + COL_ALIGN // 2) // COL_ALIGN * COL_ALIGN) for i in range(1, count)})
    edges = [0] + [e for e in edges if 0 < e < n] + [n]
    return list(zip(edges[:-1], edges[1:]))


def depth_blocks(k: int, threads: int) -> list[tuple[int, int]]:
    """[(start, stop)] cutting a reduction of length k into one block per thread (each partial
    costs a buffer of the output's size and one addition pass)."""
    count = max(1, min(k // MIN_BLOCK_DEPTH, threads))
    edges = [k * i // count for i in range(count + 1)]
    return list(zip(edges[:-1], edges[1:]))


def thin_tasks(a, b, out):
    """(tasks, finish) computing `out = a @ b` for a product worth splitting that has too few rows
    for `split`'s row blocks, else None: column blocks when out has enough columns, else reduction
    blocks whose partial products `finish` adds into out."""
    (m, k), n = a.shape, b.shape[1]
    threads = threading_config.intra_op_threads()
    if (threads < 2 or m * n * k < MIN_MACS or m >= 2 * MIN_BLOCK_ROWS or not threading_config.enabled()
            or blas_threads.get_num_threads() is None):
        return None
    free = free_threads(threads)
    if free == 1:                   # the others leave one core: one single-threaded call
        return [lambda: np.matmul(a, b, out=out)], lambda: None
    if n >= 2 * MIN_BLOCK_COLS:
        tasks = [lambda j0=j0, j1=j1: np.matmul(a, b[:, j0:j1], out=out[:, j0:j1]) for j0, j1 in col_blocks(n, threads)]
        return tasks, lambda: None
    blocks = depth_blocks(k, threads)
    if len(blocks) < 2:
        return None
    parts = np.empty((len(blocks) - 1, m, n), out.dtype)
    sinks = [out] + list(parts)
    tasks = [lambda i=i, k0=k0, k1=k1: np.matmul(a[:, k0:k1], b[k0:k1], out=sinks[i])
             for i, (k0, k1) in enumerate(blocks)]

    def finish():
        for part in parts:
            np.add(out, part, out=out)
    return tasks, finish


# ---- products queued while the caller works on ---------------------------------------------------
# A loop that produces the operands of a product piece by piece (backpropagation through time
# writes one step's gradient at a time) can hand each finished piece to the helper threads and go
# on: `background()` returns None when there is no helper to hand it to.

class Background:
    """Jobs queued on the pool's helper threads; `finish` works on whatever no helper has claimed
    and waits for the rest. OpenBLAS is held at one thread from start to finish (blocks must not
    split again), so open it around a stretch of single-threaded BLAS work, as a `with` block."""

    def __init__(self, threads: int):
        self.pool, self.jobs, self.before = _pool(threads), [], None

    def __enter__(self):
        self.before = blas_threads.get_num_threads()
        if self.before is not None and self.before != 1:
            blas_threads.set_num_threads(1)
        return self

    def submit(self, tasks: list) -> None:
        job = _Job(tasks)
        self.jobs.append(job)
        for q in self.pool.queues:
            q.put(job)

    def finish(self) -> None:
        jobs, self.jobs = self.jobs, []
        for job in jobs:
            job.work()
        for job in jobs:
            job.wait()

    def __exit__(self, *exc):
        try:
            self.finish()
        finally:
            if self.before is not None and self.before != 1:
                blas_threads.set_num_threads(self.before)
        return False


def background() -> Background | None:
    """A Background over the pool when graphflow splits products here (threads, OpenBLAS found)."""
    threads = threading_config.intra_op_threads()
    if threads < 2 or not threading_config.enabled() or blas_threads.get_num_threads() is None:
        return None
    return Background(threads)
