"""Train the W5 models (BENCHMARKS.md) on the digits dataset with gf.keras, compiled and eager.

    python examples/keras_digits.py                 # graphflow, both models, both modes
    python examples/keras_digits.py --epochs 3 --models mlp --modes eager
    python examples/keras_digits.py --backend tensorflow   # the same script on real Keras/TF

Prints the median milliseconds per epoch over epochs 2..N (epoch 1 includes tracing and
compilation) and the test accuracy. `--backend tensorflow` needs TensorFlow installed; the data
always comes from graphflow's bundled copy, so both backends see the same numbers.
"""
from __future__ import annotations

import argparse
import gzip
import os
import statistics
import time

import numpy as np

DIGITS_CSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "graphflow", "keras_api",
                          "datasets", "data", "digits.csv.gz")


def load_digits(keras):
    """gf.keras.datasets.digits; for real Keras (which has no digits), graphflow's CSV, same split."""
    if hasattr(keras.datasets, "digits"):
        return keras.datasets.digits.load_data()
    with gzip.open(DIGITS_CSV, "rt") as f:
        table = np.loadtxt(f, delimiter=",")
    x, y = table[:, :64].reshape(-1, 8, 8).astype("float32"), table[:, 64].astype("int64")
    return (x[:1437], y[:1437]), (x[1437:], y[1437:])


def load(keras, cnn: bool):
    """x / 16 as float32; (n, 8, 8) for the MLP, (n, 8, 8, 1) for the CNN."""
    (x_train, y_train), (x_test, y_test) = load_digits(keras)
    x_train, x_test = (x_train / 16.0).astype("float32"), (x_test / 16.0).astype("float32")
    if cnn:
        x_train, x_test = x_train[..., None], x_test[..., None]
    return (x_train, y_train), (x_test, y_test)


def build(keras, kind: str):
    layers = keras.layers
    if kind == "mlp":
        return keras.Sequential([keras.Input((8, 8)), layers.Flatten(), layers.Dense(128, activation="relu"),
                                 layers.Dense(10)])
    return keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(16, 3, activation="relu", padding="same"),
                             layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(10)])


def train(keras, kind: str, eager: bool, epochs: int = 10, seed: int = 0) -> dict:
    """Train one model; returns epoch times (seconds), test accuracy and the fitted model."""
    keras.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = load(keras, kind == "cnn")
    model = build(keras, kind)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], run_eagerly=eager)
    times: list[float] = []

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=0, callbacks=[EpochTimer()])
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return {"model": kind, "mode": "eager" if eager else "compiled", "epoch_times_s": times,
            "ms_per_epoch": 1e3 * statistics.median(times[1:] if len(times) > 1 else times),
            "first_epoch_ms": 1e3 * times[0], "test_accuracy": float(accuracy), "test_loss": float(loss),
            "fitted": model}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["graphflow", "tensorflow"], default="graphflow")
    parser.add_argument("--models", nargs="+", choices=["mlp", "cnn"], default=["mlp", "cnn"])
    parser.add_argument("--modes", nargs="+", choices=["compiled", "eager"], default=["compiled", "eager"])
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args(argv)
    if args.backend == "tensorflow":
        import tensorflow as tf
    else:
        import graphflow as tf
    print(f"{'model':5} {'mode':9} {'ms/epoch (2..N)':>16} {'first epoch ms':>15} {'test accuracy':>14}")
    for kind in args.models:
        for mode in args.modes:
            r = train(tf.keras, kind, mode == "eager", args.epochs)
            print(f"{kind:5} {mode:9} {r['ms_per_epoch']:16.1f} {r['first_epoch_ms']:15.0f} "
                  f"{r['test_accuracy']:14.4f}", flush=True)


if __name__ == "__main__":
    main()
