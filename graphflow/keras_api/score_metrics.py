"""Whole-dataset scores kept as running sums: FBetaScore/F1Score, R2Score and MeanIoU."""
from __future__ import annotations

import numpy as np

from ..ops import api
from . import backend
from .loss_inputs import squeeze_or_expand_to_same_rank
from .metric_base import Metric


class FBetaScore(Metric):
    """F-beta per class: (1 + beta**2) * precision * recall / (beta**2 * precision + recall).

    Args: average (None: one score per class; 'micro': counts pooled over classes; 'macro':
    mean of the class scores; 'weighted': weighted by each class's support), beta (1.0),
    threshold (None: the row's highest prediction is the positive one; else y_pred > threshold).
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name, dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(f"{type(self).__name__}: average must be None, 'micro', 'macro' or 'weighted', got "
                             f"{average!r}")
        if not isinstance(beta, (int, float)) or beta <= 0:
            raise ValueError(f"{type(self).__name__}: beta must be a positive number, got {beta!r}")
        if threshold is not None and not (isinstance(threshold, float) and 0 < threshold <= 1):
            raise ValueError(f"{type(self).__name__}: threshold must be a float in (0, 1], got {threshold!r}")
        self.average, self.beta, self.threshold = average, float(beta), threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_pred):
        if y_pred.shape.rank != 2 or y_pred.shape[-1] is None:
            raise ValueError(f"{type(self).__name__} expects y_pred of shape (batch, num_classes), got {y_pred.shape}")
        shape = () if self.average == "micro" else (y_pred.shape[-1],)
        for key in ("true_positives", "false_positives", "false_negatives", "intermediate_weights"):
            setattr(self, key, self.add_variable(shape, name=key))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = api.cast(api.convert_to_tensor(y_true), self._dtype)
        y_pred = api.cast(api.convert_to_tensor(y_pred), self._dtype)
        if not self._built:
            self._build(y_pred)
        if self.threshold is None:
            top = api.reduce_max(y_pred, axis=-1, keepdims=True)
            chosen = api.logical_and(api.greater_equal(y_pred, top), api.greater(api.abs(y_pred), 1e-9))
        else:
            chosen = api.greater(y_pred, self.threshold)
        y_pred = api.cast(chosen, self._dtype)
        w = None if sample_weight is None else api.expand_dims(api.cast(api.convert_to_tensor(sample_weight),
                                                                         self._dtype), 1)

        def total(v):
            return api.reduce_sum(v if w is None else api.multiply(v, w), axis=self.axis)
        self.true_positives.assign_add(total(api.multiply(y_pred, y_true)))
        self.false_positives.assign_add(total(api.multiply(y_pred, api.subtract(1.0, y_true))))
        self.false_negatives.assign_add(total(api.multiply(api.subtract(1.0, y_pred), y_true)))
        self.intermediate_weights.assign_add(total(y_true))

    def result(self):
        if not self._built:
            return api.constant(np.asarray(0.0, self._dtype.np))
        eps = backend.epsilon()
        tp = api.convert_to_tensor(self.true_positives)
        precision = api.divide(tp, api.add(api.add(tp, self.false_positives), eps))
        recall = api.divide(tp, api.add(api.add(tp, self.false_negatives), eps))
        b2 = self.beta ** 2
        score = api.multiply(api.divide(api.multiply(precision, recall),
                                        api.add(api.add(api.multiply(precision, b2), recall), eps)), 1.0 + b2)
        if self.average == "weighted":
            support = api.convert_to_tensor(self.intermediate_weights)
            return api.reduce_sum(api.multiply(score, api.divide(support, api.add(api.reduce_sum(support), eps))))
        if self.average is not None:
            return api.reduce_mean(score)
        return score

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """F1: the harmonic mean of precision and recall (FBetaScore with beta = 1)."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config


class R2Score(Metric):
    """The coefficient of determination 1 - SS_res / SS_tot, per output column, then averaged
    ('uniform_average', default), weighted by each column's variance
    ('variance_weighted_average') or not (None). `num_regressors` > 0 gives the adjusted R2."""

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name, dtype)
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError(f"R2Score: class_aggregation must be None, 'uniform_average' or "
                             f"'variance_weighted_average', got {class_aggregation!r}")
        if num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors must be >= 0, got {num_regressors}")
        self.class_aggregation, self.num_regressors = class_aggregation, int(num_regressors)
        self.num_samples = self.add_variable((), name="num_samples")
        self._built = False

    def _build(self, y_true):
        if y_true.shape.rank not in (1, 2):
            raise ValueError(f"R2Score expects y of shape (batch,) or (batch, outputs), got {y_true.shape}")
        width = 1 if y_true.shape.rank == 1 else y_true.shape[-1]
        for key in ("squared_sum", "sum", "total_mse", "count"):
            setattr(self, key, self.add_variable((width,), name=key))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = api.cast(api.convert_to_tensor(y_true), self._dtype)
        y_pred = api.cast(api.convert_to_tensor(y_pred), self._dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if y_true.shape.rank == 1:
            y_true, y_pred = api.expand_dims(y_true, 1), api.expand_dims(y_pred, 1)
        if not self._built:
            self._build(y_true)
        w = api.ones_like(y_true) if sample_weight is None else api.cast(api.convert_to_tensor(sample_weight),
                                                                          self._dtype)
        if w.shape.rank == 1:
            w = api.expand_dims(w, 1)
        w = api.broadcast_to(w, api.shape(y_true))
        weighted = api.multiply(y_true, w)
        self.sum.assign_add(api.reduce_sum(weighted, axis=0))
        self.squared_sum.assign_add(api.reduce_sum(api.multiply(y_true, weighted), axis=0))
        self.total_mse.assign_add(api.reduce_sum(api.multiply(api.square(api.subtract(y_true, y_pred)), w), axis=0))
        self.count.assign_add(api.reduce_sum(w, axis=0))
        self.num_samples.assign_add(api.cast(api.size(y_true), self._dtype))

    def result(self):
        mean = api.divide(self.sum, self.count)
        total = api.subtract(self.squared_sum, api.multiply(self.sum, mean))
        raw = api.subtract(1.0, api.divide(self.total_mse, total))
        raw = api.where(api.equal(api.abs(raw), np.inf), api.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            score = api.reduce_mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = api.divide(api.reduce_sum(api.multiply(total, raw)), api.reduce_sum(total))
        else:
            score = raw
        if self.num_regressors:
            n, p = api.convert_to_tensor(self.num_samples), float(self.num_regressors)
            adjusted = api.subtract(1.0, api.divide(api.multiply(api.subtract(1.0, score), api.subtract(n, 1.0)),
                                                    api.subtract(api.subtract(n, p), 1.0)))
            score = api.where(api.greater(api.subtract(n, 1.0), p), adjusted, score)  # too few samples: plain R2
        return score

    def reset_state(self):
        self.num_samples.assign(0.0)
        if self._built:
            for key in ("squared_sum", "sum", "total_mse", "count"):
                getattr(self, key).assign(np.zeros(tuple(getattr(self, key).shape), self._dtype.np))

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}


class MeanIoU(Metric):
    """Mean intersection-over-union over classes, from a running confusion matrix: per class
    tp / (tp + fp + fn), averaged over the classes that occur.

    Args: num_classes, ignore_class (a label left out), sparse_y_true / sparse_y_pred (True:
    class ids; False: scores, argmax taken over `axis`).
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name or "mean_io_u", dtype)
        self.num_classes, self.ignore_class = int(num_classes), ignore_class
        self.sparse_y_true, self.sparse_y_pred, self.axis = sparse_y_true, sparse_y_pred, axis
        self.total_cm = self.add_variable((self.num_classes, self.num_classes), name="total_confusion_matrix")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = api.convert_to_tensor(y_true), api.convert_to_tensor(y_pred)
        if not self.sparse_y_true:
            y_true = api.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = api.argmax(y_pred, axis=self.axis)
        y_true = api.reshape(api.cast(y_true, "int32"), [-1])
        y_pred = api.reshape(api.cast(y_pred, "int32"), [-1])
        w = api.ones_like(y_true, dtype=self._dtype) if sample_weight is None else api.broadcast_to(
            api.reshape(api.cast(api.convert_to_tensor(sample_weight), self._dtype), [-1]), api.shape(y_true))
        n = self.num_classes
        valid = api.logical_and(api.logical_and(api.greater_equal(y_true, 0), api.less(y_true, n)),
                                api.logical_and(api.greater_equal(y_pred, 0), api.less(y_pred, n)))
        if self.ignore_class is not None:
            valid = api.logical_and(valid, api.not_equal(y_true, int(self.ignore_class)))
        w = api.where(valid, w, api.zeros_like(w))
        rows = api.one_hot(api.where(valid, y_true, api.zeros_like(y_true)), n, dtype=self._dtype)
        cols = api.one_hot(api.where(valid, y_pred, api.zeros_like(y_pred)), n, dtype=self._dtype)
        self.total_cm.assign_add(api.matmul(api.multiply(rows, api.expand_dims(w, 1)), cols, transpose_a=True))

    def result(self):
        cm = api.convert_to_tensor(self.total_cm)
        tp = api.reduce_sum(api.multiply(cm, api.constant(np.eye(self.num_classes, dtype=self._dtype.np))), axis=1)
        denominator = api.subtract(api.add(api.reduce_sum(cm, axis=0), api.reduce_sum(cm, axis=1)), tp)
        valid = api.greater(denominator, 1e-9)
        eps = backend.epsilon()
        iou = api.where(valid, api.divide(tp, api.add(denominator, eps)), api.zeros_like(tp))
        return api.divide(api.reduce_sum(iou), api.add(api.reduce_sum(api.cast(valid, self._dtype)), eps))

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}
