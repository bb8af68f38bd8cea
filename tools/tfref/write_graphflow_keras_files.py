"""Write Keras files with graphflow, for real Keras to load (the other direction of the
interchange tests). Run with graphflow's Python from the repo root:

    PYTHONPATH=$PWD python tools/tfref/write_graphflow_keras_files.py
    /work/tfvenv/bin/python tools/tfref/record_keras_files.py --read-graphflow

The first writes tests/data/keras_files/from_graphflow/NAME.{keras,h5,weights.h5} and inputs.npz;
the second loads each file in real Keras and records Keras's predictions in keras_predictions.json.
"""
from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.getcwd())

import graphflow as gf  # noqa: E402
from graphflow.atomic_file import atomic_writer  # noqa: E402

keras = gf.keras
L = keras.layers
OUT = os.path.join("tests", "data", "keras_files", "from_graphflow")


def mlp():
    return keras.Sequential([keras.Input((6,)), L.Dense(8, activation="relu", name="hidden"), L.Dropout(0.3),
                             L.Dense(3, activation="softmax", name="out")], name="gf_mlp"), (4, 6)


def cnn():
    inputs = keras.Input((8, 8, 1), name="image")
    x = L.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    x = L.BatchNormalization()(x)
    x = L.MaxPooling2D(2)(x)
    x = L.Conv2D(3, (3, 3), padding="valid")(x)
    x = L.AveragePooling2D(pool_size=2)(x)
    x = L.Flatten()(x)
    return keras.Model(inputs, L.Dense(5)(x), name="gf_cnn"), (3, 8, 8, 1)


def lstm_text():
    inputs = keras.Input((7,), dtype="int32", name="tokens")
    x = L.Embedding(20, 4)(inputs)
    x = L.LSTM(5)(x)
    return keras.Model(inputs, L.Dense(2, activation="sigmoid")(x), name="gf_lstm_text"), (3, 7)


def gru_seq():
    return keras.Sequential([keras.Input((5, 3)), L.GRU(4, return_sequences=True), L.SimpleRNN(2),
                             L.Dense(1)], name="gf_gru_seq"), (2, 5, 3)


def two_branch():
    inputs = keras.Input((5,), name="features")
    a = L.Dense(4, activation="tanh", name="branch_a")(inputs)
    b = L.Dense(4, name="branch_b")(inputs)
    x = L.Concatenate()([L.Concatenate()([a, b]), L.Add()([a, b])])
    x = L.LayerNormalization()(x)
    return keras.Model(inputs, L.Dense(1)(x), name="gf_two_branch"), (4, 5)


MODELS = {"mlp": mlp, "cnn": cnn, "lstm_text": lstm_text, "gru_seq": gru_seq, "two_branch": two_branch}


def _randomise(model, rng):
    """Weights and BatchNormalization statistics away from their initial values."""
    for var in model.weights:
        var.assign(rng.normal(size=tuple(var.shape)).astype(np.float32) * 0.5
                   + (1.0 if "variance" in var.name else 0.0) * 1.5)


def main():
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    inputs = {}
    for name, build in MODELS.items():
        keras.backend.clear_session()       # each model's layer names as in a fresh process
        model, shape = build()
        _randomise(model, rng)
        model.compile(optimizer="adam", loss="mse")
        x = rng.integers(0, 20, size=shape).astype(np.int32) if name == "lstm_text" else \
            rng.normal(size=shape).astype(np.float32)
        inputs[name] = x
        inputs[f"{name}/graphflow"] = model.predict(x, verbose=0)
        model.save(os.path.join(OUT, f"{name}.keras"))
        model.save(os.path.join(OUT, f"{name}.h5"))
        model.save_weights(os.path.join(OUT, f"{name}.weights.h5"))
    with atomic_writer(os.path.join(OUT, "inputs.npz")) as f:
        np.savez(f, **inputs)


if __name__ == "__main__":
    main()
