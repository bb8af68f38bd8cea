"""Gradients of the neural-network ops: softmax family, fused cross-entropies, conv2d, pooling."""
from __future__ import annotations

from . import api as gf
from .grad_ops import (
    avg_pool_grad,
    conv2d_backprop_filter,
    conv2d_backprop_input,
    max_pool_grad,
    reduce_to,
    shape_of,
    sparse_xent_grad,
)
from .registry import set_gradient, skipped_inputs


@set_gradient("Softmax")
def _softmax_grad(op, g):
    y, axis = op.outputs[0], op.attrs.get("axis", -1)
    return (gf.multiply(gf.subtract(g, gf.reduce_sum(gf.multiply(g, y), axis, keepdims=True)), y),)


@set_gradient("LogSoftmax")
def _log_softmax_grad(op, g):
    y, axis = op.outputs[0], op.attrs.get("axis", -1)
    return (gf.subtract(g, gf.multiply(gf.exp(y), gf.reduce_sum(g, axis, keepdims=True))),)


@set_gradient("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_xent_grad(op, g):
    logits, labels = op.inputs
    return sparse_xent_grad(logits, labels, g), None


@set_gradient("SoftmaxCrossEntropyWithLogits")
def _xent_grad(op, g):
    # As TensorFlow: d/dlogits = softmax - labels (exact when each label row sums to 1).
    logits, labels = op.inputs
    axis = op.attrs.get("axis", -1)
    rank = op.outputs[0].shape.rank
    g = gf.expand_dims(g, axis if axis >= 0 or rank is None else rank + 1 + axis)
    d_logits = gf.multiply(g, gf.subtract(gf.softmax(logits, axis), labels))
    d_labels = gf.multiply(g, gf.negative(gf.log_softmax(logits, axis)))
    return reduce_to(d_logits, logits), reduce_to(d_labels, labels)


@set_gradient("Conv2D")
def _conv2d_grad(op, g):
    x, w = op.inputs
    a = op.attrs
    strides, padding, dilations = a.get("strides", (1, 1)), a.get("padding", "VALID"), a.get("dilations", (1, 1))
    skip = skipped_inputs()    # the first layer's images need no gradient: skip that backprop
    return (None if 0 in skip else conv2d_backprop_input(shape_of(x), w, g, strides, padding, dilations),
            None if 1 in skip else conv2d_backprop_filter(x, shape_of(w), g, strides, padding, dilations))


@set_gradient("MaxPool")
def _max_pool_grad(op, g):
    return (max_pool_grad(op.inputs[0], op.outputs[0], g, op.attrs),)


@set_gradient("AvgPool")
def _avg_pool_grad(op, g):
    return (avg_pool_grad(op.inputs[0], g, op.attrs),)
