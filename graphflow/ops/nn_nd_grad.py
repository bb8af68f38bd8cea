"""Gradients of the N-d convolution and pooling ops (ops/nn_nd.py): each backprop is itself an op
whose gradient is the forward op or the other backprop, so second derivatives exist too."""
from __future__ import annotations

from . import api as gf
from .api.shape import shape_tensor
from .dispatch import apply
from .grad_ops import shape_of
from .registry import get, set_gradient


def _conv_attrs(op):
    return {k: op.attrs[k] for k in ("strides", "padding", "dilations")}


def conv3d(x, w, attrs):
    return apply(get("Conv3D"), (x, w), attrs)


def conv3d_backprop_input(sizes, w, dy, attrs):
    return apply(get("Conv3DBackpropInputV2"), (shape_tensor(sizes), w, dy), attrs)


def conv3d_backprop_filter(x, sizes, dy, attrs):
    return apply(get("Conv3DBackpropFilterV2"), (x, shape_tensor(sizes), dy), attrs)


@set_gradient("Conv3D")
def _conv3d_grad(op, g):
    x, w = op.inputs
    a = _conv_attrs(op)
    return conv3d_backprop_input(shape_of(x), w, g, a), conv3d_backprop_filter(x, shape_of(w), g, a)


@set_gradient("Conv3DBackpropInputV2")
def _conv3d_backprop_input_grad(op, g):
    _, w, dy = op.inputs
    a = _conv_attrs(op)
    return None, conv3d_backprop_filter(g, shape_of(w), dy, a), conv3d(g, w, a)


@set_gradient("Conv3DBackpropFilterV2")
def _conv3d_backprop_filter_grad(op, g):
    x, _, dy = op.inputs
    a = _conv_attrs(op)
    return conv3d_backprop_input(shape_of(x), g, dy, a), None, conv3d(x, g, a)


def _pool_attrs(op):
    return {k: op.attrs[k] for k in ("ksize", "strides", "padding")}


@set_gradient("MaxPool3D")
def _max_pool3d_grad(op, g):
    return (apply(get("MaxPool3DGrad"), (op.inputs[0], op.outputs[0], g), _pool_attrs(op)),)


@set_gradient("AvgPool3D")
def _avg_pool3d_grad(op, g):
    return (apply(get("AvgPool3DGrad"), (shape_tensor(shape_of(op.inputs[0])), g), _pool_attrs(op)),)


@set_gradient("AvgPool3DGrad")
def _avg_pool3d_grad_grad(op, g):
    return None, apply(get("AvgPool3D"), (g,), _pool_attrs(op))


@set_gradient("MaxPoolWithArgmax")
def _max_pool_with_argmax_grad(op, g, g_argmax=None):
    # each output's gradient lands on the input cell its argmax names (per image unless the
    # index already counts the batch)
    x = op.inputs[0]
    n, h, w, c = x.shape.dims
    arg = gf.cast(op.outputs[1], "int64")
    if not op.attrs.get("include_batch_in_index", False):
        arg = gf.add(arg, gf.reshape(gf.constant([i * h * w * c for i in range(n)], "int64"), [n, 1, 1, 1]))
    flat = apply(get("UnsortedSegmentSum"), (gf.reshape(g, [-1]), gf.reshape(arg, [-1])),
                 {"num_segments": n * h * w * c})
    return (gf.reshape(flat, [n, h, w, c]),)


@set_gradient("FractionalPool")
def _fractional_pool_grad(op, g, g_rows=None, g_cols=None):
    _, rows, cols = op.outputs
    attrs = {"overlapping": op.attrs["overlapping"], "mode": op.attrs["mode"]}
    return (apply(get("FractionalPoolGrad"), (op.inputs[0], rows, cols, g), attrs),)
