"""A Conv1D sequence classifier trained with fit on synthetic waves: is the hidden sine fast or slow?

    python examples/keras_conv1d_sequences.py
    python examples/keras_conv1d_sequences.py --epochs 4 --samples 256
    python examples/keras_conv1d_sequences.py --backend tensorflow    # the same program on real Keras

Prints the loss and validation accuracy of each epoch, then the test accuracy.
"""
from __future__ import annotations

import argparse

import numpy as np


def waves(n, steps=32, seed=0):
    """(n, steps, 1) noisy sines with random phase; label 1 for the fast ones."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    freq = np.where(y == 1, 0.8, 0.2)[:, None]
    x = np.sin(freq * np.arange(steps) + rng.uniform(0, 2 * np.pi, (n, 1))) + 0.4 * rng.standard_normal((n, steps))
    return x[..., None].astype("float32"), y


def build(keras, steps=32):
    layers = keras.layers
    return keras.Sequential([
        keras.Input((steps, 1)),
        layers.Conv1D(16, 5, padding="causal", activation="relu"),
        layers.MaxPooling1D(2),
        layers.Conv1D(16, 3, activation="relu"),
        layers.GlobalMaxPooling1D(),
        layers.Dropout(0.2),
        layers.Dense(2, activation="softmax"),
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["graphflow", "tensorflow"], default="graphflow")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--samples", type=int, default=512)
    args = parser.parse_args()
    if args.backend == "tensorflow":
        import keras
    else:
        import graphflow as gf
        keras = gf.keras
    keras.utils.set_random_seed(0)
    x, y = waves(args.samples)
    x_val, y_val = waves(128, seed=1)
    x_test, y_test = waves(256, seed=2)
    model = build(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=args.epochs, validation_data=(x_val, y_val), verbose=0)
    for epoch, (loss, acc) in enumerate(zip(history.history["loss"], history.history["val_accuracy"]), 1):
        print(f"epoch {epoch}: loss={loss:.4f} val_accuracy={acc:.3f}")
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy: {accuracy:.3f}")


if __name__ == "__main__":
    main()
