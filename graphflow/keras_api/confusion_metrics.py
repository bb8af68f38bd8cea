"""Metrics read off confusion counts at thresholds: Precision, Recall, TruePositives and
friends, and the constrained ones (PrecisionAtRecall, RecallAtPrecision,
SensitivityAtSpecificity, SpecificityAtSensitivity).

A prediction is positive when `y_pred > threshold`; counts are weighted by sample_weight and
accumulated per threshold in metric variables, so a compiled step updates them in place.
"""
from __future__ import annotations

import numpy as np

from ..ops import api
from .loss_inputs import squeeze_or_expand_to_same_rank
from .metric_base import Metric, math_divide_no_nan

_NEG_INF = -1e10


def top_k_mask(x, k: int):
    """1 where x is among the k largest of its row (ties go to the lower index, as top_k)."""
    a, b = api.expand_dims(x, -1), api.expand_dims(x, -2)            # a[..., i, 1], b[..., 1, j]
    n = x.shape.dims[-1]
    earlier = api.constant(np.tril(np.ones((n, n), bool), -1).T)     # earlier[i, j]: j < i
    beats = api.logical_or(api.greater(b, a), api.logical_and(api.equal(b, a), earlier))
    rank = api.reduce_sum(api.cast(beats, "int32"), axis=-1)
    return api.cast(api.less(rank, k), x.dtype)


def confusion_counts(y_true, y_pred, thresholds, sample_weight=None, top_k=None, class_id=None, dtype=None):
    """(tp, fp, tn, fn) per threshold, each of shape (len(thresholds),)."""
    dtype = dtype or y_pred.dtype
    y_true = api.cast(api.convert_to_tensor(y_true), dtype)
    y_pred = api.cast(api.convert_to_tensor(y_pred), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    weight = None
    if sample_weight is not None:
        weight = api.expand_dims(api.cast(api.convert_to_tensor(sample_weight), dtype), -1)
        _, weight = squeeze_or_expand_to_same_rank(y_true, weight, expand_rank_1=False)
    if top_k is not None:
        keep = top_k_mask(y_pred, top_k)
        y_pred = api.add(api.multiply(y_pred, keep), api.multiply(api.subtract(1.0, keep), _NEG_INF))
    if class_id is not None:
        if y_pred.shape.rank == 1:
            raise ValueError("class_id needs y_pred of shape (num_samples, num_classes), got a vector")
        y_true, y_pred = y_true[..., class_id:class_id + 1], y_pred[..., class_id:class_id + 1]
    if weight is not None:
        weight = api.reshape(api.broadcast_to(weight, api.shape(y_pred)), [1, -1])
    pred = api.reshape(y_pred, [1, -1])
    label = api.cast(api.reshape(y_true, [1, -1]), "bool")
    th = api.constant(np.asarray(thresholds, dtype.np).reshape(-1, 1))
    positive = api.greater(pred, th)                                  # (T, N)

    def count(a, b):
        hit = api.cast(api.logical_and(a, b), dtype)
        return api.reduce_sum(hit if weight is None else api.multiply(hit, weight), axis=1)
    not_label, negative = api.logical_not(label), api.logical_not(positive)
    return count(label, positive), count(not_label, positive), count(not_label, negative), count(label, negative)


def _thresholds(thresholds, default):
    if thresholds is None:
        return [default], True
    if isinstance(thresholds, (int, float)):
        return [float(thresholds)], True
    values = [float(t) for t in thresholds]
    if any(not 0 <= t <= 1 for t in values):
        raise ValueError(f"thresholds must be in [0, 1], got {values}")
    return values, False


class _ThresholdMetric(Metric):
    """Confusion counts at `thresholds` (default 0.5; no threshold with top_k)."""

    _counts = ("true_positives", "false_positives", "true_negatives", "false_negatives")
    _needed = _counts

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name, dtype)
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        self.thresholds, self._single = _thresholds(thresholds, 0.5 if top_k is None else _NEG_INF)
        for key in self._needed:
            setattr(self, key, self.add_variable((len(self.thresholds),), name=key))

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = dict(zip(self._counts, confusion_counts(y_true, y_pred, self.thresholds, sample_weight, self.top_k,
                                                         self.class_id, self._dtype)))
        for key in self._needed:
            getattr(self, key).assign_add(counts[key])

    def _scalar(self, values):
        return values[0] if self._single else values

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_ThresholdMetric):
    """tp / (tp + fp): how many predicted positives are right.

    Args: thresholds (0.5; a list gives one value each), top_k (count only each row's k
    highest predictions), class_id (one column only).
    """
    _needed = ("true_positives", "false_positives")

    def result(self):
        tp = api.convert_to_tensor(self.true_positives)
        return self._scalar(math_divide_no_nan(tp, api.add(tp, self.false_positives)))


class Recall(_ThresholdMetric):
    """tp / (tp + fn): how many actual positives are found. Args as Precision."""
    _needed = ("true_positives", "false_negatives")

    def result(self):
        tp = api.convert_to_tensor(self.true_positives)
        return self._scalar(math_divide_no_nan(tp, api.add(tp, self.false_negatives)))


def _count_class(class_name, key, doc):
    def __init__(self, thresholds=None, name=None, dtype=None):
        _ThresholdMetric.__init__(self, thresholds, name=name, dtype=dtype)

    def result(self):
        return self._scalar(api.identity(getattr(self, key)))

    def get_config(self):
        return {**Metric.get_config(self), "thresholds": self.init_thresholds}
    return type(class_name, (_ThresholdMetric,), {"__init__": __init__, "result": result, "get_config": get_config,
                                                  "_needed": (key,), "__doc__": doc, "__module__": __name__})


TruePositives = _count_class("TruePositives", "true_positives", "The weighted number of true positives.")
FalsePositives = _count_class("FalsePositives", "false_positives", "The weighted number of false positives.")
TrueNegatives = _count_class("TrueNegatives", "true_negatives", "The weighted number of true negatives.")
FalseNegatives = _count_class("FalseNegatives", "false_negatives", "The weighted number of false negatives.")


class _AtConstraint(_ThresholdMetric):
    """The best `dependent` rate over the thresholds whose `constrained` rate is at least `value`
    (0 when none is), over `num_thresholds` thresholds evenly spaced in [0, 1]."""

    _value_name = "value"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0 <= value <= 1:
            raise ValueError(f"{type(self).__name__}: {self._value_name} must be in [0, 1], got {value}")
        if num_thresholds <= 0:
            raise ValueError(f"{type(self).__name__}: num_thresholds must be > 0, got {num_thresholds}")
        self.value, self.num_thresholds = float(value), int(num_thresholds)
        if num_thresholds == 1:
            thresholds = [0.5]
        else:
            thresholds = [0.0] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1.0]
        super().__init__(thresholds, class_id=class_id, name=name, dtype=dtype)
        self.init_thresholds = None

    def _rates(self):
        tp, fp, tn, fn = (api.convert_to_tensor(getattr(self, k)) for k in self._counts)
        return {"precision": math_divide_no_nan(tp, api.add(tp, fp)), "recall": math_divide_no_nan(tp, api.add(tp, fn)),
                "specificity": math_divide_no_nan(tn, api.add(tn, fp))}

    def result(self):
        rates = self._rates()
        feasible = api.greater_equal(rates[self._constrained], self.value)
        best = api.where(feasible, rates[self._dependent], api.zeros_like(rates[self._dependent]))
        return api.maximum(api.reduce_max(best), 0.0)

    def get_config(self):
        return {**Metric.get_config(self), self._value_name: self.value, "num_thresholds": self.num_thresholds,
                "class_id": self.class_id}


class SensitivityAtSpecificity(_AtConstraint):
    """The best sensitivity (recall) among thresholds with specificity >= `specificity`."""
    _value_name, _constrained, _dependent = "specificity", "specificity", "recall"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_AtConstraint):
    """The best specificity among thresholds with sensitivity (recall) >= `sensitivity`."""
    _value_name, _constrained, _dependent = "sensitivity", "recall", "specificity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


class PrecisionAtRecall(_AtConstraint):
    """The best precision among thresholds with recall >= `recall`."""
    _value_name, _constrained, _dependent = "recall", "recall", "precision"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_AtConstraint):
    """The best recall among thresholds with precision >= `precision`."""
    _value_name, _constrained, _dependent = "precision", "precision", "recall"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)
