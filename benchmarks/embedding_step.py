"""One training step of a large embedding table: the cost of the sparse (IndexedSlices) gradient path.

An Embedding(100_000, 64) -> GlobalAveragePooling1D -> Dense(1) model, batches of 256 rows of 8 ids,
trained with `train_on_batch` (compiled train step) for SGD, Adagrad and Adam. Prints, per optimizer,
the median wall and CPU time of a step (10 steps after 3 warm-up steps) and the peak bytes Python
allocates during one step (tracemalloc: numpy's arrays), next to the table's size.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=$PWD python benchmarks/embedding_step.py
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /work/tfvenv/bin/python benchmarks/embedding_step.py --tensorflow

`--tensorflow` runs the same model in Keras 3 on TensorFlow (its allocations are not Python's, so no
peak is printed). `--json` prints one JSON line per optimizer instead of the table.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time
import tracemalloc

import numpy as np

VOCAB, DIM, BATCH, LENGTH = 100_000, 64, 256, 8
TABLE_BYTES = VOCAB * DIM * 4


def keras_module(tensorflow: bool):
    if tensorflow:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import keras
        return keras
    import graphflow as gf
    return gf.keras


def model_with(keras, optimizer):
    model = keras.Sequential([keras.Input((LENGTH,), dtype="int32"), keras.layers.Embedding(VOCAB, DIM),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def measure(keras, name, optimizer, tensorflow: bool, steps=10) -> dict:
    rng = np.random.default_rng(0)
    x = rng.integers(0, VOCAB, (BATCH, LENGTH)).astype(np.int32)
    y = rng.standard_normal((BATCH, 1)).astype(np.float32)
    model = model_with(keras, optimizer)
    for _ in range(3):
        model.train_on_batch(x, y)
    wall, cpu = [], []
    for _ in range(steps):
        w, c = time.perf_counter(), time.process_time()
        model.train_on_batch(x, y)
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    out = {"framework": "tensorflow" if tensorflow else "graphflow", "optimizer": name,
           "wall_ms": statistics.median(wall) * 1e3, "cpu_ms": statistics.median(cpu) * 1e3}
    if not tensorflow:
        tracemalloc.start()
        model.train_on_batch(x, y)
        out["peak_bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return out


def main():
    tensorflow = "--tensorflow" in sys.argv[1:]
    keras = keras_module(tensorflow)
    for name, make in (("sgd", lambda: keras.optimizers.SGD(0.1)), ("adagrad", lambda: keras.optimizers.Adagrad(0.1)),
                       ("adam", lambda: keras.optimizers.Adam(0.01))):
        r = measure(keras, name, make(), tensorflow)
        if "--json" in sys.argv[1:]:
            print(json.dumps(r), flush=True)
            continue
        peak = (f"   peak alloc {r['peak_bytes'] / 1e6:7.1f} MB ({r['peak_bytes'] / TABLE_BYTES:.2f} x table)"
                if "peak_bytes" in r else "")
        print(f"{r['framework']:10s} {name:8s} step {r['wall_ms']:8.2f} ms (cpu {r['cpu_ms']:7.2f} ms){peak}")


if __name__ == "__main__":
    main()
