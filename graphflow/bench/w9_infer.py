"""W9: serving. The W3 MLP (64-128-128-10, relu) predicting one sample at a time: the cost of a
call when the arithmetic is nothing (batch 1: about 25 k multiply-adds).

Modes: hand-written numpy; graphflow eager; a TF1 graph through Session.run (interpreted and
compiled); gf.function; a Keras Sequential model called as `model(x)` and through `predict`.
Every mode starts from W3's He-normal weights (RandomState(0)) and the same input row
(RandomState(1)), and must give numpy's logits before it is timed.
"""
from __future__ import annotations

import numpy as np

import graphflow as gf

from .modes import Mode, run_modes
from .row import EAGER, FUNCTION, GRAPH_COMPILED, GRAPH_INTERPRETED, NUMPY, Row
from .stats import function_stats, session_stats
from .w3_mlp import W3, initial_params

WORKLOAD = "W9"
DESCRIPTION = "MLP 64-128-128-10 inference at batch 1, the cost of a call (time per call)"
BATCH = 1
KERAS_CALL = "keras __call__"
KERAS_PREDICT = "keras predict"


def sample(batch: int = BATCH) -> np.ndarray:
    return np.random.RandomState(1).standard_normal((batch, W3.sizes[0])).astype(np.float32)


def numpy_forward(params, x):
    w1, b1, w2, b2, w3, b3 = params
    h = np.maximum(x @ w1 + b1, 0)
    h = np.maximum(h @ w2 + b2, 0)
    return h @ w3 + b3


def forward(params, x):
    """The model in graphflow ops: the same code runs eagerly, in graphs and in gf.function."""
    w1, b1, w2, b2, w3, b3 = params
    h = gf.nn.relu(gf.matmul(x, w1) + b1)
    h = gf.nn.relu(gf.matmul(h, w2) + b2)
    return gf.matmul(h, w3) + b3


def keras_model(params):
    """A Sequential Dense-Dense-Dense model holding `params`."""
    keras = gf.keras
    model = keras.Sequential([keras.Input((W3.sizes[0],)),
                              keras.layers.Dense(W3.sizes[1], activation="relu"),
                              keras.layers.Dense(W3.sizes[2], activation="relu"),
                              keras.layers.Dense(W3.sizes[3])])
    model.set_weights(params)
    return model


def modes(batch: int = BATCH) -> list[Mode]:
    params = initial_params(W3)
    x_np = sample(batch)
    with gf.eager_mode():
        weights = [gf.constant(p) for p in params]
        x = gf.constant(x_np)
        model = keras_model(params)
    graph = gf.Graph()
    with graph.as_default():
        p = gf.compat.v1.placeholder(gf.float32, [None, W3.sizes[0]])
        y = forward([gf.constant(w) for w in params], p)
    interpreted = gf.compat.v1.Session(graph=graph, optimize=False)
    compiled = gf.compat.v1.Session(graph=graph)
    fn = gf.function(lambda v: forward(weights, v))

    def eager():
        with gf.eager_mode():
            return forward(weights, x)

    def function():
        with gf.eager_mode():
            return fn(x)

    def keras_call():
        with gf.eager_mode():
            return model(x_np)

    def keras_predict():
        with gf.eager_mode():
            return model.predict(x_np, verbose=0)

    def session_compiled():
        return compiled.run(y, {p: x_np})

    session_compiled()      # the tiered plan compiles on its second call: time the compiled code
    return [Mode(NUMPY, lambda: numpy_forward(params, x_np), framework="numpy"),
            Mode(EAGER, eager),
            Mode(GRAPH_INTERPRETED, lambda: interpreted.run(y, {p: x_np}), compiles=True,
                 stats=lambda: session_stats(interpreted)),
            Mode(GRAPH_COMPILED, session_compiled, compiles=True, stats=lambda: session_stats(compiled)),
            Mode(FUNCTION, function, compiles=True, stats=lambda: function_stats(fn, x)),
            Mode(KERAS_CALL, keras_call),
            Mode(KERAS_PREDICT, keras_predict, compiles=True)]


def run(size: int | None = None, repeat: int | None = None, quick: bool = False) -> list[Row]:
    """size: the batch (default 1)."""
    batch = int(size or BATCH)
    return run_modes(WORKLOAD, modes(batch), case=f"batch={batch}", repeat=repeat or (30 if quick else 100),
                     inner=20, rtol=1e-5, atol=1e-5, max_time=5.0 if quick else 10.0)
