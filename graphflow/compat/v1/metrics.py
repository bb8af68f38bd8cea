"""tf.compat.v1.metrics: streaming metrics, each a (value, update_op) pair over local variables.

The state (`total`, `count`) lives in LOCAL_VARIABLES and METRIC_VARIABLES under a variable scope
named after the metric, so `local_variables_initializer()` resets it; each run of update_op adds
one batch and returns the metric including that batch.
"""
from __future__ import annotations

from ... import context, dtypes
from ...ops import api
from . import initializers as init_ops
from .graph_collections import GraphKeys
from .variable_scope import get_variable, variable_scope


def _metric_variable(name, dtype=dtypes.float32):
    return get_variable(name, [], dtype=dtype, initializer=init_ops.zeros_initializer(), trainable=False,
                        collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES])


def _safe_div(a, b):
    positive = api.greater(b, 0.0)
    return api.where(positive, api.realdiv(a, api.where(positive, b, api.ones_like(b))), api.zeros_like(a))


def _add_to(collections, value):
    for key in collections or ():
        context.current_graph().add_to_collection(key, value)


def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """The (weighted) mean of every value seen: (mean, update_op)."""
    with variable_scope(name, default_name="mean"):
        values = api.cast(values, dtypes.float32)
        total = _metric_variable("total")
        count = _metric_variable("count")
        if weights is None:
            num_values = api.cast(api.size(values), dtypes.float32)
        else:
            weights = api.multiply(api.cast(weights, dtypes.float32), api.ones_like(values))
            values = api.multiply(values, weights)
            num_values = api.reduce_sum(weights)
        update_total = total.assign_add(api.reduce_sum(values))
        with api.control_dependencies([values]):
            update_count = count.assign_add(num_values)
        value = _safe_div(api.convert_to_tensor(total), api.convert_to_tensor(count))
        update_op = _safe_div(update_total, update_count)
        _add_to(metrics_collections, value)
        _add_to(updates_collections, update_op)
        return value, update_op


def accuracy(labels, predictions, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """How often predictions equal labels: (accuracy, update_op)."""
    predictions = api.convert_to_tensor(predictions)
    labels = api.cast(labels, predictions.dtype)
    matches = api.cast(api.equal(predictions, labels), dtypes.float32)
    return mean(matches, weights, metrics_collections, updates_collections, name or "accuracy")


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
                       name=None):
    predictions = api.convert_to_tensor(predictions)
    errors = api.squared_difference(predictions, api.cast(labels, predictions.dtype))
    return mean(errors, weights, metrics_collections, updates_collections, name or "mean_squared_error")


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
                        name=None):
    predictions = api.convert_to_tensor(predictions)
    errors = api.abs(api.subtract(predictions, api.cast(labels, predictions.dtype)))
    return mean(errors, weights, metrics_collections, updates_collections, name or "mean_absolute_error")


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
                            name=None):
    value, update = mean_squared_error(labels, predictions, weights, None, None, name or "root_mean_squared_error")
    value, update = api.sqrt(value), api.sqrt(update)
    _add_to(metrics_collections, value)
    _add_to(updates_collections, update)
    return value, update
