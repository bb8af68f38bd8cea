"""TF1 graph collections: GraphKeys and the functions that fill and read named lists of a graph.

Variables, losses, update ops (batch norm's moving averages) and metric state are found again
through these lists, as TF1 programs expect (`tf.get_collection(tf.GraphKeys.UPDATE_OPS)`).
"""
from __future__ import annotations

import re

from ... import context
from ... import variables as variables_mod
from ...ops.dispatch import apply
from ...ops.registry import get


class GraphKeys:
    """The standard collection names."""
    GLOBAL_VARIABLES = variables_mod.GLOBAL_VARIABLES
    TRAINABLE_VARIABLES = variables_mod.TRAINABLE_VARIABLES
    LOCAL_VARIABLES = "local_variables"
    MODEL_VARIABLES = "model_variables"
    METRIC_VARIABLES = "metric_variables"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    GLOBAL_STEP = "global_step"
    TRAIN_OP = "train_op"
    SUMMARIES = "summaries"
    ACTIVATIONS = "activations"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"
    EVAL_STEP = "eval_step"
    SAVERS = "savers"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    CONCATENATED_VARIABLES = "concatenated_variables"
    WEIGHTS = "weights"
    BIASES = "biases"
    VARIABLES = GLOBAL_VARIABLES


def _graph():
    return context.current_graph()


def add_to_collection(name, value):
    """Append `value` to the collection `name` of the default graph."""
    _graph().add_to_collection(name, value)


def add_to_collections(names, value):
    for name in ([names] if isinstance(names, str) else names):
        add_to_collection(name, value)


def get_collection_ref(key):
    """The collection itself (a list that later additions extend), created empty when missing."""
    return _graph().collections.setdefault(key, [])


def get_collection(key, scope=None):
    """A copy of the collection; with `scope`, only items whose name matches it from the start (re.match)."""
    items = _graph().collections.get(key, [])
    if scope is None:
        return list(items)
    pattern = re.compile(scope)
    return [v for v in items if isinstance(getattr(v, "name", None), str) and pattern.match(v.name)]


def global_variables(scope=None):
    return get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None):
    return get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    return get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None):
    return get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope=None):
    return get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def global_variables_initializer():
    """One op that runs the initializer of every global variable."""
    return variables_mod.variables_initializer(global_variables(), name="init")


def local_variables_initializer():
    """One op that runs the initializer of every local variable (metric state, ...)."""
    return variables_mod.variables_initializer(local_variables(), name="init_1")


def is_variable_initialized(variable):
    """A bool tensor: whether `variable` holds a value yet."""
    return apply(get("VarIsInitializedOp"), (), {"var": variable._state})
