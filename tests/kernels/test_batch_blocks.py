"""Kernels split over blocks of images (kernels/batch_blocks.py) give the one-block answer: the
row-unfolded convolutions, pooling and im2col, with blocks forced on a small batch."""
import numpy as np
import pytest

from graphflow.kernels import batch_blocks, conv_gemm, fast

from .test_gemm_pool import split_small  # noqa: F401  (products split over three threads)

CASES = [((5, 7, 6, 8), (3, 3, 8, 4), {"strides": (1, 1), "padding": "VALID", "dilations": (1, 1)}),
         ((4, 9, 8, 8), (3, 3, 8, 5), {"strides": (1, 2), "padding": "SAME", "dilations": (2, 1)})]


@pytest.fixture
def split_batches(split_small, monkeypatch):  # noqa: F811
    """Split every batch of two or more images, over three threads, whatever the machine has."""
    monkeypatch.setattr(batch_blocks, "MIN_ELEMENTS", 0)


def test_blocks_cover_the_batch_once(split_batches):
    for n in (2, 5, 64):
        spans = batch_blocks.blocks(n, 1)
        assert spans[0][0] == 0 and spans[-1][1] == n and len(spans) == min(n, 9)
        assert all(a[1] == b[0] and a[0] < a[1] for a, b in zip(spans, spans[1:]))
    assert batch_blocks.blocks(64, 1, min_work=2) == [(0, 64)]


def _one_block(monkeypatch, fn):
    with monkeypatch.context() as m:
        m.setattr(batch_blocks, "blocks", lambda n, work, min_work=None, follow_load=False: [(0, n)])
        return fn()


@pytest.mark.parametrize("xs, ws, attrs", CASES, ids=str)
def test_unfolded_passes_in_image_blocks_match_one_block(split_batches, monkeypatch, xs, ws, attrs):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(xs).astype(np.float32), rng.standard_normal(ws).astype(np.float32)
    assert fast.unfolded(xs, ws, fast.conv_geometry(xs, ws[:2], attrs), np.float32) is not None
    assert len(conv_gemm._spans(fast.unfolded(xs, ws, fast.conv_geometry(xs, ws[:2], attrs), np.float32))) > 1
    y = fast.conv2d(x, w, **attrs)
    dy = rng.standard_normal(y.shape).astype(np.float32)
    for fn in (lambda: fast.conv2d(x, w, **attrs), lambda: fast.conv2d_backprop_filter(x, ws, dy, **attrs),
               lambda: fast.conv2d_backprop_input(xs, w, dy, **attrs)):
        np.testing.assert_allclose(fn(), _one_block(monkeypatch, fn), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_pooling_and_im2col_passes_in_image_blocks_match_one_block(split_batches, monkeypatch, padding):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, 9, 8, 3)).astype(np.float32)
    w = rng.standard_normal((3, 3, 3, 4)).astype(np.float32)
    conv_attrs = {"strides": (2, 1), "padding": padding, "dilations": (1, 1)}   # a height stride: the im2col passes
    pool_attrs = {"ksize": (3, 3), "strides": (2, 2), "padding": padding}
    assert fast.unfolded(x.shape, w.shape, fast.conv_geometry(x.shape, (3, 3), conv_attrs), np.float32) is None
    y, p = fast.conv2d(x, w, **conv_attrs), fast.max_pool(x, **pool_attrs)
    dy, dp = rng.standard_normal(y.shape).astype(np.float32), rng.standard_normal(p.shape).astype(np.float32)
    for fn in (lambda: fast.conv2d(x, w, **conv_attrs),
               lambda: fast.conv2d_backprop_filter(x, w.shape, dy, **conv_attrs),
               lambda: fast.conv2d_backprop_input(x.shape, w, dy, **conv_attrs),
               lambda: fast.max_pool(x, **pool_attrs), lambda: fast.avg_pool(x, **pool_attrs),
               lambda: fast.max_pool_grad(x, p, dp, **pool_attrs),
               lambda: fast.avg_pool_grad(x.shape, dp, **pool_attrs)):
        np.testing.assert_allclose(fn(), _one_block(monkeypatch, fn), rtol=1e-5, atol=1e-5)
