"""The gradient of isotonic regression: each output is the mean of its block's inputs, so each
input receives the mean of its block's output gradients."""
from __future__ import annotations

from . import api as gf
from .dispatch import apply
from .registry import get, set_gradient


@set_gradient("IsotonicRegression")
def _isotonic_grad(op, g, g_segments=None):
    x, segments = op.inputs[0], op.outputs[1]
    dims = x.shape.dims
    if dims is None or None in dims:
        raise NotImplementedError("The gradient of isotonic_regression needs the static shape of its input")
    n = dims[-1]
    rows = 1
    for d in dims[:-1]:
        rows *= d
    offsets = gf.reshape(gf.range(0, rows * n, n, dtype="int32"), [rows, 1])
    ids = gf.reshape(gf.add(gf.reshape(segments, [rows, n]), offsets), [-1])
    attrs = {"num_segments": rows * n}
    total = apply(get("UnsortedSegmentSum"), (gf.reshape(g, [-1]), ids), attrs)
    count = apply(get("UnsortedSegmentSum"), (gf.ones([rows * n], g.dtype), ids), attrs)
    mean = gf.divide(gf.gather(total, ids), gf.gather(count, ids))
    return (gf.cast(gf.reshape(mean, dims), x.dtype),)


@set_gradient("CTCLossDense")
def _ctc_loss_grad(op, g, g_grad=None):
    # the op's second output is d loss / d logits (softmax minus the label's occupancy)
    scale = gf.expand_dims(gf.expand_dims(g, 0), -1)
    return gf.multiply(scale, op.outputs[1]), None, None, None
