"""One training step of a large embedding table: the cost of the sparse (IndexedSlices) gradient path.

An Embedding(100_000, 64) -> GlobalAveragePooling1D -> Dense(1) model, batches of 256 rows of 8 ids,
trained with `train_on_batch` (compiled train step) for SGD, Adagrad and Adam. Prints the median
step time of 10 steps after 3 warm-up steps and the peak bytes Python allocates during one step
(tracemalloc), next to the table's size.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=$PWD python benchmarks/embedding_step.py
"""
from __future__ import annotations

import statistics
import time
import tracemalloc

import numpy as np

import graphflow as gf

VOCAB, DIM, BATCH, LENGTH = 100_000, 64, 256, 8


def model_with(optimizer):
    keras = gf.keras
    model = keras.Sequential([keras.Input((LENGTH,), dtype="int32"), keras.layers.Embedding(VOCAB, DIM),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def measure(name, optimizer, steps=10):
    rng = np.random.default_rng(0)
    x = rng.integers(0, VOCAB, (BATCH, LENGTH)).astype(np.int32)
    y = rng.standard_normal((BATCH, 1)).astype(np.float32)
    model = model_with(optimizer)
    for _ in range(3):
        model.train_on_batch(x, y)
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.train_on_batch(x, y)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    model.train_on_batch(x, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    table = VOCAB * DIM * 4
    print(f"{name:8s} step {statistics.median(times) * 1e3:8.2f} ms   peak alloc {peak / 1e6:7.1f} MB "
          f"({peak / table:.2f} x table)")


def main():
    keras = gf.keras
    measure("sgd", keras.optimizers.SGD(0.1))
    measure("adagrad", keras.optimizers.Adagrad(0.1))
    measure("adam", keras.optimizers.Adam(0.01))


if __name__ == "__main__":
    main()
