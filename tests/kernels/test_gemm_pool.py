"""Products split in row blocks over the caller and a thread pool (kernels/gemm_pool.py) give
np.matmul's answer, in plans' matmuls and in the in-place SGD update."""
import numpy as np
import pytest

from graphflow import blas_threads, cpu_load, threading_config
from graphflow.kernels import gemm_pool, sgd


@pytest.fixture
def split_small(monkeypatch):
    """Split even small products, over three threads, whatever the machine has and however busy."""
    monkeypatch.setattr(gemm_pool, "MIN_MACS", 0)
    monkeypatch.setattr(cpu_load, "runnable_others", lambda: None)
    monkeypatch.setattr(gemm_pool, "MIN_BLOCK_ROWS", 4)
    monkeypatch.setattr(threading_config, "intra_op_threads", lambda: 3)
    if blas_threads.get_num_threads() is None:
        pytest.skip("no OpenBLAS found: products are never split")


def test_row_blocks_cover_every_row_once():
    for m, threads in ((10, 2), (1000, 2), (1000, 3), (63, 4)):
        blocks = gemm_pool.row_blocks(m, threads)
        assert blocks[0][0] == 0 and blocks[-1][1] == m
        assert all(a[1] == b[0] for a, b in zip(blocks, blocks[1:]))


@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True)])
def test_split_matmul_matches_numpy(split_small, ta, tb):
    rng = np.random.RandomState(0)
    a = rng.standard_normal((24, 40) if ta else (40, 24)).astype(np.float32)
    b = rng.standard_normal((16, 24) if tb else (24, 16)).astype(np.float32)
    a_op, b_op = (a.T if ta else a), (b.T if tb else b)
    out = np.empty((40, 16), np.float32)
    assert gemm_pool.split(40, 16, 24) is not None
    gemm_pool.matmul(a_op, b_op, out)
    np.testing.assert_allclose(out, a_op @ b_op, rtol=1e-5, atol=1e-5)


def test_blas_thread_count_is_restored_after_a_split_product(split_small):
    before = blas_threads.get_num_threads()
    gemm_pool.matmul(np.ones((32, 8), np.float32), np.ones((8, 8), np.float32), np.empty((32, 8), np.float32))
    assert blas_threads.get_num_threads() == before


@pytest.mark.parametrize("ta,tb", [(True, False), (False, True)])
def test_split_inplace_sgd_update_matches_numpy(split_small, ta, tb):
    if sgd.gemm_for(np.float32) is None:
        pytest.skip("numpy's OpenBLAS GEMM not reachable")
    rng = np.random.RandomState(1)
    a = rng.standard_normal((12, 36) if ta else (36, 12)).astype(np.float32)
    b = rng.standard_normal((20, 12) if tb else (12, 20)).astype(np.float32)
    w0 = rng.standard_normal((36, 20)).astype(np.float32)

    class State:
        value = w0.copy()
    state = State()
    assert sgd.run_update(state, a, b, 0.1, ta, tb) is state.value
    expected = w0 - np.float32(0.1) * ((a.T if ta else a) @ (b.T if tb else b))
    np.testing.assert_allclose(state.value, expected, rtol=1e-5, atol=1e-5)


def test_an_error_in_a_block_reaches_the_caller(split_small):
    def boom():
        raise ValueError("block failed")
    with pytest.raises(ValueError, match="block failed"):
        gemm_pool.run_blocks([lambda: None, boom, lambda: None])


def test_column_and_depth_blocks_cover_every_index_once():
    for size, threads in ((512, 2), (130, 2), (1000, 3), (64, 4)):
        for blocks in (gemm_pool.col_blocks(size, threads), gemm_pool.depth_blocks(size, threads)):
            assert blocks[0][0] == 0 and blocks[-1][1] == size
            assert all(a[1] == b[0] and a[0] < a[1] for a, b in zip(blocks, blocks[1:]))


@pytest.fixture
def split_thin(split_small, monkeypatch):
    """Rows too few for row blocks; small column and reduction blocks."""
    monkeypatch.setattr(gemm_pool, "MIN_BLOCK_ROWS", 64)
    monkeypatch.setattr(gemm_pool, "MIN_BLOCK_COLS", 8)
    monkeypatch.setattr(gemm_pool, "COL_ALIGN", 4)
    monkeypatch.setattr(gemm_pool, "MIN_BLOCK_DEPTH", 16)


@pytest.mark.parametrize("n", [40, 6])
def test_products_with_few_rows_split_by_columns_or_depth_match_numpy(split_thin, n):
    """A weight gradient's shape, x^T @ dy: few rows, a long reduction; by columns when there are
    enough of them, else by the reduction axis (partials added)."""
    rng = np.random.RandomState(2)
    x, dy = rng.standard_normal((300, 24)).astype(np.float32), rng.standard_normal((300, n)).astype(np.float32)
    out = np.empty((24, n), np.float32)
    assert gemm_pool.split(24, n, 300) is None and gemm_pool.thin_tasks(x.T, dy, out) is not None
    gemm_pool.matmul(x.T, dy, out)
    np.testing.assert_allclose(out, x.T.astype(np.float64) @ dy, rtol=1e-5, atol=1e-4)


def test_big_products_split_only_while_other_threads_compete(monkeypatch):
    """On idle cores one OpenBLAS call is faster than the blocks; with one busy process on two
    cores, one thread is (cpu_load.py, gemm_pool.free_threads)."""
    monkeypatch.setattr(threading_config, "intra_op_threads", lambda: 2)
    if blas_threads.get_num_threads() is None or not threading_config.enabled():
        pytest.skip("no OpenBLAS found: products are never split")
    for others, blocks in ((0.1, None), (1.0, [(0, 512)]), (None, gemm_pool.row_blocks(512, 2))):
        monkeypatch.setattr(cpu_load, "runnable_others", lambda others=others: others)
        assert gemm_pool.split(512, 1024, 784) == blocks
    monkeypatch.setattr(threading_config, "intra_op_threads", lambda: 4)
    monkeypatch.setattr(cpu_load, "runnable_others", lambda: 1.0)
    assert gemm_pool.split(512, 1024, 784) == gemm_pool.row_blocks(512, 3)


def test_one_free_core_runs_a_product_on_the_caller_at_one_blas_thread(monkeypatch):
    monkeypatch.setattr(threading_config, "intra_op_threads", lambda: 2)
    monkeypatch.setattr(cpu_load, "runnable_others", lambda: 1.0)
    if blas_threads.get_num_threads() is None or not threading_config.enabled():
        pytest.skip("no OpenBLAS found: products are never split")
    rng = np.random.default_rng(0)
    for m, k, n in ((512, 784, 1024), (64, 1600, 512)):
        a, b = rng.random((m, k), dtype=np.float32), rng.random((k, n), dtype=np.float32)
        out = np.empty((m, n), np.float32)
        gemm_pool.matmul(a, b, out)
        np.testing.assert_allclose(out, a @ b, rtol=1e-5)


def test_running_no_blocks_returns_at_once():
    gemm_pool.run_blocks([])          # a job of no tasks used to wait forever for its last task
