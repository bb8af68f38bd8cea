"""tf.nn beyond the basics of api/nn.py: convolutions of every rank and their transposes, depthwise
and separable convolutions, 1-D/3-D/N-d pooling and pooling with argmax, morphological dilation,
normalizations, moment helpers, more losses and activations, space/depth/batch rearrangements and
embedding lookups. 1-D ops run as 2-D ones with a unit height, as TensorFlow's do; depthwise
convolution is a conv2d with a block-diagonal filter, so gradients come from conv2d's."""
from __future__ import annotations

import math as _pymath

import numpy as np

from ... import dtypes
from ..convert import convert_to_tensor, pair, python_value
from ..dispatch import apply
from ..grad_ops import conv2d_backprop_filter, conv2d_backprop_input
from .construct import eye, zeros_like
from .logic import equal, greater, less, logical_and, where
from .math import (
    abs,
    add,
    add_n,
    cast,
    divide,
    exp,
    is_finite,
    log,
    log1p,
    maximum,
    minimum,
    multiply,
    negative,
    pow,
    relu,
    rsqrt,
    sqrt,
    square,
    subtract,
)
from .nn import _hw, _padding, avg_pool2d, conv2d, max_pool2d
from .op_call import argument_error, opdef
from .reduce import reduce_all, reduce_max, reduce_mean, reduce_sum
from .shape import concat, expand_dims, gather, pad, reshape, shape, squeeze, stack, strided_slice, transpose


def softsign(features, name=None):
    """x / (1 + |x|)."""
    x = convert_to_tensor(features)
    return divide(x, add(abs(x), 1.0), name)


def crelu(features, name=None, axis=-1):
    """relu(x) and relu(-x) concatenated along `axis`."""
    x = convert_to_tensor(features)
    return concat([relu(x), relu(negative(x))], axis, name=name)


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """Sigmoid cross-entropy with the positive term weighted by pos_weight, stable for any logit."""
    x = convert_to_tensor(logits)
    z = convert_to_tensor(labels, dtype_hint=x.dtype)
    log_weight = add(multiply(z, subtract(pos_weight, 1.0)), 1.0)
    softplus_neg = add(log1p(exp(negative(abs(x)))), relu(negative(x)))
    return add(multiply(subtract(1.0, z), x), multiply(log_weight, softplus_neg), name)


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """exp(log_input) - log_input * targets, plus Stirling's term for targets > 1 when full."""
    c = convert_to_tensor(log_input)
    z = convert_to_tensor(targets, dtype_hint=c.dtype)
    loss = subtract(exp(c), multiply(c, z))
    if not compute_full_loss:
        return loss if name is None else add(loss, 0.0, name)
    safe = where(greater(z, 1.0), z, zeros_like(z) + 1.0)
    stirling = add(subtract(multiply(safe, log(safe)), safe), multiply(log(multiply(safe, 2 * _pymath.pi)), 0.5))
    return add(loss, where(greater(z, 1.0), stirling, zeros_like(z)), name)


# ---- moments and normalization ------------------------------------------------------------------

def _axes(axes):
    return [int(a) for a in (axes if isinstance(axes, (list, tuple)) else [axes])]


def sufficient_statistics(x, axes, shift=None, keepdims=False, name=None):
    """(count, sum of x - shift, sum of (x - shift)^2, shift) over `axes`."""
    x = convert_to_tensor(x)
    axes = _axes(axes)
    dims = x.shape.dims
    if dims is None or any(dims[a] is None for a in axes):
        count = cast(reduce_prod_dims(shape(x), axes), x.dtype)
    else:
        count = convert_to_tensor(float(np.prod([dims[a] for a in axes])), dtype=x.dtype)
    centred = x if shift is None else subtract(x, shift)
    m_ss = reduce_sum(centred, axes, keepdims=keepdims)
    v_ss = reduce_sum(square(centred), axes, keepdims=keepdims)
    return count, m_ss, v_ss, (None if shift is None else convert_to_tensor(shift, dtype_hint=x.dtype))


def reduce_prod_dims(shape_vector, axes):
    from .reduce import reduce_prod
    return reduce_prod(gather(shape_vector, axes))


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """(mean, variance) from sufficient statistics."""
    mean_ss, variance_ss = pair(mean_ss, variance_ss)
    divisor = divide(1.0, convert_to_tensor(counts, dtype_hint=mean_ss.dtype))
    shifted_mean = multiply(mean_ss, divisor)
    mean = shifted_mean if shift is None else add(shifted_mean, shift)
    variance = subtract(multiply(variance_ss, divisor), square(shifted_mean))
    return mean, variance


def weighted_moments(x, axes, frequency_weights, keepdims=False, name=None):
    """The frequency-weighted mean and variance over `axes` (0 where the weights sum to 0)."""
    x = convert_to_tensor(x)
    w = convert_to_tensor(frequency_weights, dtype_hint=x.dtype)
    axes = _axes(axes)
    total = reduce_sum(add(w, zeros_like(x)), axes, keepdims=True)
    safe = where(equal(total, 0.0), zeros_like(total) + 1.0, total)
    mean = divide(reduce_sum(multiply(w, x), axes, keepdims=True), safe)
    var = divide(reduce_sum(multiply(w, square(subtract(x, mean))), axes, keepdims=True), safe)
    mean = where(equal(total, 0.0), zeros_like(mean), mean)
    var = where(equal(total, 0.0), zeros_like(var), var)
    if not keepdims:
        mean, var = squeeze(mean, axes), squeeze(var, axes)
    return mean, var


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) * scale / sqrt(variance + epsilon) + offset (offset, scale may be None)."""
    x = convert_to_tensor(x)
    inv = rsqrt(add(variance, variance_epsilon))
    if scale is not None:
        inv = multiply(inv, scale)
    shift = negative(multiply(mean, inv)) if offset is None else subtract(offset, multiply(mean, inv))
    return add(multiply(x, cast(inv, x.dtype)), cast(shift, x.dtype), name)


def batch_norm_with_global_normalization(input, mean, variance, beta, gamma, variance_epsilon,  # noqa: A002
                                         scale_after_normalization, name=None):
    return batch_normalization(input, mean, variance, beta, gamma if scale_after_normalization else None,
                               variance_epsilon, name)


def local_response_normalization(input, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5, name=None):  # noqa: A002
    """x / (bias + alpha * sum of x^2 over the 2r+1 nearest channels) ** beta (4-D NHWC)."""
    x = convert_to_tensor(input)
    if x.shape.rank != 4:
        raise argument_error("LRN", f"input must be 4-D, got shape {x.shape}")
    r = int(depth_radius)
    c = x.shape.dims[-1]
    sq = pad(square(x), [[0, 0], [0, 0], [0, 0], [r, r]])
    window = add_n([strided_slice(sq, (Ellipsis, slice(i, i + c))) for i in range(2 * r + 1)])
    return multiply(x, pow(add(multiply(window, alpha), bias), -beta), name)


lrn = local_response_normalization


def zero_fraction(value, name=None):
    """The fraction of zeros in value, as float32."""
    x = convert_to_tensor(value)
    return reduce_mean(cast(equal(x, zeros_like(x)), dtypes.float32), name=name)


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None, name=None):
    """The sum of (weighted) per-example losses over the global batch size (the first dimension on
    one replica)."""
    loss = convert_to_tensor(per_example_loss)
    if sample_weight is not None:
        loss = multiply(loss, sample_weight)
    total = reduce_sum(loss)
    if global_batch_size is None:
        global_batch_size = cast(shape(loss)[0], loss.dtype)
    return divide(total, global_batch_size, name)


def scale_regularization_loss(regularization_loss, name=None):
    """The regularization loss scaled for one replica: its sum."""
    if isinstance(regularization_loss, (list, tuple)):
        regularization_loss = add_n(list(regularization_loss))
    return reduce_sum(convert_to_tensor(regularization_loss), name=name)


def in_top_k(targets, predictions, k, name=None):
    """Whether each target's prediction is among the k largest of its row (ties count in; a row
    with a non-finite prediction gives False)."""
    p = convert_to_tensor(predictions)
    t = convert_to_tensor(targets)
    target_p = gather(p, t, axis=1, batch_dims=1)
    above = reduce_sum(cast(greater(p, expand_dims(target_p, -1)), dtypes.int32), -1)
    return logical_and(less(above, k), reduce_all(is_finite(p), -1), name)


# ---- convolutions --------------------------------------------------------------------------------

def _spatial_arg(v, n, what):
    """strides/dilations as n spatial ints from an int, n ints or n + 2 ints (batch and channels 1)."""
    v = python_value(v)
    if v is None:
        return (1,) * n
    if isinstance(v, (int, np.integer)):
        return (int(v),) * n
    v = [int(a) for a in v]
    if len(v) == n + 2:
        return tuple(v[1:-1])
    if len(v) == n:
        return tuple(v)
    if len(v) == 1:
        return (v[0],) * n
    raise ValueError(f"{what} must be an int or a list of {n} or {n + 2} ints, got {v}")


def _check_format(data_format, allowed, fn):
    if data_format not in (None,) + allowed:
        raise ValueError(f"{fn}: only channels-last data_format {allowed[0]!r} is supported on the CPU, "
                         f"got {data_format!r}")


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None, name=None):  # noqa: A002
    """1-D convolution [batch, width, in] * [k, in, out], run as conv2d over a unit height."""
    _check_format(data_format, ("NWC",), "conv1d")
    x = convert_to_tensor(input)
    w = convert_to_tensor(filters, dtype_hint=x.dtype)
    s, = _spatial_arg(stride, 1, "stride")
    d, = _spatial_arg(dilations, 1, "dilations")
    y = conv2d(expand_dims(x, 1), expand_dims(w, 0), [1, s], padding, dilations=[1, d])
    return squeeze(y, [1], name=name)


def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None, name=None):  # noqa: A002
    _check_format(data_format, ("NDHWC",), "conv3d")
    x = convert_to_tensor(input)
    w = convert_to_tensor(filters, dtype_hint=x.dtype)
    return apply(opdef("Conv3D"), (x, w), {"strides": _spatial_arg(strides, 3, "strides"),
                                         "padding": _padding(padding),
                                         "dilations": _spatial_arg(dilations, 3, "dilations")}, name)


def _output_shape(output_shape):
    v = python_value(output_shape)
    if hasattr(v, "as_list"):
        v = v.as_list()
    return [int(s) for s in np.asarray(v).ravel()] if not hasattr(v, "op") else v


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC",  # noqa: A002
                     dilations=None, name=None):
    """The gradient of conv2d with respect to its input: filters are [h, w, out, in]."""
    _check_format(data_format, ("NHWC",), "conv2d_transpose")
    x = convert_to_tensor(input)
    w = convert_to_tensor(filters, dtype_hint=x.dtype)
    return conv2d_backprop_input(_output_shape(output_shape), w, x, _spatial_arg(strides, 2, "strides"),
                                 _padding(padding), _spatial_arg(dilations, 2, "dilations"))


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NWC",  # noqa: A002
                     dilations=None, name=None):
    _check_format(data_format, ("NWC",), "conv1d_transpose")
    x = convert_to_tensor(input)
    w = convert_to_tensor(filters, dtype_hint=x.dtype)
    n, width, c = _output_shape(output_shape)
    s, = _spatial_arg(strides, 1, "strides")
    d, = _spatial_arg(dilations, 1, "dilations")
    y = conv2d_transpose(expand_dims(x, 1), expand_dims(w, 0), [n, 1, width, c], [1, s], padding, dilations=[1, d])
    return squeeze(y, [1], name=name)


def conv3d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NDHWC",  # noqa: A002
                     dilations=None, name=None):
    _check_format(data_format, ("NDHWC",), "conv3d_transpose")
    x = convert_to_tensor(input)
    w = convert_to_tensor(filters, dtype_hint=x.dtype)
    from ..nn_nd_grad import conv3d_backprop_input
    return conv3d_backprop_input(_output_shape(output_shape), w, x,
                                 {"strides": _spatial_arg(strides, 3, "strides"), "padding": _padding(padding),
                                  "dilations": _spatial_arg(dilations, 3, "dilations")})


def _by_rank(x, fn, *by_rank):
    r = convert_to_tensor(x).shape.rank
    if r not in (3, 4, 5):
        raise ValueError(f"{fn}: input must be 3-D, 4-D or 5-D (1 to 3 spatial dims), got rank {r}")
    return by_rank[r - 3]


def conv_transpose(input, filters, output_shape, strides, padding="SAME", data_format=None,  # noqa: A002
                   dilations=None, name=None):
    f = _by_rank(input, "conv_transpose", conv1d_transpose, conv2d_transpose, conv3d_transpose)
    return f(input, filters, output_shape, strides, padding, dilations=dilations, name=name)


def convolution(input, filters, strides=None, padding="VALID", data_format=None, dilations=None,  # noqa: A002
                name=None):
    """N-d convolution, N = 1, 2 or 3 from the input's rank."""
    f = _by_rank(input, "convolution", conv1d, conv2d, conv3d)
    return f(input, filters, 1 if strides is None else strides, padding, dilations=dilations, name=name)


def atrous_conv2d(value, filters, rate, padding, name=None):
    return conv2d(value, filters, 1, padding, dilations=int(rate), name=name)


def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    return conv2d_transpose(value, filters, output_shape, 1, padding, dilations=int(rate), name=name)


def _block_diagonal(w):
    """[kh, kw, c, m] depthwise filter -> [kh, kw, c, c * m] conv2d filter (output channel c*m + j)."""
    kh, kw, c, m = w.shape.dims
    full = multiply(expand_dims(w, 3), reshape(eye(c, dtype=w.dtype), [1, 1, c, c, 1]))
    return reshape(full, [kh, kw, c, c * m])


def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None, name=None):  # noqa: A002
    """Each input channel convolved with its own `channel_multiplier` filters."""
    _check_format(data_format, ("NHWC",), "depthwise_conv2d")
    x = convert_to_tensor(input)
    w = convert_to_tensor(filter, dtype_hint=x.dtype)
    if w.shape.rank != 4:
        raise argument_error("DepthwiseConv2dNative", f"filter must be 4-D [h, w, in, multiplier], got {w.shape}")
    return conv2d(x, _block_diagonal(w), strides, padding, dilations=dilations, name=name)


def depthwise_conv2d_backprop_input(input_sizes, filter, out_backprop, strides, padding,  # noqa: A002
                                    data_format="NHWC", dilations=(1, 1, 1, 1), name=None):
    w = convert_to_tensor(filter)
    dy = convert_to_tensor(out_backprop, dtype_hint=w.dtype)
    return conv2d_backprop_input(_output_shape(input_sizes), _block_diagonal(w), dy, _hw(strides),
                                 _padding(padding), _hw(dilations))


def depthwise_conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                                     data_format="NHWC", dilations=(1, 1, 1, 1), name=None):
    x = convert_to_tensor(input)
    dy = convert_to_tensor(out_backprop, dtype_hint=x.dtype)
    kh, kw, c, m = _output_shape(filter_sizes)
    full = conv2d_backprop_filter(x, [kh, kw, c, c * m], dy, _hw(strides), _padding(padding), _hw(dilations))
    blocks = reshape(full, [kh, kw, c, c, m])
    return reduce_sum(multiply(blocks, reshape(eye(c, dtype=x.dtype), [1, 1, c, c, 1])), 3, name=name)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, data_format=None,  # noqa: A002
                     dilations=None, name=None):
    """A depthwise convolution followed by a 1x1 convolution mixing channels."""
    y = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return conv2d(y, pointwise_filter, 1, "VALID", name=name)


# ---- pooling --------------------------------------------------------------------------------------

def _pool1d(pool2d, input, ksize, strides, padding, data_format, name):  # noqa: A002
    _check_format(data_format, ("NWC",), "pool1d")
    k, = _spatial_arg(ksize, 1, "ksize")
    s, = _spatial_arg(strides, 1, "strides")
    y = pool2d(expand_dims(convert_to_tensor(input), 1), [1, k], [1, s], padding)
    return squeeze(y, [1], name=name)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    return _pool1d(max_pool2d, input, ksize, strides, padding, data_format, name)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    return _pool1d(avg_pool2d, input, ksize, strides, padding, data_format, name)


def _pool3d(op, input, ksize, strides, padding, data_format, name):  # noqa: A002
    _check_format(data_format, ("NDHWC",), op)
    x = convert_to_tensor(input)
    return apply(opdef(op), (x,), {"ksize": _spatial_arg(ksize, 3, "ksize"),
                                  "strides": _spatial_arg(strides, 3, "strides"),
                                  "padding": _padding(padding)}, name)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    return _pool3d("MaxPool3D", input, ksize, strides, padding, data_format, name)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    return _pool3d("AvgPool3D", input, ksize, strides, padding, data_format, name)


def max_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """Max pooling over 1, 2 or 3 spatial dims, from the input's rank."""
    f = _by_rank(input, "max_pool", max_pool1d, max_pool2d, max_pool3d)
    return f(input, ksize, strides, padding, name=name)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    f = _by_rank(input, "avg_pool", avg_pool1d, avg_pool2d, avg_pool3d)
    return f(input, ksize, strides, padding, name=name)


def pool(input, window_shape, pooling_type, strides=None, padding="VALID", data_format=None,  # noqa: A002
         dilation_rate=None, name=None):
    """'MAX' or 'AVG' pooling over the window; dilation_rate must be 1."""
    n = len(window_shape)
    if any(d != 1 for d in _spatial_arg(dilation_rate, n, "dilation_rate")):
        raise ValueError("pool: dilation_rate other than 1 is not supported")
    f = {"MAX": max_pool, "AVG": avg_pool}.get(str(pooling_type).upper())
    if f is None:
        raise ValueError(f"pool: pooling_type must be 'MAX' or 'AVG', got {pooling_type!r}")
    return f(input, list(window_shape), list(strides or [1] * n), padding, name=name)


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC", output_dtype=dtypes.int64,  # noqa: A002
                         include_batch_in_index=False, name=None):
    """(max pool, flat index of each max: (y * width + x) * channels + c, plus the batch offset
    b * height * width * channels with include_batch_in_index)."""
    _check_format(data_format, ("NHWC",), "max_pool_with_argmax")
    x = convert_to_tensor(input)
    return tuple(apply(opdef("MaxPoolWithArgmax"), (x,),
                       {"ksize": _spatial_arg(ksize, 2, "ksize"), "strides": _spatial_arg(strides, 2, "strides"),
                        "padding": _padding(padding), "include_batch_in_index": bool(include_batch_in_index),
                        "Targmax": dtypes.as_dtype(output_dtype)}, name))


# ---- morphology -------------------------------------------------------------------------------------

def dilation2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):  # noqa: A002
    """Greyscale dilation: the max over each window of input + filter ([kh, kw, channels])."""
    _check_format(data_format, ("NHWC",), "dilation2d")
    x = convert_to_tensor(input)
    w = convert_to_tensor(filters, dtype_hint=x.dtype)
    (sh, sw), (dh, dw) = _spatial_arg(strides, 2, "strides"), _spatial_arg(dilations, 2, "dilations")
    n, h, wd, c = x.shape.dims
    kh, kw, _ = w.shape.dims
    from ..nn import conv_out_size
    oh, (pt, pb) = conv_out_size(h, kh, sh, dh, _padding(padding))
    ow, (pl, pr) = conv_out_size(wd, kw, sw, dw, _padding(padding))
    xp = pad(x, [[0, 0], [pt, pb], [pl, pr], [0, 0]], constant_values=float("-inf"))
    taps = []
    for i in range(kh):
        for j in range(kw):
            win = strided_slice(xp, (slice(None), slice(i * dh, i * dh + (oh - 1) * sh + 1, sh),
                                     slice(j * dw, j * dw + (ow - 1) * sw + 1, sw)))
            taps.append(add(win, gather(gather(w, i), j)))
    return reduce_max(stack(taps, 0), 0, name=name)


def erosion2d(value, filters, strides, padding, data_format="NHWC", dilations=None, name=None):
    """Greyscale erosion: the min over each window of value - the reflected filter."""
    w = convert_to_tensor(filters)
    reflected = strided_slice(w, (slice(None, None, -1), slice(None, None, -1)))
    return negative(dilation2d(negative(convert_to_tensor(value)), reflected, strides, padding,
                               data_format, dilations), name)


# ---- rearrangements -------------------------------------------------------------------------------

def space_to_depth(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    """Move each block_size x block_size spatial block into the channels."""
    _check_format(data_format, ("NHWC",), "space_to_depth")
    x = convert_to_tensor(input)
    n, h, w, c = x.shape.dims
    b = int(block_size)
    if h % b or w % b:
        raise argument_error("SpaceToDepth", f"height {h} and width {w} must be multiples of block_size {b}")
    y = transpose(reshape(x, [-1, h // b, b, w // b, b, c]), [0, 1, 3, 2, 4, 5])
    return reshape(y, [-1, h // b, w // b, b * b * c], name=name)


def depth_to_space(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    """Move channels into block_size x block_size spatial blocks."""
    _check_format(data_format, ("NHWC",), "depth_to_space")
    x = convert_to_tensor(input)
    n, h, w, c = x.shape.dims
    b = int(block_size)
    if c % (b * b):
        raise argument_error("DepthToSpace", f"depth {c} must be a multiple of block_size^2 = {b * b}")
    y = transpose(reshape(x, [-1, h, w, b, b, c // (b * b)]), [0, 1, 3, 2, 4, 5])
    return reshape(y, [-1, h * b, w * b, c // (b * b)], name=name)


def space_to_batch(input, block_shape, paddings, name=None):  # noqa: A002
    """Pad the M spatial dims, cut them into blocks and move the block offsets into the batch."""
    x = convert_to_tensor(input)
    block = [int(b) for b in np.ravel(python_value(block_shape))]
    pads = np.asarray(python_value(paddings)).reshape(-1, 2).astype(int).tolist()
    m = len(block)
    dims = x.shape.dims
    rest = list(dims[1 + m:])
    full = [[0, 0]] + pads + [[0, 0]] * len(rest)
    xp = pad(x, full)
    padded = [dims[1 + i] + pads[i][0] + pads[i][1] for i in range(m)]
    if any(p % b for p, b in zip(padded, block)):
        raise argument_error("SpaceToBatchND", f"padded spatial dims {padded} must be multiples of {block}")
    split = [-1 if dims[0] is None else dims[0]]
    for p, b in zip(padded, block):
        split += [p // b, b]
    y = reshape(xp, split + rest)
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + \
        list(range(1 + 2 * m, 1 + 2 * m + len(rest)))
    y = transpose(y, perm)
    return reshape(y, [-1] + [p // b for p, b in zip(padded, block)] + rest, name=name)


def embedding_lookup(params, ids, max_norm=None, name=None):
    """Rows of params (a tensor, or a list of shards split contiguously) at ids; rows longer than
    max_norm are scaled down to it."""
    if isinstance(params, (list, tuple)):
        params = params[0] if len(params) == 1 else concat(list(params), 0)
    rows = gather(convert_to_tensor(params), ids)
    if max_norm is None:
        return rows if name is None else add(rows, zeros_like(rows), name)
    rank = rows.shape.rank
    axes = list(range(convert_to_tensor(ids).shape.rank, rank))
    norms = sqrt(reduce_sum(square(rows), axes, keepdims=True))
    scale = minimum(divide(max_norm, maximum(norms, 1e-30)), 1.0)
    return multiply(rows, scale, name)




# ---- sequences and sampling ---------------------------------------------------------------------

def isotonic_regression(inputs, decreasing=True, axis=-1):
    """(the least-squares monotone fit along `axis`, the block index of each element):
    non-increasing when decreasing, else non-decreasing."""
    x = convert_to_tensor(inputs)
    rank = x.shape.rank
    a = axis % rank
    if a != rank - 1:
        perm = [i for i in range(rank) if i != a] + [a]
        back = list(np.argsort(perm))
        out, seg = isotonic_regression(transpose(x, perm), decreasing)
        return transpose(out, back), transpose(seg, back)
    return tuple(apply(opdef("IsotonicRegression"), (x,), {"decreasing": bool(decreasing)}))


def collapse_repeated(labels, seq_length, name=None):
    """(labels with each run of repeats merged into one, padded with 0; the new lengths)."""
    return tuple(apply(opdef("CollapseRepeated"), (convert_to_tensor(labels), convert_to_tensor(seq_length)), {},
                       name))


def ctc_unique_labels(labels, name=None):
    """(each row's distinct labels in order of first appearance, zero-padded; each label's index
    among them)."""
    return list(apply(opdef("CTCUniqueLabels"), (convert_to_tensor(labels),), {}, name))


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """(row, position in sampled_candidates, -FLT_MAX) of every sampled candidate that is a true
    class of its row: the weights that remove those logits from a sampled softmax."""
    return tuple(apply(opdef("ComputeAccidentalHits"),
                       (convert_to_tensor(true_classes), convert_to_tensor(sampled_candidates)),
                       {"num_true": int(num_true)}, name))


def ctc_loss(labels, logits, label_length, logit_length, logits_time_major=True, unique=None, blank_index=None,
             name=None):
    """Connectionist temporal classification: -log p(labels | logits) per sequence, for dense labels
    [batch, max_label_length] with their lengths and logits [time, batch, classes] (or batch-major)."""
    x = convert_to_tensor(logits)
    if not logits_time_major:
        x = transpose(x, [1, 0, 2])
    classes = x.shape.dims[-1]
    blank = 0 if blank_index is None else int(blank_index)
    if blank < 0:
        blank += classes
    lab = convert_to_tensor(labels)
    return apply(opdef("CTCLossDense"), (x, lab, convert_to_tensor(label_length), convert_to_tensor(logit_length)),
                 {"blank_index": blank}, name)[0]


def _fractional(mode, value, pooling_ratio, pseudo_random, overlapping, seed, name):
    x = convert_to_tensor(value)
    ratio = pooling_ratio if isinstance(pooling_ratio, (list, tuple)) else [1.0, pooling_ratio, pooling_ratio, 1.0]
    ratio = tuple(float(r) for r in ratio)
    if len(ratio) != 4 or ratio[0] != 1.0 or ratio[3] != 1.0 or min(ratio[1:3]) < 1.0:
        raise ValueError(f"pooling_ratio must be [1.0, >= 1, >= 1, 1.0] or one float >= 1, got {pooling_ratio!r}")
    from ..random import op_key
    return tuple(apply(opdef("FractionalPool"), (x,),
                       {"ratio": ratio, "pseudo_random": bool(pseudo_random), "overlapping": bool(overlapping),
                        "key": op_key(seed or None), "mode": mode}, name))


def fractional_max_pool(value, pooling_ratio, pseudo_random=False, overlapping=False, seed=0, name=None):
    """(output, row_pooling_sequence, col_pooling_sequence): max pooling over windows whose sizes
    are floor or ceil of the ratio, in a random order drawn on each run."""
    return _fractional("max", value, pooling_ratio, pseudo_random, overlapping, seed, name)


def fractional_avg_pool(value, pooling_ratio, pseudo_random=False, overlapping=False, seed=0, name=None):
    """As fractional_max_pool, averaging."""
    return _fractional("avg", value, pooling_ratio, pseudo_random, overlapping, seed, name)


def _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
                    subtract_log_q, remove_accidental_hits, seed):
    """(logits, labels) over each example's true classes and the shared sampled classes, as
    TensorFlow's candidate-sampling losses build them."""
    from ..grad_ops import scatter_nd
    from .math import stop_gradient
    x = convert_to_tensor(inputs)
    labels = cast(convert_to_tensor(labels), dtypes.int64)
    if sampled_values is None:
        from .random_extra import log_uniform_candidate_sampler
        sampled_values = log_uniform_candidate_sampler(labels, num_true, num_sampled, True, num_classes, seed)
    sampled, true_expected, sampled_expected = (stop_gradient(convert_to_tensor(s)) for s in sampled_values)
    sampled = cast(sampled, dtypes.int64)
    flat = reshape(labels, [-1])
    rows = embedding_lookup(weights, concat([flat, sampled], 0))
    bias = embedding_lookup(biases, concat([flat, sampled], 0))
    n_true = flat.shape.dims[0]
    true_w, sampled_w = rows[:n_true], rows[n_true:]
    true_b, sampled_b = bias[:n_true], bias[n_true:]
    dim = x.shape.dims[-1]
    true_logits = reduce_sum(multiply(expand_dims(x, 1), reshape(true_w, [-1, num_true, dim])), -1)
    true_logits = add(true_logits, reshape(true_b, [-1, num_true]))
    from .linalg import matmul
    sampled_logits = add(matmul(x, sampled_w, transpose_b=True), sampled_b)
    if remove_accidental_hits:
        idx, ids, w = compute_accidental_hits(labels, sampled, num_true)
        where_ = stack([idx, cast(ids, dtypes.int32)], 1)
        sampled_logits = add(sampled_logits, scatter_nd(where_, cast(w, sampled_logits.dtype),
                                                        stack([shape(labels)[0], int(num_sampled)])))
    if subtract_log_q:
        true_logits = subtract(true_logits, log(true_expected))
        sampled_logits = subtract(sampled_logits, log(sampled_expected))
    logits = concat([true_logits, sampled_logits], 1)
    targets = concat([divide(add(zeros_like(true_logits), 1.0), float(num_true)), zeros_like(sampled_logits)], 1)
    return logits, targets


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1, sampled_values=None,
             remove_accidental_hits=False, name="nce_loss"):
    """Noise-contrastive estimation: per example, the summed sigmoid cross-entropy of the true
    classes against num_sampled sampled (log-uniform unless sampled_values is given) classes."""
    from .nn import sigmoid_cross_entropy_with_logits
    logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                                      sampled_values, True, remove_accidental_hits, None)
    return reduce_sum(sigmoid_cross_entropy_with_logits(labels=targets, logits=logits), 1)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                         sampled_values=None, remove_accidental_hits=True, seed=None, name="sampled_softmax_loss"):
    """Softmax cross-entropy over the true and num_sampled sampled classes only."""
    from .math import stop_gradient
    from .nn import softmax_cross_entropy_with_logits
    logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                                      sampled_values, True, remove_accidental_hits, seed)
    return softmax_cross_entropy_with_logits(labels=stop_gradient(targets), logits=logits)


def _batch_to_space(x, block, crops):
    """The inverse of space_to_batch: block offsets back from the batch into the M spatial dims,
    then `crops` cut from each spatial dim."""
    m = len(block)
    dims = x.shape.dims
    batch = dims[0] // int(np.prod(block))
    spatial, rest = list(dims[1:1 + m]), list(dims[1 + m:])
    y = reshape(x, list(block) + [batch] + spatial + rest)
    perm = [m] + [i for k in range(m) for i in (m + 1 + k, k)] + list(range(2 * m + 1, 2 * m + 1 + len(rest)))
    y = reshape(transpose(y, perm), [batch] + [s * b for s, b in zip(spatial, block)] + rest)
    key = (slice(None),) + tuple(slice(c0, s * b - c1) for (c0, c1), s, b in zip(crops, spatial, block))
    return strided_slice(y, key)


def with_space_to_batch(input, dilation_rate, padding, op, filter_shape=None, spatial_dims=None,  # noqa: A002
                        data_format=None):
    """op(converted, num_spatial_dims, padding) run on the input rearranged by space_to_batch with
    block dilation_rate, the result rearranged back: a dilated op from an undilated one."""
    x = convert_to_tensor(input)
    rate = [int(r) for r in np.ravel(python_value(dilation_rate))]
    n = len(rate)
    if spatial_dims is not None and list(spatial_dims) != list(range(1, n + 1)):
        raise ValueError("with_space_to_batch: only spatial_dims 1..N (channels last) are supported")
    padding = _padding(padding)
    if all(r == 1 for r in rate):
        return op(x, n, padding)
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError("filter_shape must be specified for SAME padding")
        extra = [(int(k) - 1) * r for k, r in zip(np.ravel(python_value(filter_shape)), rate)]
        base = [[e // 2, e - e // 2] for e in extra]
    else:
        base = [[0, 0]] * n
    sizes = x.shape.dims[1:1 + n]
    pads, crops = [], []
    for size, (p0, p1), r in zip(sizes, base, rate):
        end_extra = (r - (size + p0 + p1) % r) % r
        pads.append([p0, p1 + end_extra])
        crops.append([0, end_extra])
    converted = space_to_batch(x, rate, pads)
    return _batch_to_space(op(converted, n, "VALID"), rate, crops)
