"""TensorFlow's sub-namespaces (gf.math, gf.nn, gf.random, gf.compat.v1, ...) as plain modules.

Built from the public functions in `ops.api`; no logic of their own.
"""
from __future__ import annotations

import types

from . import context, dtypes, variables
from .autodiff import gradients
from .graph import graph as graph_mod
from .graph import session as session_mod
from .ops import api, dispatch, registry
from .ops import random as random_ops


def namespace(name, **members):
    mod = types.ModuleType(f"graphflow.{name}")
    mod.__dict__.update(members)
    return mod


math = namespace(
    "math", **{n: getattr(api, n) for n in (
        "add subtract multiply divide truediv floordiv floormod mod negative abs sign exp expm1 log log1p "
        "sqrt rsqrt square pow maximum minimum sin cos tanh sigmoid erf floor ceil round reciprocal "
        "squared_difference add_n softplus reduce_logsumexp is_nan is_finite equal not_equal less "
        "less_equal greater greater_equal logical_and logical_or logical_not logical_xor argmax argmin "
        "reduce_sum reduce_mean reduce_max reduce_min reduce_prod reduce_any reduce_all realdiv "
        "floor_div").split()})
math.divide_no_nan = lambda x, y, name=None: api.where(api.equal(y, 0), api.zeros_like(api.multiply(x, y)),
                                                       api.divide(x, api.where(api.equal(y, 0), api.ones_like(y), y)))
math.softmax = api.softmax
math.log_softmax = api.log_softmax

nn = namespace(
    "nn", relu=api.relu, relu6=api.relu6, leaky_relu=api.leaky_relu, elu=api.elu, selu=api.selu,
    gelu=api.gelu, silu=api.silu, swish=api.swish, sigmoid=api.sigmoid, tanh=api.tanh, softplus=api.softplus,
    softmax=api.softmax, log_softmax=api.log_softmax,
    sparse_softmax_cross_entropy_with_logits=api.sparse_softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits=api.softmax_cross_entropy_with_logits,
    sigmoid_cross_entropy_with_logits=api.sigmoid_cross_entropy_with_logits, bias_add=api.bias_add,
    conv2d=api.conv2d, max_pool2d=api.max_pool2d, avg_pool2d=api.avg_pool2d, max_pool=api.max_pool2d,
    avg_pool=api.avg_pool2d, dropout=api.dropout, l2_loss=api.l2_loss, moments=api.moments)

linalg = namespace("linalg", matmul=api.matmul, einsum=api.einsum, tensordot=api.tensordot, eye=api.eye)

random = namespace(
    "random", set_seed=random_ops.set_seed, normal=api.random_normal, uniform=api.random_uniform,
    truncated_normal=api.truncated_normal, shuffle=api.random_shuffle)

debugging = namespace("debugging", check_numerics=api.check_numerics, assert_equal=api.assert_equal)


def _placeholder(dtype, shape=None, name=None):
    """A graph input that must be fed in Session.run; None dims accept any size."""
    if context.executing_eagerly():
        raise RuntimeError("tf.placeholder() is not compatible with eager execution.")
    dtype = dtypes.as_dtype(dtype)
    if shape is not None:
        shape = tuple(None if d is None or d == -1 else int(d) for d in
                      (shape.dims if hasattr(shape, "dims") else ([shape] if isinstance(shape, int) else shape)))
    return dispatch.apply(registry.get("Placeholder"), (), {"shape": shape, "dtype": dtype}, name or "Placeholder")


def _variable_scope(name_or_scope, default_name=None, values=None, reuse=None):
    return api.name_scope(name_or_scope or default_name)


def _get_variable(name, shape=None, dtype=dtypes.float32, initializer=None, trainable=True, **unused):
    import numpy as np
    graph = context.current_graph()
    scope = graph.get_name_scope()
    full = f"{scope}/{name}" if scope else name
    for v in graph.get_collection(variables.GLOBAL_VARIABLES):
        if v.name == f"{full}:0":
            return v
    dtype = dtypes.as_dtype(dtype)
    if initializer is None:
        limit = np.sqrt(6.0 / max(1, (shape[0] if len(shape) > 0 else 1) + (shape[-1] if len(shape) > 1 else 1)))
        init = api.random_uniform(shape, -limit, limit, dtype=dtype)
    elif callable(initializer):
        init = initializer(shape, dtype=dtype)
    else:
        init = initializer
    with graph.name_scope(None):
        with graph.name_scope(full.rsplit("/", 1)[0] + "/" if "/" in full else None):
            return variables.Variable(init, trainable=trainable, name=full.rsplit("/", 1)[-1], dtype=dtype)


_v1_train = namespace("compat.v1.train")
_v1_losses = namespace(
    "compat.v1.losses",
    mean_squared_error=lambda labels, predictions, weights=1.0, **k: api.reduce_mean(
        api.multiply(api.squared_difference(predictions, labels), weights)))

v1 = namespace(
    "compat.v1", placeholder=_placeholder, Session=session_mod.Session,
    InteractiveSession=session_mod.InteractiveSession,
    global_variables_initializer=variables.global_variables_initializer,
    initialize_all_variables=variables.global_variables_initializer,
    variables_initializer=variables.variables_initializer,
    get_default_graph=graph_mod.get_default_graph, reset_default_graph=graph_mod.reset_default_graph,
    get_default_session=session_mod.get_default_session,
    disable_eager_execution=context.disable_eager_execution,
    enable_eager_execution=context.enable_eager_execution, executing_eagerly=context.executing_eagerly,
    disable_v2_behavior=context.disable_eager_execution, enable_v2_behavior=context.enable_eager_execution,
    variable_scope=_variable_scope, name_scope=api.name_scope, get_variable=_get_variable,
    trainable_variables=variables.trainable_variables, global_variables=variables.global_variables,
    assign=lambda ref, value, **k: ref.assign(value), assign_add=lambda ref, value, **k: ref.assign_add(value),
    assign_sub=lambda ref, value, **k: ref.assign_sub(value),
    train=_v1_train, losses=_v1_losses, Graph=graph_mod.Graph, random_normal=api.random_normal,
    random_uniform=api.random_uniform, truncated_normal=api.truncated_normal, set_random_seed=random_ops.set_seed,
    Variable=variables.Variable, constant=api.constant)

compat = namespace("compat", v1=v1)


def _v1_gradients(*args, **kwargs):
    return gradients(*args, **kwargs)


v1.gradients = _v1_gradients
