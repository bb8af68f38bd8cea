"""How much of a Keras fit step's compiled plan runs reference kernels, and its Python overhead.

A 2-layer MLP (28x28 -> Flatten -> 128 relu -> 10) trained with SGD on batches of 64: after a few steps the
train function's plan is steady. Prints the plan's steps by kind (compiled / reference), the
reference op types, and the Python-level calls made by one steady-state step, both inside the
plan's generated function and for the whole `train_function(x, y)` call.

    PYTHONPATH=$PWD python benchmarks/fit_step_plan.py
"""
from __future__ import annotations

import collections
import sys

import numpy as np

import graphflow as gf


def _count_calls(fn, *args) -> int:
    calls = [0]

    def prof(frame, event, arg):
        if event == "call":
            calls[0] += 1
    sys.setprofile(prof)
    try:
        fn(*args)
    finally:
        sys.setprofile(None)
    return calls[0] - 1          # the call of `fn` itself is not overhead


def main():
    keras = gf.keras
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 64).astype(np.int32)
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10)])
    model.compile(keras.optimizers.SGD(0.01), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=64, epochs=3, verbose=0)
    step = model.train_function.functions[2]
    xt, yt = gf.constant(x), gf.constant(y)
    for _ in range(3):
        step(xt, yt)
    plan = step.get_concrete_function(xt, yt).graph.plan()
    ex = plan.executable()
    kinds = collections.Counter()
    reference = collections.Counter()
    for op, lowered in ex.steps:
        if lowered is None:
            reference[op.type] += 1
        kinds["compiled" if lowered is not None else "reference"] += 1
    print(f"plan steps: {dict(kinds)}")
    print(f"reference steps by op type: {dict(reference)}")
    feeds = [x, y]
    print(f"python calls inside the plan per step: {_count_calls(ex.run, feeds)}")
    print(f"python calls per train_function(x, y): {_count_calls(step, xt, yt)}")


if __name__ == "__main__":
    main()
