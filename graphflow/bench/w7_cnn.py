"""W7: one CNN training step (BENCHMARKS.md): 28x28x1 images, batch 64, conv32-pool-conv64-pool-
dense128-dense10, relu, mean sparse softmax cross-entropy, SGD lr 0.01.

The model, weights and batch are peers/cnn_reference.py's, so graphflow and the peers train the
same step. Modes: the numpy reference step; graphflow eager (GradientTape); gf.function over the
tape step; Keras `train_on_batch` (the compiled train step). Before timing, every mode trains
CHECK_STEPS steps from the same weights and must reach numpy's weights.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

import graphflow as gf

from .modes import Mode, run_modes
from .peers import cnn_reference as ref
from .row import EAGER, FUNCTION, KERAS_COMPILED, NUMPY, Row
from .w3_mlp import Trainer

WORKLOAD = "W7"
DESCRIPTION = "CNN 28x28x1 conv32-pool-conv64-pool-dense128-dense10 training step, batch 64, SGD (time per step)"
CHECK_STEPS = 2
QUICK_BATCH = 16     # the default suite's budget (docs/bench.md): about 15 s per workload
RTOL, ATOL = 1e-3, 1e-4      # float32 steps: convolutions sum in different orders in each mode


def forward_loss(params, x, y):
    """The model in graphflow ops; the same code runs eagerly and under gf.function."""
    k1, b1, k2, b2, w3, b3, w4, b4 = params
    h = gf.nn.max_pool2d(gf.nn.relu(gf.nn.conv2d(x, k1, 1, "VALID") + b1), 2, 2, "VALID")
    h = gf.nn.max_pool2d(gf.nn.relu(gf.nn.conv2d(h, k2, 1, "VALID") + b2), 2, 2, "VALID")
    h = gf.nn.relu(gf.matmul(gf.reshape(h, [-1, 1600]), w3) + b3)
    logits = gf.matmul(h, w4) + b4
    return gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))


def _tape_trainer(batch: int, compiled: bool) -> Trainer:
    with gf.eager_mode():
        variables = [gf.Variable(p) for p in ref.cnn_params()]
        x_np, y_np = ref.cnn_batch(batch)
        x, y = gf.constant(x_np), gf.constant(y_np)

    def step_fn(a, b):
        with gf.GradientTape() as tape:
            loss = forward_loss(variables, a, b)
        for v, g in zip(variables, tape.gradient(loss, variables)):
            v.assign_sub(g * ref.LR)
        return loss
    run = gf.function(step_fn) if compiled else step_fn

    def step():
        with gf.eager_mode():
            return run(x, y).numpy()
    return Trainer(step, lambda: [v.numpy() for v in variables])


def keras_model():
    layers = gf.keras.layers
    return gf.keras.Sequential([gf.keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
                                layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"),
                                layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(128, activation="relu"),
                                layers.Dense(10)])


def _keras_trainer(batch: int) -> Trainer:
    model = keras_model()
    model.set_weights(ref.cnn_params())
    model.compile(optimizer=gf.keras.optimizers.SGD(ref.LR),
                  loss=gf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = ref.cnn_batch(batch)

    def step():
        return np.float32(model.train_on_batch(x, y))
    return Trainer(step, model.get_weights)


def _numpy_trainer(batch: int) -> Trainer:
    params = ref.cnn_params()
    x, y = ref.cnn_batch(batch)

    def step():
        loss, new = ref.cnn_step_numpy(params, x, y)
        params[:] = new
        return loss
    return Trainer(step, lambda: [p.copy() for p in params])


def trainers(batch: int) -> dict[str, Callable[[], Trainer]]:
    """Fresh trainers from the same weights: mode name -> factory()."""
    return {NUMPY: lambda: _numpy_trainer(batch), EAGER: lambda: _tape_trainer(batch, False),
            FUNCTION: lambda: _tape_trainer(batch, True), KERAS_COMPILED: lambda: _keras_trainer(batch)}


def check_agreement(batch: int, steps: int = CHECK_STEPS) -> dict:
    """{mode: None if its weights match numpy's after `steps` steps, else why}."""
    results, reference = {}, None
    for name, factory in trainers(batch).items():
        trainer = factory()
        for _ in range(steps):
            trainer.step()
        got = trainer.weights()
        if reference is None:
            reference, results[name] = got, None
            continue
        bad = [i for i, (a, b) in enumerate(zip(got, reference)) if not np.allclose(a, b, rtol=RTOL, atol=ATOL)]
        results[name] = None if not bad else f"parameters {bad} differ from numpy after {steps} steps"
    return results


def run(size: int | None = None, repeat: int | None = None, quick: bool = False) -> list[Row]:
    """size: the batch (default 64; the quick suite: 16)."""
    batch = int(size or (QUICK_BATCH if quick else ref.BATCH))
    agreement = check_agreement(batch, 1 if quick else CHECK_STEPS)
    modes = []
    for name, factory in trainers(batch).items():
        problem = agreement.get(name)
        if problem:
            def broken(problem=problem):
                raise AssertionError(problem)
            modes.append(Mode(name, broken))
            continue
        trainer = factory()
        modes.append(Mode(name, trainer.step, framework="numpy" if name == NUMPY else "graphflow",
                          compiles=name in (FUNCTION, KERAS_COMPILED)))
    return run_modes(WORKLOAD, modes, case=f"batch={batch}", repeat=repeat or (5 if quick else 30), rtol=RTOL,
                     atol=ATOL, max_time=20.0)
