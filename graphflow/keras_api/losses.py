"""Losses with Keras's semantics: a per-sample loss, weighted, then reduced
('sum_over_batch_size' by default: the sum divided by the number of per-sample values).

Probabilities are clipped to [epsilon, 1 - epsilon] (epsilon 1e-7) unless `from_logits=True`;
a softmax or sigmoid output is traced back to its logits first, as Keras on TensorFlow does.
"""
from __future__ import annotations

from .. import dtypes
from ..ops import api
from . import backend
from .activations import logits_of
from .classification_losses import (
    binary_focal_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    squared_hinge,
)
from .loss_inputs import as_float as _float
from .loss_inputs import float_tensor as _float_tensor
from .loss_inputs import squeeze_or_expand_to_same_rank
from .masking import get_mask
from .regression_losses import (
    MAPE,
    MSLE,
    cosine_similarity,
    log_cosh,
    logcosh,
    mape,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    msle,
    poisson,
)
from .serialization import class_registry, deserialize_object

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def _num_elements(values):
    n = values.shape.num_elements()
    if n is not None:
        return float(n)
    return api.cast(api.size(values), values.dtype)


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    if reduction is None or reduction == "none":
        return values
    loss = api.reduce_sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = api.reduce_sum(api.cast(sample_weight, loss.dtype))
    else:
        divisor = _num_elements(values)
    if isinstance(divisor, float):
        return api.multiply(loss, 1.0 / divisor) if divisor else api.zeros_like(loss)
    return api.divide(loss, api.maximum(divisor, 1e-30))


def apply_mask(sample_weight, mask, dtype, reduction):
    """Fold a Keras mask (of y_pred) into the sample weights. For mean reductions the kept
    entries weigh total / kept, so the mean runs over the kept entries only (as Keras)."""
    if mask is None:
        return sample_weight
    keep = api.cast(mask, "bool")
    if reduction in ("mean", "sum_over_batch_size"):
        total = api.cast(api.size(keep), dtype)
        kept = api.reduce_sum(api.cast(keep, dtype))
        scale = api.where(api.greater(kept, 0), api.truediv(total, api.maximum(kept, 1)), api.zeros_like(kept))
        weights = api.where(keep, api.broadcast_to(scale, api.shape(keep)), api.zeros_like(keep, dtype=dtype))
    else:
        weights = api.cast(keep, dtype)
    if sample_weight is None:
        return weights
    sample_weight = api.cast(api.convert_to_tensor(sample_weight), dtype)
    weights, sample_weight = squeeze_or_expand_to_same_rank(weights, sample_weight)
    return api.multiply(sample_weight, weights)


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size", mask=None):
    if reduction not in REDUCTIONS:
        raise ValueError(f"Invalid reduction {reduction!r}; expected one of {REDUCTIONS}")
    sample_weight = apply_mask(sample_weight, mask, values.dtype, reduction)
    if sample_weight is not None:
        sample_weight = api.cast(api.convert_to_tensor(sample_weight), values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = api.multiply(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)


class Loss:
    """Base class: `loss(y_true, y_pred, sample_weight=None)` -> reduced scalar.

    Subclasses implement `call(y_true, y_pred)` returning one value per sample.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in REDUCTIONS:
            raise ValueError(f"Invalid reduction {reduction!r}; expected one of {REDUCTIONS}")
        self.name = name or backend.to_snake_case(type(self).__name__)
        self.reduction = reduction
        self._dtype = dtypes.as_dtype(dtype or backend.floatx())

    def __call__(self, y_true, y_pred, sample_weight=None):
        mask = get_mask(y_pred)            # padded steps (Embedding(mask_zero), Masking) do not count
        y_pred = _float(y_pred, self._dtype)
        y_true = _float(y_true, self._dtype)
        return reduce_weighted_values(self.call(y_true, y_pred), sample_weight, self.reduction, mask=mask)

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A Loss from a per-sample function `fn(y_true, y_pred, **kwargs)`."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or fn.__name__, reduction=reduction, dtype=dtype)
        self.fn, self._fn_kwargs = fn, kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


# ---- per-sample loss functions -------------------------------------------------------------------

def mean_squared_error(y_true, y_pred):
    y_pred = _float_tensor(y_pred)
    y_true = _float(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return api.reduce_mean(api.squared_difference(y_pred, y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    y_pred = _float_tensor(y_pred)
    y_true = _float(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return api.reduce_mean(api.abs(api.subtract(y_pred, y_true)), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """0.5 x**2 where |x| <= delta, else delta * |x| - 0.5 delta**2 (x = y_pred - y_true)."""
    y_pred = _float_tensor(y_pred)
    y_true = _float(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    error = api.subtract(y_pred, y_true)
    abs_error = api.abs(error)
    quadratic = api.multiply(api.square(error), 0.5)
    linear = api.subtract(api.multiply(abs_error, delta), 0.5 * delta * delta)
    return api.reduce_mean(api.where(api.less_equal(abs_error, delta), quadratic, linear), axis=-1)


def _check_same_shape(y_true, y_pred, fn):
    a, b = y_true.shape.dims, y_pred.shape.dims
    if a is None or b is None:
        return
    if len(a) != len(b) or any(x is not None and y is not None and x != y for x, y in zip(a, b)):
        raise ValueError(f"{fn}: y_true and y_pred must have the same shape, got y_true.shape={tuple(a)} and "
                         f"y_pred.shape={tuple(b)}")


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_pred = _float_tensor(y_pred)
    y_true = _float(y_true, y_pred.dtype)
    _check_same_shape(y_true, y_pred, "categorical_crossentropy")
    if label_smoothing:
        n = y_pred.shape[-1]
        y_true = api.add(api.multiply(y_true, 1.0 - label_smoothing), label_smoothing / n)
    logits = logits_of(y_pred, "Softmax")
    if logits is not None:
        y_pred, from_logits = logits, True
    if from_logits:
        return api.softmax_cross_entropy_with_logits(labels=y_true, logits=y_pred, axis=axis)
    eps = backend.epsilon()
    probs = api.divide(y_pred, api.reduce_sum(y_pred, axis, keepdims=True))
    probs = api.clip_by_value(probs, eps, 1.0 - eps)
    return api.negative(api.reduce_sum(api.multiply(y_true, api.log(probs)), axis))


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    y_pred = api.convert_to_tensor(y_pred)
    y_true = api.convert_to_tensor(y_true)
    if y_true.shape.rank == y_pred.shape.rank and y_true.shape[-1] == 1:
        y_true = api.squeeze(y_true, [-1])
    if y_true.shape.rank is not None and y_pred.shape.rank is not None and \
            y_true.shape.rank != y_pred.shape.rank - 1:
        raise ValueError(f"sparse_categorical_crossentropy: y_pred must have the rank of y_true plus one, got "
                         f"y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}")
    labels = api.cast(y_true, dtypes.int64)
    logits = logits_of(y_pred, "Softmax")
    if logits is not None:
        y_pred, from_logits = logits, True
    if not from_logits:
        eps = backend.epsilon()
        y_pred = api.log(api.clip_by_value(y_pred, eps, 1.0 - eps))
    return api.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=y_pred)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_pred = _float_tensor(y_pred)
    y_true = _float(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if label_smoothing:
        y_true = api.add(api.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    _check_same_shape(y_true, y_pred, "binary_crossentropy")
    logits = logits_of(y_pred, "Sigmoid")
    if logits is not None:
        y_pred, from_logits = logits, True
    if from_logits:
        per_element = api.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
    else:
        eps = backend.epsilon()
        p = api.clip_by_value(y_pred, eps, 1.0 - eps)
        per_element = api.negative(api.add(api.multiply(y_true, api.log(p)),
                                           api.multiply(api.subtract(1.0, y_true), api.log(api.subtract(1.0, p)))))
    return api.reduce_mean(per_element, axis=axis)


def kl_divergence(y_true, y_pred):
    y_pred = _float_tensor(y_pred)
    y_true = _float(y_true, y_pred.dtype)
    eps = backend.epsilon()
    y_true = api.clip_by_value(y_true, eps, 1.0)
    y_pred = api.clip_by_value(y_pred, eps, 1.0)
    return api.reduce_sum(api.multiply(y_true, api.log(api.divide(y_true, y_pred))), axis=-1)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
kld = KLD = kl_divergence


# ---- Loss classes ---------------------------------------------------------------------------------

def _loss_class(class_name, fn, default_name, params):
    """A Loss class over `fn` whose constructor takes `params` (name, default) plus reduction/name."""
    def __init__(self, *args, reduction="sum_over_batch_size", name=default_name, dtype=None, **kwargs):
        values = dict(params)
        for (key, _), value in zip(params, args):
            values[key] = value
        unknown = set(kwargs) - set(values)
        if unknown:
            raise TypeError(f"{class_name}: unexpected arguments {sorted(unknown)}")
        values.update(kwargs)
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, dtype=dtype, **values)
    return type(class_name, (LossFunctionWrapper,), {"__init__": __init__, "__doc__": fn.__doc__,
                                                      "__module__": __name__})


MeanSquaredError = _loss_class("MeanSquaredError", mean_squared_error, "mean_squared_error", [])
MeanAbsoluteError = _loss_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error", [])
Huber = _loss_class("Huber", huber, "huber_loss", [("delta", 1.0)])
CategoricalCrossentropy = _loss_class("CategoricalCrossentropy", categorical_crossentropy,
                                      "categorical_crossentropy",
                                      [("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)])
SparseCategoricalCrossentropy = _loss_class("SparseCategoricalCrossentropy", sparse_categorical_crossentropy,
                                            "sparse_categorical_crossentropy",
                                            [("from_logits", False), ("ignore_class", None)])
BinaryCrossentropy = _loss_class("BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
                                 [("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)])
KLDivergence = _loss_class("KLDivergence", kl_divergence, "kl_divergence", [])

LogCosh = _loss_class("LogCosh", log_cosh, "log_cosh", [])
Poisson = _loss_class("Poisson", poisson, "poisson", [])
MeanAbsolutePercentageError = _loss_class("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                          "mean_absolute_percentage_error", [])
MeanSquaredLogarithmicError = _loss_class("MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
                                          "mean_squared_logarithmic_error", [])
CosineSimilarity = _loss_class("CosineSimilarity", cosine_similarity, "cosine_similarity", [("axis", -1)])
Hinge = _loss_class("Hinge", hinge, "hinge", [])
SquaredHinge = _loss_class("SquaredHinge", squared_hinge, "squared_hinge", [])
CategoricalHinge = _loss_class("CategoricalHinge", categorical_hinge, "categorical_hinge", [])
CategoricalFocalCrossentropy = _loss_class(
    "CategoricalFocalCrossentropy", categorical_focal_crossentropy, "categorical_focal_crossentropy",
    [("alpha", 0.25), ("gamma", 2.0), ("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)])
BinaryFocalCrossentropy = _loss_class(
    "BinaryFocalCrossentropy", binary_focal_crossentropy, "binary_focal_crossentropy",
    [("apply_class_balancing", False), ("alpha", 0.25), ("gamma", 2.0), ("from_logits", False),
     ("label_smoothing", 0.0), ("axis", -1)])

_CLASSES = class_registry(Loss, globals())
_FUNCTIONS = {f.__name__: f for f in (
    mean_squared_error, mean_absolute_error, huber, categorical_crossentropy, sparse_categorical_crossentropy,
    binary_crossentropy, kl_divergence, log_cosh, poisson, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, cosine_similarity, hinge, squared_hinge, categorical_hinge,
    categorical_focal_crossentropy, binary_focal_crossentropy)}
_FUNCTIONS.update({"mse": mean_squared_error, "mae": mean_absolute_error, "kld": kl_divergence,
                   "huber_loss": huber, "mape": mape, "msle": msle, "logcosh": logcosh, "MAPE": MAPE,
                   "MSLE": MSLE})


def get(identifier):
    """A loss callable from a name ('mse', 'sparse_categorical_crossentropy'), a config or an object."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
    if isinstance(identifier, dict):
        return deserialize_object(identifier, _CLASSES, "loss")
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}. Known names: {sorted(_FUNCTIONS)}")


def serialize(loss):
    from .serialization import serialize_object
    return serialize_object(loss)


def deserialize(config, custom_objects=None):
    if isinstance(config, str) and config in _FUNCTIONS:
        return _FUNCTIONS[config]
    return deserialize_object(config, _CLASSES, "loss", custom_objects)
