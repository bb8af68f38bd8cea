"""Few-channel convolutions (im2col_planes, kernels/conv.py) and max pooling over tiles
(max_pool_tiled, max_pool_grad_tiled, kernels/pool.py) match the reference kernels for paddings,
strides, dilations, gaps between windows, NaN, ties and windows over the padding."""
import numpy as np
import pytest

from graphflow.kernels import batch_blocks, conv, conv_gemm, fast, pool

from .conv_reference import assert_fast_conv_matches_reference, conv_attrs, reference

_reference, _attrs = reference, conv_attrs


# (x shape, filter shape, strides, padding, dilations), C <= conv.MAX_PLANE_CHANNELS in each
FEW_CHANNEL_CASES = [((2, 7, 6, 1), (3, 3, 1, 5), (1, 1), "VALID", (1, 1)),
                     ((2, 7, 6, 1), (3, 3, 1, 5), (1, 1), "SAME", (1, 1)),
                     ((2, 8, 7, 3), (3, 2, 3, 4), (2, 3), "SAME", (1, 1)),
                     ((1, 9, 9, 2), (3, 3, 2, 3), (1, 2), "SAME", (2, 2)),
                     ((2, 5, 6, 1), (2, 4, 1, 3), (1, 1), [[0, 0], [2, 1], [0, 3], [0, 0]], (1, 1)),
                     ((1, 3, 4, 4), (5, 5, 4, 2), (1, 1), "SAME", (1, 1))]      # every window over padding


@pytest.mark.parametrize("xs, ws, strides, padding, dilations", FEW_CHANNEL_CASES, ids=str)
def test_im2col_planes_is_im2col_transposed(xs, ws, strides, padding, dilations):
    x = np.random.default_rng(0).standard_normal(xs).astype(np.float32)
    g = fast.conv_geometry(xs, ws[:2], _attrs(strides, padding, dilations))
    m, k = xs[0] * g[8] * g[9], ws[0] * ws[1] * xs[3]
    rows, planes = np.empty((m, k), np.float32), np.full((k, m), np.nan, np.float32)
    conv.im2col(x, *g, rows)
    conv.im2col_planes(x, *g, planes)
    np.testing.assert_array_equal(planes, rows.T)


@pytest.mark.parametrize("dtype, tol", [(np.float32, 2e-5), (np.float64, 1e-12)], ids=str)
@pytest.mark.parametrize("xs, ws, strides, padding, dilations", FEW_CHANNEL_CASES, ids=str)
def test_few_channel_convolutions_match_the_reference_kernels(xs, ws, strides, padding, dilations, dtype, tol,
                                                            monkeypatch):
    assert xs[3] <= conv.MAX_PLANE_CHANNELS
    monkeypatch.setattr(conv_gemm, "MIN_UNFOLDED", 1 << 30)     # every case through conv.py's planes
    rng = np.random.default_rng(1)
    xv, wv = rng.standard_normal(xs).astype(dtype), rng.standard_normal(ws).astype(dtype)
    assert_fast_conv_matches_reference(xv, wv, _attrs(strides, padding, dilations), rng=rng, rtol=tol)


@pytest.mark.parametrize("chunk_bytes", [1, 1 << 30], ids=["image-runs", "one-run"])
@pytest.mark.parametrize("channels", [1, 3, 8], ids=str)        # planes, planes, rows
def test_convolutions_in_blocks_of_images_match_the_reference_kernels(monkeypatch, channels, chunk_bytes):
    monkeypatch.setattr(batch_blocks, "blocks", lambda n, work, min_work=None: [(0, 2), (2, 3), (3, n)])
    monkeypatch.setattr(conv, "CHUNK_BYTES", chunk_bytes)          # 1: each image a run of its own
    assert (channels <= conv.MAX_PLANE_CHANNELS) == (channels < 8)
    rng = np.random.default_rng(2)
    xs, ws, attrs = (5, 7, 6, channels), (3, 3, channels, 4), _attrs((2, 1), "SAME")   # im2col, not conv_gemm
    assert fast.unfolded(xs, ws, fast.conv_geometry(xs, ws[:2], attrs), np.float32) is None
    xv, wv = rng.standard_normal(xs).astype(np.float32), rng.standard_normal(ws).astype(np.float32)
    assert_fast_conv_matches_reference(xv, wv, attrs, rng=rng)


@pytest.mark.parametrize("channels", [1, 8], ids=str)
def test_convolutions_of_an_empty_batch_are_empty(channels):
    xs, ws, attrs = (0, 7, 6, channels), (3, 3, channels, 4), _attrs((2, 1), "SAME")
    xv, wv = np.zeros(xs, np.float32), np.ones(ws, np.float32)
    y = fast.conv2d(xv, wv, **attrs)
    assert y.shape == (0, 4, 6, 4)
    dw = fast.conv2d_backprop_filter(xv, ws, y, **attrs)
    np.testing.assert_array_equal(dw, np.zeros(ws, np.float32))
    assert fast.conv2d_backprop_input(xs, wv, y, **attrs).shape == xs


# (input height, width, ksize, strides, padding, tiled)
POOL_CASES = [(8, 6, (2, 2), (2, 2), "VALID", True),       # 2x2 windows inside the input: max_pool_2x2
              (7, 5, (2, 2), (2, 2), "VALID", True),       # a row and a column past the last window
              (7, 5, (2, 2), (2, 2), "SAME", True),        # the last windows hang over the padding
              (9, 8, (2, 3), (3, 4), "VALID", True),       # gaps between the windows
              (9, 8, (2, 2), (3, 3), "VALID", True),
              (8, 7, (3, 2), (3, 3), "SAME", True),
              (7, 6, (3, 3), (2, 2), "SAME", False),       # overlapping windows
              (6, 6, (1, 1), (2, 2), "SAME", True),
              (5, 5, (3, 3), (3, 3), "SAME", True),
              (4, 4, (3, 3), (3, 3), "SAME", False)]       # padding before the input: ph = pw = 1


def _pool_input(h, w, dtype):
    rng = np.random.default_rng(3)
    x = np.maximum(rng.standard_normal((2, h, w, 5)), 0).astype(dtype)    # relu zeros: ties in windows
    x[0, 1, 1, 0] = x[0, 0, 0, 0] = 4.0                                  # a tie of maxima
    x[0, 2, 3, 1] = np.nan
    x[1, :, :, 2] = -np.inf                                              # -inf windows, over the padding too
    x[1, :3, :, 3] = -np.inf
    return x


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=str)
@pytest.mark.parametrize("h, w, ksize, strides, padding, tiled", POOL_CASES, ids=str)
def test_max_pool_and_its_gradient_over_tiles_match_the_reference_kernels(h, w, ksize, strides, padding, tiled, dtype):
    x = _pool_input(h, w, dtype)
    attrs = {"ksize": ksize, "strides": strides, "padding": padding}
    assert pool.tiled(h, w, *fast.pool_geometry(x.shape, attrs)) is tiled
    y = fast.max_pool(x, **attrs)
    np.testing.assert_array_equal(y, _reference("MaxPool", x, **attrs))
    dy = np.random.default_rng(4).standard_normal(y.shape).astype(dtype)
    got = fast.max_pool_grad(x, y, dy, **attrs)      # overlapping windows: sums in another order
    np.testing.assert_allclose(got, _reference("MaxPoolGrad", x, y, dy, **attrs), rtol=1e-6, atol=0)


def test_tiled_max_pool_gradient_writes_every_input_cell():
    x = _pool_input(7, 5, np.float32)
    kh, kw, sh, sw, ph, pw, oh, ow = fast.pool_geometry(x.shape, {"ksize": 2, "strides": 2, "padding": "VALID"})
    y = np.empty((2, oh, ow, 5), np.float32)
    pool.max_pool_tiled(x, kh, kw, sh, sw, y)
    out = np.full(x.shape, 7.0, np.float32)             # stale values of a reused buffer
    pool.max_pool_grad_tiled(x, y, np.ones(y.shape, np.float32), kh, kw, sh, sw, out)
    assert not (out == 7.0).any()
    assert out[:, 6].sum() == 0 and out[:, :, 4].sum() == 0


def test_max_pools_in_blocks_of_images_match_the_reference_kernels(monkeypatch):
    monkeypatch.setattr(batch_blocks, "blocks", lambda n, work, min_work=None, follow_load=False: [(0, 1), (1, n)])
    x = _pool_input(7, 5, np.float32)
    for padding, strides in (("VALID", 2), ("SAME", 1)):
        attrs = {"ksize": 2, "strides": strides, "padding": padding}
        y = fast.max_pool(x, **attrs)
        np.testing.assert_array_equal(y, _reference("MaxPool", x, **attrs))
        dy = np.ones(y.shape, np.float32)
        want = _reference("MaxPoolGrad", x, y, dy, **attrs)
        np.testing.assert_array_equal(fast.max_pool_grad(x, y, dy, **attrs), want)


def test_pools_run_in_one_call_while_other_threads_hold_the_cores(monkeypatch):
    monkeypatch.setattr(batch_blocks.gemm_pool, "free_threads", lambda threads: 1)
    real_run = batch_blocks.run

    def one_span(fn, spans):
        assert len(spans) == 1, "split on a busy machine"
        real_run(fn, spans)
    monkeypatch.setattr(batch_blocks, "run", one_span)
    x = _pool_input(6, 6, np.float32)
    np.testing.assert_array_equal(fast.max_pool(x, ksize=2, strides=2, padding="VALID"),
                                  _reference("MaxPool", x, ksize=2, strides=2, padding="VALID"))
