"""The fast convolution kernels (kernels/fast.py) checked against the registry's reference kernels:
the forward pass and both gradients, for the conv test files to share."""
import numpy as np

from graphflow.kernels import fast
from graphflow.ops.registry import get


def reference(op_type, *args, **attrs):
    return get(op_type).kernel(*args, **attrs)


def conv_attrs(strides, padding, dilations=(1, 1)):
    return {"strides": strides, "padding": padding, "dilations": dilations}


def assert_fast_conv_matches_reference(xv, wv, attrs, dy=None, rng=None, rtol=2e-5):
    """conv2d and its filter and input gradients through fast.py equal the reference kernels'
    (dtype kept; tolerance relative to each result's largest magnitude)."""
    y = fast.conv2d(xv, wv, **attrs)
    if dy is None:
        dy = (rng or np.random.default_rng(0)).standard_normal(y.shape).astype(xv.dtype)
    pairs = [(y, reference("Conv2D", xv, wv, **attrs)),
             (fast.conv2d_backprop_filter(xv, wv.shape, dy, **attrs),
              reference("Conv2DBackpropFilter", xv, wv.shape, dy, **attrs)),
             (fast.conv2d_backprop_input(xv.shape, wv, dy, **attrs),
              reference("Conv2DBackpropInput", xv.shape, wv, dy, **attrs))]
    for got, want in pairs:
        assert got.dtype == xv.dtype
        np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * max(1.0, float(np.abs(want).max())))
