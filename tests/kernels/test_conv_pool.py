"""Convolution and pooling (and their gradients) run hand-written kernels and match the
reference kernels for strides, dilations and both paddings."""
import numpy as np
import pytest

import graphflow as gf
from graphflow.ops.registry import get

from .compiled import op_types, run_both

CONV_CASES = [((2, 7, 6, 3), (3, 3, 3, 4), (1, 1), "SAME", (1, 1)),
              ((2, 7, 6, 3), (3, 2, 3, 4), (2, 2), "VALID", (1, 1)),
              ((1, 9, 9, 2), (3, 3, 2, 5), (1, 1), "SAME", (2, 2)),
              ((3, 8, 8, 1), (3, 3, 1, 16), (2, 1), "SAME", (1, 1))]


def _const_shape(g, dims):
    with g.as_default():
        return gf.constant(np.asarray(dims, np.int32))


@pytest.mark.parametrize("xs, ws, strides, padding, dilations", CONV_CASES, ids=str)
def test_conv2d_and_its_gradients(xs, ws, strides, padding, dilations):
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
    got, want, plan = run_both([y, dw, dx], [x, w], [xv, wv])
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5)
    kinds = op_types(plan)
    assert {"Conv2D", "Conv2DBackpropFilter", "Conv2DBackpropInput"} <= set(kinds)


@pytest.mark.parametrize("ksize, strides, padding", [((2, 2), (2, 2), "VALID"), ((3, 3), (2, 2), "SAME"),
                                                     ((3, 2), (1, 1), "SAME")], ids=str)
def test_pooling_and_its_gradients(ksize, strides, padding):
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((2, 7, 6, 3)).astype(np.float32)
    xv[0, 0, 0, 0] = xv[0, 0, 1, 0] = 5.0          # a tie: the gradient goes to the first maximum
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.float32, xv.shape)
        mp = gf.nn.max_pool2d(x, ksize, strides, padding)
        ap = gf.nn.avg_pool2d(x, ksize, strides, padding)
        attrs = dict(mp.op.attrs)
        dmp = g.create_op(get("MaxPoolGrad"), [x, mp, gf.cos(mp)], attrs).outputs[0]
        dap = g.create_op(get("AvgPoolGrad"), [_const_shape(g, xv.shape), gf.cos(ap)], attrs).outputs[0]
    got, want, plan = run_both([mp, ap, dmp, dap], [x], [xv])
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_max_pool_propagates_nan():
    xv = np.zeros((1, 2, 2, 1), np.float32)
    xv[0, 1, 0, 0] = np.nan
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.float32, xv.shape)
        y = gf.nn.max_pool2d(x, 2, 2, "VALID")
    got, want, _ = run_both([y], [x], [xv])
    assert np.isnan(got[0]).all() and np.isnan(want[0]).all()
