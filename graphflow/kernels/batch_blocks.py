"""Kernels over the batch in blocks of images, run on gemm_pool's threads: pooling, im2col and
the row-unfolded convolutions split their work by image so that every block is independent.

numba's prange would run these loops on OpenMP's threads with a static split: the caller waits
for the slowest thread, and on a shared machine that is the one whose core another process holds.
gemm_pool's blocks are claimed one at a time by the caller and the pool's threads (a thread that
gets no core leaves its blocks to the others), the same policy as the products beside them, and
the kernels release the GIL (nogil), so one pool serves both.
"""
from __future__ import annotations

from functools import partial
from typing import Callable

import numpy as np

from .. import blas_threads, threading_config
from . import gemm_pool

# Below this many elements touched a kernel takes ~0.1 ms on one core, and a trip through the pool
# (10-25 us under load, gemm_pool.py) would eat most of what a second thread saves.
MIN_ELEMENTS = 1 << 17


def blocks(n: int, work: int, min_work: int | None = None, follow_load: bool = False) -> list[tuple[int, int]]:
    """[(n0, n1)] cutting a batch of n into blocks for the pool's threads; [(0, n)] when `work`
    (elements, or multiply-adds with min_work=gemm_pool.MIN_MACS) is too small to share or the
    kernels run on one thread.

    `follow_load` (the pooling kernels, `over_batch`): blocks for `gemm_pool.free_threads`, one
    block when the others leave one core. Those kernels take 0.1-0.8 ms, and a helper thread
    waiting for a core delays the block it claimed: at load 3.6 on 2 cores W7's max-pool gradient
    took 0.85-3.2 ms in 6 blocks against 0.75-1.2 ms on the caller (min-median). The convolution
    passes (conv.py, conv_gemm.py: a GEMM per block) keep blocks for every thread whatever the
    load: they take several ms, long enough for the claiming to even out, and on one thread W7's
    conv2 input gradient took 8.5-10.5 ms median against 4.2-9.5 ms in blocks at load 2.4-3.9."""
    threads = threading_config.intra_op_threads()
    if (threads < 2 or n < 2 or work < (MIN_ELEMENTS if min_work is None else min_work)
            or not threading_config.enabled()
            or blas_threads.get_num_threads() is None):     # gemm_pool holds BLAS at one thread meanwhile
        return [(0, n)]
    free = gemm_pool.free_threads(threads) if follow_load else threads
    if free == 1:
        return [(0, n)]
    k = min(n, gemm_pool.BLOCKS_PER_THREAD * (free or threads))
    edges = [n * i // k for i in range(k + 1)]
    return list(zip(edges[:-1], edges[1:]))


def run(fn: Callable[[int, int], None], spans: list[tuple[int, int]]) -> None:
    """fn(n0, n1) for every span: on the pool when there are several, else in this thread (with
    OpenBLAS held at one thread when the other processes leave one core: the GEMMs inside `fn`
    would otherwise split statically over OpenBLAS's threads and wait for the one without a core)."""
    if len(spans) == 1:
        if gemm_pool.one_core_left():
            gemm_pool.run_blocks([partial(fn, *spans[0])])
        else:
            fn(*spans[0])
        return
    gemm_pool.run_blocks([partial(fn, n0, n1) for n0, n1 in spans])


def over_batch(fn: Callable[[int, int], None], n: int, work: int, min_work: int | None = None) -> None:
    """fn(n0, n1) over blocks of the batch [0, n) (see `blocks`: as many as the load allows)."""
    run(fn, blocks(n, work, min_work, follow_load=True))


def per_image(kernel: Callable, min_work: int | None = None) -> Callable:
    """`kernel` run over blocks of the batch: every array argument has the batch first and each
    block gets its slice of each (the pooling kernels; their other arguments are numbers).
    `min_work`: the elements below which it runs in one call (default MIN_ELEMENTS)."""
    def in_blocks(*args):
        arrays = [i for i, a in enumerate(args) if isinstance(a, np.ndarray)]

        def images(n0, n1):
            kernel(*(a[n0:n1] if i in arrays else a for i, a in enumerate(args)))
        over_batch(images, args[arrays[0]].shape[0], sum(args[i].size for i in arrays), min_work)
    in_blocks.__name__ = in_blocks.__qualname__ = getattr(kernel, "__name__", "kernel")
    return in_blocks
