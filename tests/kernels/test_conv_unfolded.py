"""Convolutions wide enough for the row-unfolded GEMMs (kernels/conv_gemm.py) and the max-pool
gradient kernel match the reference kernels, compiled and eager, for strides, dilations, paddings
and odd sizes, and TensorFlow's recorded outputs and gradients."""
import json
from pathlib import Path

import numpy as np
import pytest

import graphflow as gf
from graphflow.kernels import conv_gemm, fast
from graphflow.ops.registry import get

from .compiled import run_both
from .conv_reference import assert_fast_conv_matches_reference, conv_attrs, reference

# (x shape, filter shape, strides, padding, dilations)
UNFOLDED_CASES = [((2, 7, 6, 8), (3, 3, 8, 4), (1, 1), "VALID", (1, 1)),
                  ((2, 7, 5, 8), (3, 3, 8, 4), (1, 1), "SAME", (1, 1)),
                  ((2, 6, 7, 8), (3, 2, 8, 3), (1, 2), "SAME", (1, 1)),
                  ((1, 9, 8, 8), (3, 3, 8, 5), (1, 1), "SAME", (2, 2)),
                  ((2, 5, 6, 16), (2, 1, 16, 3), (1, 1), [[0, 0], [2, 1], [0, 3], [0, 0]], (1, 1)),
                  # dilation past the output's height: unfolded rows 1..3 lie between the filter rows' GEMMs
                  ((2, 5, 7, 8), (2, 3, 8, 3), (1, 1), [[0, 0], [0, 0], [2, 1], [0, 0]], (4, 1)),
                  ((3, 8, 7, 2), (3, 3, 2, 5), (1, 1), "SAME", (1, 1))]                    # two channels: K = 6


_attrs, _reference = conv_attrs, reference


def _const_shape(g, dims):
    with g.as_default():
        return gf.constant(np.asarray(dims, np.int32))


@pytest.mark.parametrize("xs, ws, strides, padding, dilations", UNFOLDED_CASES, ids=str)
def test_unfolded_conv_and_its_gradients_compiled(xs, ws, strides, padding, dilations):
    rng = np.random.default_rng(0)
    xv = rng.standard_normal(xs).astype(np.float32)
    wv = rng.standard_normal(ws).astype(np.float32)
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.float32, xs)
        w = gf.compat.v1.placeholder(gf.float32, ws)
        y = gf.nn.conv2d(x, w, strides, padding, dilations=dilations)
        attrs = dict(y.op.attrs)
        dy = gf.sin(y)
        dw = g.create_op(get("Conv2DBackpropFilter"), [x, _const_shape(g, ws), dy], attrs).outputs[0]
        dx = g.create_op(get("Conv2DBackpropInput"), [_const_shape(g, xs), w, dy], attrs).outputs[0]
    assert fast.unfolded(xs, ws, fast.conv_geometry(xs, ws[:2], attrs), np.float32) is not None
    got, want, plan = run_both([y, dw, dx], [x, w], [xv, wv])
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5 * max(1.0, float(np.abs(b).max())))
    called = {getattr(v, "__qualname__", "") for v in plan.executable().run.__globals__.values()
              if getattr(v, "__module__", "") == conv_gemm.__name__}
    assert {"forward", "filter_grad", "input_grad"} <= called


@pytest.mark.parametrize("dtype, tol", [(np.float32, 2e-5), (np.float64, 1e-12)], ids=str)
@pytest.mark.parametrize("xs, ws, strides, padding, dilations", UNFOLDED_CASES[1:4], ids=str)
def test_unfolded_fast_kernels_match_the_reference_kernels(xs, ws, strides, padding, dilations, dtype, tol):
    rng = np.random.default_rng(1)
    xv, wv = rng.standard_normal(xs).astype(dtype), rng.standard_normal(ws).astype(dtype)
    assert_fast_conv_matches_reference(xv, wv, _attrs(strides, padding, dilations), rng=rng, rtol=tol)


def test_height_strided_or_one_channel_convolutions_keep_im2col():
    geometry = fast.conv_geometry((2, 8, 8, 8), (3, 3), _attrs((2, 1), "VALID", (1, 1)))
    assert fast.unfolded((2, 8, 8, 8), (3, 3, 8, 4), geometry, np.float32) is None      # stride 2 along h
    geometry = fast.conv_geometry((2, 8, 8, 1), (3, 3), _attrs((1, 1), "VALID", (1, 1)))
    assert fast.unfolded((2, 8, 8, 1), (3, 3, 1, 4), geometry, np.float32) is None      # kw * C = 3 (W7's conv1)
    geometry = fast.conv_geometry((2, 8, 8, 2), (3, 3), _attrs((1, 1), "VALID", (1, 1)))
    assert fast.unfolded((2, 8, 8, 2), (3, 3, 2, 4), geometry, np.float32) is not None  # kw * C = 6


def test_a_small_cnn_trains_the_same_eagerly_and_compiled():
    rng = np.random.default_rng(2)
    xv = rng.standard_normal((4, 10, 9, 2)).astype(np.float32)
    yv = rng.integers(0, 3, 4).astype(np.int32)
    init = [rng.standard_normal((3, 3, 2, 8)).astype(np.float32) * 0.3, np.zeros(8, np.float32),
            rng.standard_normal((3, 3, 8, 6)).astype(np.float32) * 0.2, np.zeros(6, np.float32),
            rng.standard_normal((54, 3)).astype(np.float32) * 0.2]

    def train(compiled):
        variables = [gf.Variable(v) for v in init]

        def step(x, y):
            k1, b1, k2, b2, w = variables
            with gf.GradientTape() as tape:
                h = gf.nn.max_pool2d(gf.nn.relu(gf.nn.conv2d(x, k1, 1, "SAME") + b1), 2, 2, "SAME")
                h = gf.nn.relu(gf.nn.conv2d(h, k2, 1, "VALID") + b2)
                logits = gf.matmul(gf.reshape(h, [4, -1]), w)
                loss = gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
            for v, g in zip(variables, tape.gradient(loss, variables)):
                v.assign_sub(0.1 * g)
            return loss
        run = gf.function(step) if compiled else step
        losses = [float(run(gf.constant(xv), gf.constant(yv))) for _ in range(3)]
        return losses, [v.numpy() for v in variables]

    with gf.eager_mode():
        (eager_losses, eager_w), (fn_losses, fn_w) = train(False), train(True)
    np.testing.assert_allclose(fn_losses, eager_losses, rtol=1e-5)
    assert eager_losses[-1] < eager_losses[0]
    for a, b in zip(fn_w, eager_w):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("ksize, strides, padding", [((2, 2), (2, 2), "VALID"), ((3, 3), (2, 2), "SAME"),
                                                     ((2, 2), (2, 2), "SAME"), ((3, 3), (1, 1), "VALID")], ids=str)
def test_max_pool_gradient_goes_to_the_first_maximum_of_each_window(ksize, strides, padding):
    rng = np.random.default_rng(3)
    xv = np.maximum(rng.standard_normal((2, 7, 6, 8)), 0).astype(np.float32)   # relu zeros: many ties
    xv[0, 2, 2, :] = np.nan
    xv[1, :, :, 3] = -np.inf                                                    # windows over padding
    attrs = {"ksize": ksize, "strides": strides, "padding": padding}
    y = fast.max_pool(xv, **attrs)
    dy = rng.standard_normal(y.shape).astype(np.float32)
    got = fast.max_pool_grad(xv, y, dy, **attrs)
    np.testing.assert_allclose(got, _reference("MaxPoolGrad", xv, y, dy, **attrs), rtol=1e-6, atol=1e-6)


# ---- against TensorFlow (tools/tfref/record_conv_unfolded.py) --------------------------------------------

DATA = Path(__file__).resolve().parents[1] / "data" / "conv_unfolded"
TF_CASES = json.loads((DATA / "cases.json").read_text())
TF_ARRAYS = np.load(DATA / "conv_unfolded.npz")


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "function"])
@pytest.mark.parametrize("case_id", sorted(TF_CASES))
def test_wide_conv_and_its_gradients_match_tensorflow(case_id, compiled):
    spec = TF_CASES[case_id]
    x, w, dy, y, dx, dw = (TF_ARRAYS[f"{case_id}/{k}"] for k in ("x", "w", "dy", "y", "dx", "dw"))
    padding = spec["padding"] if isinstance(spec["padding"], str) else [tuple(p) for p in spec["padding"]]

    def conv_and_grads(xt, wt, upstream):
        with gf.GradientTape() as tape:
            tape.watch([xt, wt])
            out = gf.nn.conv2d(xt, wt, spec["strides"], padding, dilations=spec["dilations"])
        return [out] + tape.gradient(out, [xt, wt], output_gradients=upstream)

    run = gf.function(conv_and_grads) if compiled else conv_and_grads
    with gf.eager_mode():
        got = [t.numpy() for t in run(gf.constant(x), gf.constant(w), gf.constant(dy))]
    for a, b in zip(got, (y, dx, dw)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4 * max(1.0, float(np.abs(b).max())))


@pytest.mark.parametrize("options", [{}, {"memory_optimization": False}], ids=["reused-buffers", "no-memory-plan"])
def test_overlapping_calls_of_a_conv_plan_each_get_their_own_work_buffers(options):
    import threading
    xs, ws = (2, 7, 6, 8), (3, 3, 8, 4)
    rng = np.random.default_rng(4)
    wv = rng.standard_normal(ws).astype(np.float32)
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.float32, xs)
        first = wv[:, :, :, :1] * np.ones((1, 1, 1, 8), np.float32)
        y = gf.nn.conv2d(gf.nn.conv2d(x, first, 1, "SAME"), wv, 1, "VALID")
    feeds = [rng.standard_normal(xs).astype(np.float32) for _ in range(4)]
    want = [run_both([y], [x], [f], options=options)[1][0] for f in feeds]
    _, _, plan = run_both([y], [x], [feeds[0]], options=options)
    errors = []

    def worker(i):
        for _ in range(30):
            if not np.allclose(plan([feeds[i]])[0], want[i], rtol=1e-5, atol=1e-5):
                errors.append(i)
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_unfolded_passes_split_into_blocks_of_images_match_the_reference_kernels(monkeypatch):
    from graphflow.kernels import batch_blocks, gemm_pool
    monkeypatch.setattr(gemm_pool, "MIN_MACS", 0)         # W7-sized passes split; these are tiny
    rng = np.random.default_rng(5)
    wide_batch = ((7,) + UNFOLDED_CASES[1][0][1:],) + UNFOLDED_CASES[1][1:]     # blocks of several images
    for xs, ws, strides, padding, dilations in UNFOLDED_CASES[:4] + [wide_batch] + UNFOLDED_CASES[5:]:
        attrs = _attrs(strides, padding, dilations)
        geo = fast.unfolded(xs, ws, fast.conv_geometry(xs, ws[:2], attrs), np.float32)
        splits = len(conv_gemm._spans(geo)) > 1
        assert splits or xs[0] == 1 or batch_blocks.blocks(2, 1 << 62) == [(0, 2)]     # or nothing splits here
        xv, wv = rng.standard_normal(xs).astype(np.float32), rng.standard_normal(ws).astype(np.float32)
        assert_fast_conv_matches_reference(xv, wv, attrs, rng=rng)


def test_a_plan_s_work_buffer_with_too_few_block_slots_is_not_overrun(monkeypatch):
    """A plan sizes its work buffer for the thread count when it was lowered; more blocks later
    (gf.config.threading raised) get a buffer of their own instead of sharing slots."""
    xs, ws, strides, padding, dilations = (6,) + UNFOLDED_CASES[1][0][1:], *UNFOLDED_CASES[1][1:]
    attrs = _attrs(strides, padding, dilations)
    geo = fast.unfolded(xs, ws, fast.conv_geometry(xs, ws[:2], attrs), np.float32)
    monkeypatch.setattr(conv_gemm, "_spans", lambda g: [(0, 2), (2, 4), (4, 6)])
    rng = np.random.default_rng(6)
    xv, wv = rng.standard_normal(xs).astype(np.float32), rng.standard_normal(ws).astype(np.float32)
    one_slot = np.full((1,) + conv_gemm.scratch_shapes(geo, "forward")[0][1:], np.nan, np.float32)
    y = np.empty((geo.n, geo.oh, geo.ow, geo.o), np.float32)
    conv_gemm.forward(xv, wv, geo, y, one_slot)
    np.testing.assert_allclose(y, _reference("Conv2D", xv, wv, **attrs), rtol=2e-5, atol=1e-4)
    assert np.isnan(one_slot).all()          # too small: left alone
