"""Generated parallel loops run on the threads other processes leave (kernels/loop_threads.py), and
pooling / im2col blocks follow the same count (batch_blocks.blocks)."""
import numba
import numpy as np
import pytest

import graphflow as gf
from graphflow import cpu_load, threading_config
from graphflow.compiler import compile_plan
from graphflow.kernels import batch_blocks, gemm_pool, loop_threads


def _machine(monkeypatch, threads: int, others):
    monkeypatch.setattr(threading_config, "intra_op_threads", lambda: threads)
    monkeypatch.setattr(cpu_load, "runnable_others", lambda: others)


@pytest.mark.parametrize("threads, others, want", [(2, 0.1, None), (2, 1.0, 1), (2, 3.0, 1), (4, 1.0, 3),
                                                    (2, None, None), (1, 1.0, None)])
def test_loop_threads_are_the_cores_the_others_leave(monkeypatch, threads, others, want):
    """None (numba's count, every thread) on idle cores, with one thread, or where the load is
    unknown; else gemm_pool.free_threads, the products' count."""
    _machine(monkeypatch, threads, others)
    if not threading_config.enabled():
        pytest.skip("GRAPHFLOW_THREADING=off: numba's own thread count")
    assert loop_threads.loop_threads() == want


def test_threading_off_leaves_numba_alone(monkeypatch):
    _machine(monkeypatch, 2, 1.0)
    monkeypatch.setenv("GRAPHFLOW_THREADING", "off")
    assert loop_threads.loop_threads() is None


def test_run_sets_numba_threads_for_the_call_only(monkeypatch):
    if numba.config.NUMBA_NUM_THREADS < 2 or not threading_config.enabled():
        pytest.skip("needs two numba threads and graphflow's threading")
    threading_config.start_parallel_loops()
    before = numba.get_num_threads()
    if before < 2:
        pytest.skip("numba runs one thread here")
    seen = []
    _machine(monkeypatch, 2, 1.0)
    assert loop_threads.run(lambda a, b: seen.append((numba.get_num_threads(), a + b)) or "r", 1, 2) == "r"
    assert seen == [(1, 3)] and numba.get_num_threads() == before

    def fails():
        raise ValueError("kernel failed")
    with pytest.raises(ValueError, match="kernel failed"):
        loop_threads.run(fails)
    assert numba.get_num_threads() == before
    _machine(monkeypatch, 2, 0.0)
    loop_threads.run(lambda: seen.append(numba.get_num_threads()))
    assert seen[-1] == before


def test_parallel_kernel_in_a_plan_gives_the_same_answer_busy_or_idle(monkeypatch):
    n = 1 << 16                         # above lower.py's thresholds: a prange kernel
    x = np.random.default_rng(0).uniform(-4, 4, (4, n // 4)).astype(np.float32)
    b = np.random.default_rng(1).uniform(-1, 1, (n // 4,)).astype(np.float32)
    graph = gf.Graph()
    with graph.as_default():
        p = gf.compat.v1.placeholder(gf.float32, x.shape)
        q = gf.compat.v1.placeholder(gf.float32, b.shape)
        y = gf.tanh(p * p + q) * 0.5 + p
        s = gf.reduce_sum(y * y, axis=1)
    plan = compile_plan(graph, [y, s], [], [p, q], {"jit_after": 1})
    want_y = np.tanh(x * x + b) * 0.5 + x
    results = []
    for others in (0.0, 1.0, 3.0):
        _machine(monkeypatch, 2, others)
        results.append([np.asarray(v) for v in plan([x, b])])
        results.append([np.asarray(v) for v in plan([x, b])])
    assert any(k.parallel for k in plan.executable().kernels), "no parallel kernel: raise the size"
    assert any(v is loop_threads.run for v in plan.executable().run.__globals__.values())
    for out_y, out_s in results:
        np.testing.assert_allclose(out_y, want_y, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(out_s, (want_y.astype(np.float64) ** 2).sum(axis=1), rtol=1e-4)
        np.testing.assert_array_equal(out_y, results[-1][0])     # one thread or two: the same loop body


def test_pooling_blocks_follow_the_free_threads(monkeypatch):
    """Pooling (follow_load): one block when the others leave one core, blocks for the free
    threads otherwise; the convolution passes: blocks for every thread whatever the load."""
    monkeypatch.setattr(batch_blocks, "MIN_ELEMENTS", 0)
    from graphflow import blas_threads
    if blas_threads.get_num_threads() is None or not threading_config.enabled():
        pytest.skip("no OpenBLAS found / threading off: batches are never split")
    _machine(monkeypatch, 2, 1.0)
    assert batch_blocks.blocks(64, 1, follow_load=True) == [(0, 64)]
    assert len(batch_blocks.blocks(64, 1)) == gemm_pool.BLOCKS_PER_THREAD * 2
    _machine(monkeypatch, 2, 0.0)
    assert len(batch_blocks.blocks(64, 1, follow_load=True)) == gemm_pool.BLOCKS_PER_THREAD * 2
    _machine(monkeypatch, 4, 1.0)
    assert len(batch_blocks.blocks(64, 1, follow_load=True)) == gemm_pool.BLOCKS_PER_THREAD * 3
    spans = []
    _machine(monkeypatch, 2, 1.0)
    batch_blocks.over_batch(lambda n0, n1: spans.append((n0, n1)), 64, 1)
    assert spans == [(0, 64)]


def test_one_free_core_puts_every_blas_call_on_one_thread(monkeypatch):
    """With one core left, even a product too small to split, and a batch too small to cut, run on
    the caller with OpenBLAS at one thread (its static split would wait for the busy core)."""
    from graphflow import blas_threads
    if blas_threads.get_num_threads() is None or not threading_config.enabled():
        pytest.skip("no OpenBLAS found / threading off")
    _machine(monkeypatch, 2, 1.0)
    assert gemm_pool.one_core_left()
    assert gemm_pool.split(64, 1600, 128) == [(0, 64)]
    assert gemm_pool.split(1, 784, 1024) is None      # below HOLD_MIN_MACS: the plain call, no hold
    seen = []
    batch_blocks.run(lambda n0, n1: seen.append((n0, n1, blas_threads.get_num_threads())), [(0, 5)])
    assert seen == [(0, 5, 1)]
    for others in (0.0, None):            # idle cores, or a load nobody can read: OpenBLAS decides
        _machine(monkeypatch, 2, others)
        assert not gemm_pool.one_core_left() and gemm_pool.split(64, 1600, 128) is None
    before = blas_threads.get_num_threads()
    batch_blocks.run(lambda n0, n1: seen.append(blas_threads.get_num_threads()), [(0, 5)])
    assert seen[-1] == before
