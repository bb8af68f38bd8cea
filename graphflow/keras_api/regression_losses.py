"""Regression losses beyond MSE/MAE/Huber: LogCosh, Poisson, MeanAbsolutePercentageError,
MeanSquaredLogarithmicError and CosineSimilarity (per-sample functions; classes in losses.py)."""
from __future__ import annotations

import math

from ..ops import api
from . import backend
from .loss_inputs import as_float as _float
from .loss_inputs import float_tensor as _float_tensor
from .loss_inputs import squeeze_or_expand_to_same_rank


def _pair(y_true, y_pred):
    y_pred = _float_tensor(y_pred)
    y_true = _float(y_true, y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true))): about x**2 / 2 for small errors, |x| - log 2 for large."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = api.subtract(y_pred, y_true)
    # log(cosh x) = x + softplus(-2x) - log 2, which does not overflow for large |x|
    return api.reduce_mean(api.subtract(api.add(x, api.softplus(api.multiply(x, -2.0))), math.log(2.0)), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + epsilon)): the Poisson negative log-likelihood, up to a constant."""
    y_pred = _float_tensor(y_pred)
    y_true = _float(y_true, y_pred.dtype)
    return api.reduce_mean(api.subtract(y_pred, api.multiply(y_true, api.log(api.add(y_pred, backend.epsilon())))),
                           axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|y_true - y_pred| / max(|y_true|, epsilon))."""
    y_true, y_pred = _pair(y_true, y_pred)
    ratio = api.divide(api.subtract(y_true, y_pred), api.maximum(api.abs(y_true), backend.epsilon()))
    return api.multiply(api.reduce_mean(api.abs(ratio), axis=-1), 100.0)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(1 + max(y_pred, eps)) - log(1 + max(y_true, eps)))**2)."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = backend.epsilon()
    first = api.log(api.add(api.maximum(y_pred, eps), 1.0))
    second = api.log(api.add(api.maximum(y_true, eps), 1.0))
    return api.reduce_mean(api.square(api.subtract(first, second)), axis=-1)


def l2_normalize(x, axis=-1):
    """x / ||x|| along `axis`, with the inverse norm capped at 1 / epsilon (zero vectors stay zero)."""
    inv = api.rsqrt(api.reduce_sum(api.square(x), axis=axis, keepdims=True))
    return api.multiply(x, api.minimum(inv, 1.0 / backend.epsilon()))


def cosine_similarity(y_true, y_pred, axis=-1):
    """-cos(y_true, y_pred) along `axis`: -1 for the same direction, so minimising aligns them."""
    y_true, y_pred = _pair(y_true, y_pred)
    return api.negative(api.reduce_sum(api.multiply(l2_normalize(y_true, axis), l2_normalize(y_pred, axis)),
                                       axis=axis))


mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
logcosh = log_cosh
