"""Classification losses beyond the crossentropies: the hinge family (Hinge, SquaredHinge,
CategoricalHinge) and the focal crossentropies, which down-weight easy examples by
(1 - p_t) ** gamma (Lin et al., 2017). Per-sample functions; classes in losses.py."""
from __future__ import annotations

from ..ops import api
from . import activations, backend
from .activations import logits_of
from .loss_inputs import as_float as _float
from .loss_inputs import float_tensor as _float_tensor


def _hinge_labels(y_true):
    """Labels in {0, 1} become {-1, 1}; other labels are used as they are (Keras's rule)."""
    binary = api.reduce_all(api.logical_or(api.equal(y_true, 0.0), api.equal(y_true, 1.0)))
    return api.where(binary, api.subtract(api.multiply(y_true, 2.0), 1.0), y_true)


def _margin(y_true, y_pred):
    y_pred = _float_tensor(y_pred)
    y_true = _hinge_labels(_float(y_true, y_pred.dtype))
    return api.maximum(api.subtract(1.0, api.multiply(y_true, y_pred)), 0.0)


def hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0)) with labels -1/1 (0/1 labels are converted)."""
    return api.reduce_mean(_margin(y_true, y_pred), axis=-1)


def squared_hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0) ** 2)."""
    return api.reduce_mean(api.square(_margin(y_true, y_pred)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """max(max over wrong classes of y_pred - y_pred of the true class + 1, 0), one-hot y_true."""
    y_pred = _float_tensor(y_pred)
    y_true = _float(y_true, y_pred.dtype)
    pos = api.reduce_sum(api.multiply(y_true, y_pred), axis=-1)
    neg = api.reduce_max(api.multiply(api.subtract(1.0, y_true), y_pred), axis=-1)
    return api.maximum(api.add(api.subtract(neg, pos), 1.0), 0.0)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                                   axis=-1):
    """sum(alpha * (1 - p) ** gamma * -y_true * log(p)) over the classes."""
    y_pred = _float_tensor(y_pred)
    y_true = _float(y_true, y_pred.dtype)
    if label_smoothing:
        y_true = api.add(api.multiply(y_true, 1.0 - label_smoothing), label_smoothing / y_true.shape[-1])
    if from_logits:
        y_pred = api.softmax(y_pred, axis=axis)
    eps = backend.epsilon()
    p = api.clip_by_value(api.divide(y_pred, api.reduce_sum(y_pred, axis, keepdims=True)), eps, 1.0 - eps)
    ce = api.negative(api.multiply(y_true, api.log(p)))
    weight = api.multiply(api.pow(api.subtract(1.0, p), gamma), alpha)
    return api.reduce_sum(api.multiply(weight, ce), axis=axis)


def _binary_crossentropy_elements(y_true, y_pred):
    logits = logits_of(y_pred, "Sigmoid")
    if logits is not None:
        return api.sigmoid_cross_entropy_with_logits(labels=y_true, logits=logits)
    eps = backend.epsilon()
    p = api.clip_by_value(y_pred, eps, 1.0 - eps)
    return api.negative(api.add(api.multiply(y_true, api.log(p)),
                                api.multiply(api.subtract(1.0, y_true), api.log(api.subtract(1.0, p)))))


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                              label_smoothing=0.0, axis=-1):
    """mean((1 - p_t) ** gamma * bce), p_t the probability given to the true label; with
    apply_class_balancing, positives weigh alpha and negatives 1 - alpha."""
    y_pred = _float_tensor(y_pred)
    y_true = _float(y_true, y_pred.dtype)
    if label_smoothing:
        y_true = api.add(api.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    if from_logits:
        y_pred = activations.sigmoid(y_pred)
    bce = _binary_crossentropy_elements(y_true, y_pred)
    p_t = api.add(api.multiply(y_true, y_pred), api.multiply(api.subtract(1.0, y_true), api.subtract(1.0, y_pred)))
    focal = api.multiply(api.pow(api.subtract(1.0, p_t), gamma), bce)
    if apply_class_balancing:
        focal = api.multiply(api.add(api.multiply(y_true, alpha), api.multiply(api.subtract(1.0, y_true),
                                                                              1.0 - alpha)), focal)
    return api.reduce_mean(focal, axis=axis)
