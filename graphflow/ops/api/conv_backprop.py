"""tf.conv2d_backprop_input_v2 / conv2d_backprop_filter_v2: the gradients of conv2d as functions of
the input's or filter's shape (taken from a tensor), NHWC, on the ops conv2d's gradient uses."""
from __future__ import annotations

from ..convert import convert_to_tensor
from ..dispatch import apply
from .op_call import opdef
from .shape import shape


def _attrs(strides, padding, explicit_paddings, data_format, dilations, op):
    if data_format != "NHWC":
        raise ValueError(f"{op}: only data_format='NHWC' is supported, got {data_format!r}")
    strides = list(strides) if isinstance(strides, (list, tuple)) else [strides] * 4
    dilations = list(dilations) if isinstance(dilations, (list, tuple)) else [dilations] * 4
    if len(strides) == 4:
        strides = strides[1:3]
    if len(dilations) == 4:
        dilations = dilations[1:3]
    if padding == "EXPLICIT":
        p = list(explicit_paddings)
        if len(p) != 8:
            raise ValueError(f"{op}: explicit_paddings must have 8 entries, got {len(p)}")
        padding = ((p[2], p[3]), (p[4], p[5]))
    elif padding not in ("SAME", "VALID"):
        raise ValueError(f"{op}: padding must be 'SAME', 'VALID' or 'EXPLICIT', got {padding!r}")
    return {"strides": tuple(int(s) for s in strides), "padding": padding,
            "dilations": tuple(int(d) for d in dilations)}


def conv2d_backprop_input_v2(input, filter, out_backprop, strides, padding, use_cudnn_on_gpu=True,  # noqa: A002
                             explicit_paddings=(), data_format="NHWC", dilations=(1, 1, 1, 1), name=None):
    """The gradient of conv2d with respect to an input shaped like `input`."""
    x, w, dy = convert_to_tensor(input), convert_to_tensor(filter), convert_to_tensor(out_backprop)
    return apply(opdef("Conv2DBackpropInput"), (shape(x), w, dy),
                 _attrs(strides, padding, explicit_paddings, data_format, dilations, "conv2d_backprop_input_v2"))


def conv2d_backprop_filter_v2(input, filter, out_backprop, strides, padding, use_cudnn_on_gpu=True,  # noqa: A002
                              explicit_paddings=(), data_format="NHWC", dilations=(1, 1, 1, 1), name=None):
    """The gradient of conv2d with respect to a filter shaped like `filter`."""
    x, w, dy = convert_to_tensor(input), convert_to_tensor(filter), convert_to_tensor(out_backprop)
    return apply(opdef("Conv2DBackpropFilter"), (x, shape(w), dy),
                 _attrs(strides, padding, explicit_paddings, data_format, dilations, "conv2d_backprop_filter_v2"))


def conv(input, filter, strides, padding, explicit_paddings=(), data_format="CHANNELS_LAST",  # noqa: A002
         dilations=(), batch_dims=1, groups=1, name=None):
    """TensorFlow's generic convolution op for 2 spatial dimensions (input [batch, h, w, c], filter
    [kh, kw, c, out], channels last): conv2d with strides/dilations given for every dimension."""
    from .nn import conv2d
    x = convert_to_tensor(input)
    if x.shape.rank is not None and x.shape.rank != 4:
        raise ValueError(f"conv: graphflow's conv takes 2 spatial dimensions (a rank-4 input), got rank "
                         f"{x.shape.rank}; use the conv1d/conv3d functions of tf.nn")
    if data_format not in ("CHANNELS_LAST", "NHWC") or batch_dims != 1 or groups != 1:
        raise ValueError("conv: only data_format='CHANNELS_LAST', batch_dims=1 and groups=1 are supported")
    st = list(strides)
    dl = list(dilations) or [1, 1, 1, 1]
    pad = padding
    if padding == "EXPLICIT":
        p = list(explicit_paddings)
        pad = [[p[0], p[1]], [p[2], p[3]], [p[4], p[5]], [p[6], p[7]]]
    return conv2d(x, filter, strides=st, padding=pad, dilations=dl)
