"""Metrics: running statistics kept in gf.Variables, so a compiled train step updates them in
place. `update_state` accumulates, `result` reads, `reset_state` starts over.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..ops import api
from . import backend
from . import losses as losses_mod
from .confusion_metrics import (  # noqa: F401  (registered via globals())
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from .loss_inputs import squeeze_or_expand_to_same_rank
from .masking import get_mask
from .metric_base import Metric, math_divide_no_nan
from .score_metrics import F1Score, FBetaScore, MeanIoU, R2Score  # noqa: F401
from .serialization import class_registry, deserialize_object


def reduce_to_samplewise_values(values, sample_weight, dtype):
    """Weighted values averaged down to one per sample, and the matching sample weights."""
    values = api.cast(api.convert_to_tensor(values), dtype)
    if sample_weight is not None:
        sample_weight = api.cast(api.convert_to_tensor(sample_weight), dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        w_rank, v_rank = sample_weight.shape.rank, values.shape.rank
        if v_rank > w_rank:
            values = api.reduce_mean(values, axis=list(range(w_rank, v_rank)))
        sample_weight = api.broadcast_to(sample_weight, api.shape(values))
        values = api.multiply(values, sample_weight)
        if w_rank > 1:
            sample_weight = api.reduce_mean(sample_weight, axis=list(range(1, w_rank)))
    if values.shape.rank > 1:
        values = api.reduce_mean(values, axis=list(range(1, values.shape.rank)))
    return values, sample_weight


class Sum(Metric):
    """The running (weighted) sum of the values."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name, dtype)
        self.total = self.add_variable(name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, self._dtype)
        self.total.assign_add(api.reduce_sum(values))

    def result(self):
        return api.identity(self.total)


class Mean(Metric):
    """The running (weighted) mean of the values: total / count."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name, dtype)
        self.total = self.add_variable(name="total")
        self.count = self.add_variable(name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, self._dtype)
        self.total.assign_add(api.reduce_sum(values))
        if sample_weight is not None:
            n = api.reduce_sum(sample_weight)
        elif values.shape.rank >= 1:
            n = values.shape[0] if values.shape[0] is not None else api.shape(values)[0]
        else:
            n = 1
        self.count.assign_add(api.cast(n, self._dtype) if not isinstance(n, int) else float(n))

    def result(self):
        return math_divide_no_nan(self.total, self.count)


class MeanMetricWrapper(Mean):
    """The running mean of `fn(y_true, y_pred)`."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or fn.__name__, dtype=dtype)
        self._fn, self._fn_kwargs = fn, kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = get_mask(y_pred)                      # masked steps do not count (as Keras)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        sample_weight = losses_mod.apply_mask(sample_weight, mask, self._dtype, "sum")
        return super().update_state(values, sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


# ---- per-sample metric functions ----------------------------------------------------------------

def accuracy(y_true, y_pred):
    y_pred = api.convert_to_tensor(y_pred)
    y_true = api.cast(api.convert_to_tensor(y_true), y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return api.cast(api.equal(y_true, y_pred), backend.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_pred = api.convert_to_tensor(y_pred)
    y_true = api.cast(api.convert_to_tensor(y_true), y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    predicted = api.cast(api.greater(y_pred, threshold), y_true.dtype)
    return api.reduce_mean(api.cast(api.equal(y_true, predicted), backend.floatx()), axis=-1)


def categorical_accuracy(y_true, y_pred):
    y_pred = api.convert_to_tensor(y_pred)
    y_true = api.convert_to_tensor(y_true)
    return api.cast(api.equal(api.argmax(y_true, axis=-1), api.argmax(y_pred, axis=-1)), backend.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    y_pred = api.convert_to_tensor(y_pred)
    y_true = api.convert_to_tensor(y_true)
    if y_true.shape.rank == y_pred.shape.rank and y_true.shape[-1] == 1:
        y_true = api.squeeze(y_true, [-1])
    predicted = api.argmax(y_pred, axis=-1)
    if y_true.dtype is not predicted.dtype:
        if y_true.dtype.is_floating:
            predicted = api.cast(predicted, y_true.dtype)
        else:
            y_true = api.cast(y_true, predicted.dtype)
    return api.cast(api.equal(y_true, predicted), backend.floatx())


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    y_pred = api.convert_to_tensor(y_pred)
    y_true = api.convert_to_tensor(y_true)
    if y_true.shape.rank == y_pred.shape.rank:
        y_true = api.squeeze(y_true, [-1])
    true_score = api.gather(y_pred, api.cast(y_true, dtypes.int32), axis=1, batch_dims=1)
    higher = api.reduce_sum(api.cast(api.greater(y_pred, api.expand_dims(true_score, -1)), dtypes.int32), axis=-1)
    return api.cast(api.less(higher, k), backend.floatx())


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the true class (argmax of one-hot y_true) is among the k highest predictions."""
    return sparse_top_k_categorical_accuracy(api.argmax(api.convert_to_tensor(y_true), axis=-1), y_pred, k)


def _wrapper_class(class_name, fn, default_name, params=()):
    def __init__(self, name=default_name, dtype=None, **kwargs):
        values = dict(params)
        unknown = set(kwargs) - set(values)
        if unknown:
            raise TypeError(f"{class_name}: unexpected arguments {sorted(unknown)}")
        values.update(kwargs)
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **values)
    return type(class_name, (MeanMetricWrapper,), {"__init__": __init__, "__module__": __name__})


Accuracy = _wrapper_class("Accuracy", accuracy, "accuracy")
BinaryAccuracy = _wrapper_class("BinaryAccuracy", binary_accuracy, "binary_accuracy", [("threshold", 0.5)])
CategoricalAccuracy = _wrapper_class("CategoricalAccuracy", categorical_accuracy, "categorical_accuracy")
SparseCategoricalAccuracy = _wrapper_class("SparseCategoricalAccuracy", sparse_categorical_accuracy,
                                           "sparse_categorical_accuracy")
SparseTopKCategoricalAccuracy = _wrapper_class("SparseTopKCategoricalAccuracy", sparse_top_k_categorical_accuracy,
                                               "sparse_top_k_categorical_accuracy", [("k", 5)])
MeanSquaredError = _wrapper_class("MeanSquaredError", losses_mod.mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _wrapper_class("MeanAbsoluteError", losses_mod.mean_absolute_error, "mean_absolute_error")
SparseCategoricalCrossentropy = _wrapper_class(
    "SparseCategoricalCrossentropy", losses_mod.sparse_categorical_crossentropy, "sparse_categorical_crossentropy",
    [("from_logits", False)])
CategoricalCrossentropy = _wrapper_class("CategoricalCrossentropy", losses_mod.categorical_crossentropy,
                                         "categorical_crossentropy", [("from_logits", False)])
BinaryCrossentropy = _wrapper_class("BinaryCrossentropy", losses_mod.binary_crossentropy, "binary_crossentropy",
                                    [("from_logits", False)])


TopKCategoricalAccuracy = _wrapper_class("TopKCategoricalAccuracy", top_k_categorical_accuracy,
                                         "top_k_categorical_accuracy", [("k", 5)])
MeanAbsolutePercentageError = _wrapper_class("MeanAbsolutePercentageError", losses_mod.mean_absolute_percentage_error,
                                             "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _wrapper_class("MeanSquaredLogarithmicError", losses_mod.mean_squared_logarithmic_error,
                                             "mean_squared_logarithmic_error")
LogCoshError = _wrapper_class("LogCoshError", losses_mod.log_cosh, "logcosh")
Poisson = _wrapper_class("Poisson", losses_mod.poisson, "poisson")
KLDivergence = _wrapper_class("KLDivergence", losses_mod.kl_divergence, "kl_divergence")
Hinge = _wrapper_class("Hinge", losses_mod.hinge, "hinge")
SquaredHinge = _wrapper_class("SquaredHinge", losses_mod.squared_hinge, "squared_hinge")
CategoricalHinge = _wrapper_class("CategoricalHinge", losses_mod.categorical_hinge, "categorical_hinge")


def cosine_similarity(y_true, y_pred, axis=-1):
    """cos(y_true, y_pred) along `axis` (the metric is the positive cosine; the loss negates it)."""
    return api.negative(losses_mod.cosine_similarity(y_true, y_pred, axis=axis))


CosineSimilarity = _wrapper_class("CosineSimilarity", cosine_similarity, "cosine_similarity", [("axis", -1)])


class RootMeanSquaredError(Mean):
    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = api.convert_to_tensor(y_pred)
        y_true = api.cast(api.convert_to_tensor(y_true), y_pred.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        super().update_state(api.squared_difference(y_pred, y_true), sample_weight)

    def result(self):
        return api.sqrt(super().result())


class AUC(Metric):
    """Area under the ROC (or PR) curve from confusion counts at `num_thresholds` thresholds,
    summed with the trapezoid rule ('interpolation') as Keras does."""

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 from_logits=False, multi_label=False, num_labels=None, label_weights=None, **kwargs):
        super().__init__(name or "auc", dtype)
        if multi_label or label_weights is not None:
            raise ValueError("AUC: multi_label and label_weights are not supported")
        if curve not in ("ROC", "PR"):
            raise ValueError(f"AUC: curve must be 'ROC' or 'PR', got {curve!r}")
        self.num_thresholds, self.curve, self.from_logits = int(num_thresholds), curve, from_logits
        self.summation_method = summation_method
        eps = backend.epsilon()
        inner = [(i + 1) / (self.num_thresholds - 1) for i in range(self.num_thresholds - 2)]
        self.thresholds = [0.0 - eps] + inner + [1.0 + eps]
        n = self.num_thresholds
        self.true_positives = self.add_variable((n,), name="true_positives")
        self.false_positives = self.add_variable((n,), name="false_positives")
        self.true_negatives = self.add_variable((n,), name="true_negatives")
        self.false_negatives = self.add_variable((n,), name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = api.convert_to_tensor(y_pred)
        if self.from_logits:
            y_pred = api.sigmoid(y_pred)
        y_pred = api.reshape(api.cast(y_pred, self._dtype), [1, -1])
        y_true = api.reshape(api.cast(api.convert_to_tensor(y_true), self._dtype), [1, -1])
        th = api.constant(np.asarray(self.thresholds, self._dtype.np).reshape(-1, 1))
        above = api.cast(api.greater(y_pred, th), self._dtype)            # (T, N)
        below = api.subtract(1.0, above)
        w = api.ones_like(y_true) if sample_weight is None else api.reshape(
            api.cast(api.convert_to_tensor(sample_weight), self._dtype), [1, -1])
        pos, neg = api.multiply(y_true, w), api.multiply(api.subtract(1.0, y_true), w)
        self.true_positives.assign_add(api.reduce_sum(api.multiply(above, pos), axis=1))
        self.false_positives.assign_add(api.reduce_sum(api.multiply(above, neg), axis=1))
        self.true_negatives.assign_add(api.reduce_sum(api.multiply(below, neg), axis=1))
        self.false_negatives.assign_add(api.reduce_sum(api.multiply(below, pos), axis=1))

    def result(self):
        tp, fp = api.convert_to_tensor(self.true_positives), api.convert_to_tensor(self.false_positives)
        tn, fn = api.convert_to_tensor(self.true_negatives), api.convert_to_tensor(self.false_negatives)
        recall = math_divide_no_nan(tp, api.add(tp, fn))
        if self.curve == "ROC":
            x, y = math_divide_no_nan(fp, api.add(fp, tn)), recall
        else:
            x, y = recall, math_divide_no_nan(tp, api.add(tp, fp))
        n = self.num_thresholds
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr_auc(tp, fp, fn)
        if self.summation_method == "interpolation":
            heights = api.multiply(api.add(y[: n - 1], y[1:]), 0.5)
        elif self.summation_method == "minoring":
            heights = api.minimum(y[: n - 1], y[1:])
        else:
            heights = api.maximum(y[: n - 1], y[1:])
        return api.reduce_sum(api.multiply(api.subtract(x[: n - 1], x[1:]), heights))

    def _interpolated_pr_auc(self, tp, fp, fn):
        """PR AUC with precision interpolated between thresholds as tp / (tp + fp) varies
        (Davis & Goadrich, 2006), which Keras uses instead of straight-line segments."""
        n = self.num_thresholds
        dtp = api.subtract(tp[: n - 1], tp[1:])
        p = api.add(tp, fp)
        dp = api.subtract(p[: n - 1], p[1:])
        slope = math_divide_no_nan(dtp, api.maximum(dp, 0.0))
        intercept = api.subtract(tp[1:], api.multiply(slope, p[1:]))
        both = api.logical_and(api.greater(p[: n - 1], 0.0), api.greater(p[1:], 0.0))
        ratio = api.where(both, math_divide_no_nan(p[: n - 1], api.maximum(p[1:], 0.0)), api.ones_like(p[1:]))
        increments = math_divide_no_nan(api.multiply(slope, api.add(dtp, api.multiply(intercept, api.log(ratio)))),
                                        api.maximum(api.add(tp[1:], fn[1:]), 0.0))
        return api.reduce_sum(increments)

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                "summation_method": self.summation_method, "from_logits": self.from_logits, "multi_label": False,
                "num_labels": None, "label_weights": None}


_CLASSES = class_registry(Metric, globals())
_FUNCTIONS = {f.__name__: f for f in (accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
                                      sparse_top_k_categorical_accuracy, top_k_categorical_accuracy)}
_FUNCTIONS.update({"mse": losses_mod.mean_squared_error, "mae": losses_mod.mean_absolute_error,
                   "mean_squared_error": losses_mod.mean_squared_error,
                   "mean_absolute_error": losses_mod.mean_absolute_error,
                   "sparse_categorical_crossentropy": losses_mod.sparse_categorical_crossentropy,
                   "categorical_crossentropy": losses_mod.categorical_crossentropy,
                   "binary_crossentropy": losses_mod.binary_crossentropy,
                   "mape": losses_mod.mean_absolute_percentage_error,
                   "mean_absolute_percentage_error": losses_mod.mean_absolute_percentage_error,
                   "msle": losses_mod.mean_squared_logarithmic_error,
                   "mean_squared_logarithmic_error": losses_mod.mean_squared_logarithmic_error})
_FUNCTIONS["acc"] = accuracy
_CLASS_ALIASES = {"auc": AUC, "AUC": AUC}


def get(identifier):
    """A Metric, or a function wrapped later, from a name, a config or an object."""
    if identifier is None or isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier in _CLASS_ALIASES:
            return _CLASS_ALIASES[identifier]()
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
    if isinstance(identifier, dict):
        return deserialize_object(identifier, _CLASSES, "metric")
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


def serialize(metric):
    from .serialization import serialize_object
    return serialize_object(metric)


def deserialize(config, custom_objects=None):
    return deserialize_object(config, _CLASSES, "metric", custom_objects)
