"""tf.compat.v1.nn: the TF2 nn functions under their v1 signatures (dim=, keep_prob=, keep_dims=,
filter=, value=) and the v1-only helpers (xw_plus_b, relu_layer, fused_batch_norm, ...)."""
from __future__ import annotations

from ...ops import api
from ...ops.api import nn as _nn_api  # its stride and padding normalisers
from ...ops.dropout import dropout as _dropout

relu, relu6, elu, selu, gelu = api.relu, api.relu6, api.elu, api.selu, api.gelu
leaky_relu, sigmoid, tanh, softplus = api.leaky_relu, api.sigmoid, api.tanh, api.softplus
silu = swish = api.silu
bias_add, l2_loss, max_pool2d, avg_pool2d = api.bias_add, api.l2_loss, api.max_pool2d, api.avg_pool2d


def _axis(axis, dim, default=-1):
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    chosen = axis if axis is not None else dim
    return default if chosen is None else chosen


def softmax(logits, axis=None, name=None, dim=None):
    return api.softmax(logits, _axis(axis, dim), name)


def log_softmax(logits, axis=None, name=None, dim=None):
    return api.log_softmax(logits, _axis(axis, dim), name)


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=None, name=None, dim=None):
    """Cross-entropy of soft labels; gradients flow into the labels too."""
    return api.softmax_cross_entropy_with_logits(labels=labels, logits=logits, axis=_axis(axis, dim), name=name)


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1, name=None, axis=None):
    """The v1 form: as _v2, but the labels get no gradient."""
    _no_positional(_sentinel, "softmax_cross_entropy_with_logits")
    labels = api.stop_gradient(labels)
    return api.softmax_cross_entropy_with_logits(labels=labels, logits=logits, axis=_axis(axis, dim), name=name)


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    _no_positional(_sentinel, "sparse_softmax_cross_entropy_with_logits")
    return api.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits, name=name)


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    _no_positional(_sentinel, "sigmoid_cross_entropy_with_logits")
    return api.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits, name=name)


def _no_positional(sentinel, fn):
    if sentinel is not None:
        raise ValueError(f"Only call `{fn}` with named arguments (labels=..., logits=..., ...)")


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None, targets=None):
    """Sigmoid cross-entropy with the positive term weighted by pos_weight (v1 also names labels `targets`)."""
    labels = targets if labels is None else labels
    x = api.convert_to_tensor(logits)
    z = api.convert_to_tensor(labels, dtype_hint=x.dtype)
    log_weight = api.add(api.multiply(api.subtract(pos_weight, 1.0), z), 1.0)
    softplus_neg = api.add(api.log1p(api.exp(api.negative(api.abs(x)))), api.relu(api.negative(x)))
    return api.add(api.multiply(api.subtract(1.0, z), x), api.multiply(log_weight, softplus_neg), name)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x**2, axis), epsilon))."""
    x = api.convert_to_tensor(x)
    square_sum = api.reduce_sum(api.square(x), _axis(axis, dim, None), keepdims=True)
    return api.multiply(x, api.rsqrt(api.maximum(square_sum, epsilon)), name)


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    keep = bool(keepdims if keepdims is not None else keep_dims)
    return api.moments(x, axes, keepdims=keep)


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Zero elements with probability rate = 1 - keep_prob; either may be a tensor (fed at run time)."""
    if (keep_prob is None) == (rate is None):
        raise ValueError("dropout: give exactly one of keep_prob and rate")
    if rate is None:
        rate = 1.0 - keep_prob if isinstance(keep_prob, (int, float)) else api.subtract(1.0, keep_prob)
    return _dropout(x, rate, noise_shape=noise_shape, seed=seed, name=name)


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True, data_format="NHWC",  # noqa: A002
           dilations=(1, 1, 1, 1), name=None, filters=None):
    return api.conv2d(input, filter if filter is not None else filters, strides, padding, data_format, dilations, name)


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    return api.max_pool2d(value if value is not None else input, ksize, strides, padding, data_format, name)


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    return api.avg_pool2d(value if value is not None else input, ksize, strides, padding, data_format, name)


def max_pool_v2(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    return api.max_pool2d(input, ksize, strides, padding, data_format, name)


def avg_pool_v2(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    return api.avg_pool2d(input, ksize, strides, padding, data_format, name)


def conv2d_backprop_input(input_sizes, filter=None, out_backprop=None, strides=None, padding=None,  # noqa: A002
                          use_cudnn_on_gpu=True, data_format="NHWC", dilations=(1, 1, 1, 1), name=None, filters=None):
    """The gradient of conv2d with respect to its input, of shape input_sizes."""
    from ...ops.grad_ops import conv2d_backprop_input as backprop
    _nhwc(data_format)
    w = api.convert_to_tensor(filter if filter is not None else filters)
    return backprop(input_sizes, w, api.convert_to_tensor(out_backprop, dtype_hint=w.dtype), _nn_api._hw(strides),
                    _nn_api._padding(padding, explicit=True), _nn_api._hw(dilations))


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding, use_cudnn_on_gpu=True,  # noqa: A002
                           data_format="NHWC", dilations=(1, 1, 1, 1), name=None):
    """The gradient of conv2d with respect to its filter, of shape filter_sizes."""
    from ...ops.grad_ops import conv2d_backprop_filter as backprop
    _nhwc(data_format)
    x = api.convert_to_tensor(input)
    return backprop(x, filter_sizes, api.convert_to_tensor(out_backprop, dtype_hint=x.dtype), _nn_api._hw(strides),
                    _nn_api._padding(padding, explicit=True), _nn_api._hw(dilations))


def _nhwc(data_format):
    if data_format != "NHWC":
        raise ValueError("only data_format='NHWC' is supported on the CPU")


def xw_plus_b(x, weights, biases, name=None):
    """matmul(x, weights) + biases."""
    return api.bias_add(api.matmul(x, weights), biases, name=name)


def relu_layer(x, weights, biases, name=None):
    return api.relu(xw_plus_b(x, weights, biases), name)


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True, max_norm=None):
    """Rows of `params` (a tensor, or a one-element list of one) at `ids`."""
    if isinstance(params, (list, tuple)):
        if len(params) != 1:
            raise ValueError("embedding_lookup: sharded params (a list of several tensors) are not supported")
        params = params[0]
    out = api.gather(params, ids, name=name)
    if max_norm is not None:
        norms = api.sqrt(api.reduce_sum(api.square(out), -1, keepdims=True))
        out = api.multiply(out, api.minimum(1.0, api.realdiv(max_norm, api.maximum(norms, 1e-12))))
    return out


def in_top_k(predictions, targets, k, name=None):
    """Whether each target's prediction is among the row's k largest (ties count as in)."""
    p = api.convert_to_tensor(predictions)
    t = api.convert_to_tensor(targets)
    depth = p.shape.dims[-1]
    target_score = api.reduce_sum(api.multiply(p, api.one_hot(t, depth, dtype=p.dtype)), -1, keepdims=True)
    better = api.reduce_sum(api.cast(api.greater(p, target_score), "int32"), -1)
    return api.less(better, int(k), name)


def sufficient_statistics(x, axes, shift=None, keep_dims=None, name=None, keepdims=None):
    """(count, sum, sum of squares, shift) over `axes`: what normalize_moments needs."""
    x = api.convert_to_tensor(x)
    keep = bool(keepdims if keepdims is not None else keep_dims)
    axes = [axes] if isinstance(axes, int) else list(axes)
    dims = x.shape.dims
    if dims is not None and all(dims[a] is not None for a in axes):
        count = 1
        for a in axes:
            count *= dims[a]
        counts = api.constant(float(count), dtype=x.dtype)
    else:
        counts = api.realdiv(api.cast(api.size(x), x.dtype),
                             api.cast(api.size(api.reduce_sum(x, axes)), x.dtype))
    if shift is not None:
        x = api.subtract(x, shift)
    return counts, api.reduce_sum(x, axes, keepdims=keep), api.reduce_sum(api.square(x), axes, keepdims=keep), shift


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """Mean and variance from sufficient statistics."""
    divisor = api.reciprocal(api.convert_to_tensor(counts, dtype_hint=api.convert_to_tensor(mean_ss).dtype))
    shifted_mean = api.multiply(mean_ss, divisor)
    mean = shifted_mean if shift is None else api.add(shifted_mean, shift)
    variance = api.subtract(api.multiply(variance_ss, divisor), api.square(shifted_mean))
    return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) / sqrt(variance + epsilon) * scale + offset, as one multiply-add."""
    x = api.convert_to_tensor(x)
    inv = api.rsqrt(api.add(api.convert_to_tensor(variance, dtype_hint=x.dtype), variance_epsilon))
    if scale is not None:
        inv = api.multiply(inv, scale)
    shift = api.negative(api.multiply(mean, inv))
    if offset is not None:
        shift = api.add(shift, offset)
    return api.add(api.multiply(x, api.cast(inv, x.dtype)), api.cast(shift, x.dtype), name)


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001, data_format="NHWC",
                     is_training=True, name=None, exponential_avg_factor=1.0):
    """Batch norm over all axes but the channels (NHWC): (y, batch_mean, batch_variance).

    Training normalises with the batch's (biased) variance and returns the unbiased one (n / (n-1)),
    which is what the moving variance is updated with, as TensorFlow's fused kernel does.
    """
    if data_format != "NHWC":
        raise ValueError("fused_batch_norm: only data_format='NHWC' is supported")
    x = api.convert_to_tensor(x)
    axes = list(range(x.shape.rank - 1))
    if not is_training:
        y = batch_normalization(x, mean, variance, offset, scale, epsilon)
        return y, api.convert_to_tensor(mean, dtype_hint=x.dtype), api.convert_to_tensor(variance, dtype_hint=x.dtype)
    batch_mean, batch_var = api.moments(x, axes)
    y = batch_normalization(x, batch_mean, batch_var, offset, scale, epsilon)
    n = api.realdiv(api.cast(api.size(x), x.dtype), api.cast(api.size(batch_mean), x.dtype))
    unbiased = api.multiply(batch_var, api.realdiv(n, api.maximum(api.subtract(n, 1.0), 1.0)))
    if exponential_avg_factor != 1.0 and mean is not None:
        f = exponential_avg_factor
        batch_mean = api.add(api.multiply(mean, 1.0 - f), api.multiply(batch_mean, f))
        unbiased = api.add(api.multiply(variance, 1.0 - f), api.multiply(unbiased, f))
    return y, batch_mean, unbiased
