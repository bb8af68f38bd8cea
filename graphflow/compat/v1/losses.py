"""tf.compat.v1.losses: per-element losses, weighted and reduced, and the LOSSES collection.

Every loss computes per-element values, multiplies them by `weights` (broadcast to them), and
reduces as `reduction` says; the default divides the sum by the number of non-zero weights.
The result joins `loss_collection` (GraphKeys.LOSSES) so get_total_loss can add them up.
"""
from __future__ import annotations

from ... import context
from ...ops import api
from . import nn
from .graph_collections import GraphKeys, get_collection


class Reduction:
    """How a weighted loss is reduced to the returned value."""
    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_OVER_NONZERO_WEIGHTS,
                cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}.")


def _div_no_nan(a, b):
    zero = api.equal(b, 0.0)
    return api.where(zero, api.zeros_like(a), api.realdiv(a, api.where(zero, api.ones_like(b), b)))


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weight `losses` and reduce them (see Reduction); the result joins `loss_collection`."""
    Reduction.validate(reduction)
    losses = api.convert_to_tensor(losses)
    input_dtype = losses.dtype
    if not input_dtype.is_floating:
        raise TypeError(f"compute_weighted_loss: losses must be floating point, got {input_dtype.name}")
    weights = api.cast(api.convert_to_tensor(weights, dtype_hint=input_dtype), input_dtype)
    weighted = api.multiply(losses, weights)
    if reduction == Reduction.NONE:
        loss = weighted
    else:
        loss = api.reduce_sum(weighted)
        if reduction == Reduction.MEAN:
            loss = _div_no_nan(loss, api.reduce_sum(api.multiply(api.ones_like(losses), weights)))
        elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
            loss = _div_no_nan(loss, api.cast(api.size(losses), input_dtype))
        elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
            loss = _div_no_nan(loss, _num_present(losses, weights))
    add_loss(loss, loss_collection)
    return loss


def _num_present(losses, weights):
    """How many elements of `losses` have a non-zero weight (weights broadcast to losses)."""
    present = api.where(api.equal(weights, 0.0), api.zeros_like(weights), api.ones_like(weights))
    return api.reduce_sum(api.multiply(present, api.ones_like(losses)))


def _pair(labels, predictions):
    predictions = api.convert_to_tensor(predictions)
    labels = api.cast(api.convert_to_tensor(labels, dtype_hint=predictions.dtype), predictions.dtype)
    if labels.shape.is_fully_defined() and predictions.shape.is_fully_defined() and \
            not labels.shape.is_compatible_with(predictions.shape):
        raise ValueError(f"Shapes {predictions.shape} and {labels.shape} are incompatible (predictions, labels)")
    return labels, predictions


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    labels, predictions = _pair(labels, predictions)
    return compute_weighted_loss(api.squared_difference(predictions, labels), weights, scope, loss_collection,
                                 reduction)


def absolute_difference(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    labels, predictions = _pair(labels, predictions)
    return compute_weighted_loss(api.abs(api.subtract(predictions, labels)), weights, scope, loss_collection,
                                 reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """0.5 e**2 where |e| <= delta, else delta * (|e| - 0.5 delta)."""
    labels, predictions = _pair(labels, predictions)
    error = api.abs(api.subtract(predictions, labels))
    quadratic = api.minimum(error, delta)
    linear = api.subtract(error, quadratic)
    losses = api.add(api.multiply(api.square(quadratic), 0.5), api.multiply(linear, delta))
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None, loss_collection=GraphKeys.LOSSES,
             reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Binary cross-entropy of probabilities: -y log(p + eps) - (1 - y) log(1 - p + eps)."""
    labels, predictions = _pair(labels, predictions)
    losses = api.subtract(api.negative(api.multiply(labels, api.log(api.add(predictions, epsilon)))),
                          api.multiply(api.subtract(1.0, labels), api.log(api.add(api.subtract(1.0, predictions),
                                                                                   epsilon))))
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Sigmoid cross-entropy; label_smoothing moves labels toward 1/2."""
    labels, logits = _pair(multi_class_labels, logits)
    if label_smoothing:
        labels = api.add(api.multiply(labels, 1.0 - label_smoothing), 0.5 * label_smoothing)
    losses = nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Softmax cross-entropy per example; label_smoothing moves labels toward 1/num_classes."""
    labels, logits = _pair(onehot_labels, logits)
    if label_smoothing:
        num_classes = api.cast(api.shape(labels)[-1], logits.dtype)
        labels = api.add(api.multiply(labels, 1.0 - label_smoothing), api.realdiv(label_smoothing, num_classes))
    losses = nn.softmax_cross_entropy_with_logits_v2(labels=api.stop_gradient(labels), logits=logits)
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Softmax cross-entropy of integer class labels, per example."""
    losses = nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS, dim=None):
    """1 - sum(labels * predictions, axis): both are expected unit-normalised along `axis`."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    labels, predictions = _pair(labels, predictions)
    losses = api.subtract(1.0, api.reduce_sum(api.multiply(predictions, labels), axis, keepdims=True))
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """relu(1 - (2 labels - 1) * logits), labels in {0, 1}."""
    labels, logits = _pair(labels, logits)
    signs = api.subtract(api.multiply(labels, 2.0), 1.0)
    return compute_weighted_loss(api.relu(api.subtract(1.0, api.multiply(signs, logits))), weights, scope,
                                 loss_collection, reduction)


def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """Add `loss` to a collection (graph mode only, as TF)."""
    if loss_collection is not None and not context.executing_eagerly():
        context.current_graph().add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses, or 0.0 when there are none."""
    losses = get_regularization_losses(scope)
    return api.add_n(losses, name=name) if losses else api.constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of the LOSSES collection, plus the regularization losses unless told not to."""
    losses = get_losses(scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope)
    if not losses:
        raise ValueError("No losses found in the LOSSES and REGULARIZATION_LOSSES collections.")
    return api.add_n(losses, name=name)
