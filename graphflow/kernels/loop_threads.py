"""How many threads a generated parallel loop runs on, call by call: all of them on idle cores,
the cores that other runnable threads leave while the machine is busy.

numba's prange hands each OpenMP thread an equal share of the loop up front and the caller waits
for the slowest share: when another process holds a core, the thread sharing it waits for
scheduler slices. W1 (one fused GELU kernel over 4M floats, ~1.1 ms) slowed 2.3x under one busy
process on the 2-core machine against TF tf.function's 1.5x (benchmarks/RESULTS-contend1.md).
Handing the loop out in blocks claimed dynamically (as gemm_pool does for products) did not
help: the kernel is shorter than a scheduler slice, so a thread preempted mid-block stalls the
caller all the same (W1 under one busy process at load 4 on 2 cores: 11 ms median on both
threads, 4.8 ms in 16 blocks, 2.0 ms on one thread; benchmarks/loop_threads_contention.py; in
other runs the blocks tied with one thread, never beat it). So the loop runs on
`gemm_pool.free_threads` threads, the count products use: on 2 cores with one busy process, one.

numba's thread count is per Python thread; the call sets it for its own thread and puts it back.
"""
from __future__ import annotations

from .. import threading_config
from . import gemm_pool


def loop_threads() -> int | None:
    """The thread count for a parallel loop now, or None to leave numba's as it is (idle cores,
    one thread anyway, or GRAPHFLOW_THREADING=off)."""
    threads = threading_config.intra_op_threads()
    if threads < 2 or not threading_config.enabled():
        return None
    free = gemm_pool.free_threads(threads)
    return None if free is None or free >= threads else free


def run(kernel, *args):
    """`kernel(*args)` (a numba parallel kernel) on `loop_threads()` threads."""
    n = loop_threads()
    if n is None:
        return kernel(*args)
    import numba  # loaded already: the kernel is a numba function
    before = numba.get_num_threads()
    if before <= n:
        return kernel(*args)
    numba.set_num_threads(n)
    try:
        return kernel(*args)
    finally:
        numba.set_num_threads(before)
