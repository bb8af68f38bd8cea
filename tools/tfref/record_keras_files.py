"""Write Keras files with real Keras 3 (TF backend) for graphflow's interchange tests.

Run from the repo root with a venv holding TensorFlow 2.21 / Keras 3 / h5py:

    /work/tfvenv/bin/python tools/tfref/record_keras_files.py

For each model below it writes, under tests/data/keras_files/:
  NAME.keras         the Keras 3 archive (model.save)
  NAME.weights.h5    the weights alone (model.save_weights)
  NAME.h5            the legacy HDF5 model file (model.save with an .h5 name)
and predictions.npz holding, per model, the input `NAME/x` and Keras's output `NAME/y`.
Seeds are fixed, so a re-run writes the same numbers.

With `--read-graphflow` it instead loads the files graphflow wrote (see
write_graphflow_keras_files.py) in real Keras and records Keras's predictions, per file, in
tests/data/keras_files/from_graphflow/keras_predictions.json (an error is recorded as its message).
Legacy .h5 files are loaded with compile=False: Keras 3 cannot rebuild a legacy file's compile
settings, even for files it wrote itself.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "keras_files")


def mlp():
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu", name="hidden"),
                             keras.layers.Dropout(0.3), keras.layers.Dense(3, activation="softmax", name="out")],
                            name="mlp"), (4, 6)


def cnn():
    inputs = keras.Input((8, 8, 1), name="image")
    x = keras.layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(3, (3, 3), strides=(1, 1), padding="valid")(x)
    x = keras.layers.AveragePooling2D(pool_size=2)(x)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(5)(x)
    return keras.Model(inputs, outputs, name="cnn"), (3, 8, 8, 1)


def lstm_text():
    inputs = keras.Input((7,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(20, 4)(inputs)
    x = keras.layers.LSTM(5)(x)
    outputs = keras.layers.Dense(2, activation="sigmoid")(x)
    return keras.Model(inputs, outputs, name="lstm_text"), (3, 7)


def two_branch():
    inputs = keras.Input((5,), name="features")
    a = keras.layers.Dense(4, activation="tanh", name="branch_a")(inputs)
    b = keras.layers.Dense(4, name="branch_b")(inputs)
    merged = keras.layers.Concatenate()([a, b])
    added = keras.layers.Add()([a, b])
    x = keras.layers.Concatenate()([merged, added])
    x = keras.layers.LayerNormalization()(x)
    outputs = keras.layers.Dense(1)(x)
    return keras.Model(inputs, outputs, name="two_branch"), (4, 5)


MODELS = {"mlp": mlp, "cnn": cnn, "lstm_text": lstm_text, "two_branch": two_branch}


def _inputs(model, shape, rng):
    if model.inputs[0].dtype.startswith("int"):
        return rng.integers(0, 20, size=shape).astype("int32")
    return rng.normal(size=shape).astype("float32")


def _randomise_statistics(model, rng):
    """Move BatchNormalization's moving statistics off their defaults so loading them is tested."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            n = layer.moving_mean.shape[0]
            layer.moving_mean.assign(rng.normal(size=n).astype("float32") * 0.1)
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, size=n).astype("float32"))
            layer.gamma.assign(rng.uniform(0.5, 1.5, size=n).astype("float32"))


def _atomic_savez(path, arrays):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".npz")
    os.close(fd)
    np.savez(tmp, **arrays)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main():
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(1234)
    rng = np.random.default_rng(1234)
    arrays = {}
    for name, build in MODELS.items():
        model, shape = build()
        _randomise_statistics(model, rng)
        model.compile(optimizer="adam", loss="mse")
        x = _inputs(model, shape, rng)
        y = model.predict(x, verbose=0)
        arrays[f"{name}/x"], arrays[f"{name}/y"] = x, y
        model.save(os.path.join(OUT, f"{name}.keras"))
        model.save_weights(os.path.join(OUT, f"{name}.weights.h5"))
        model.save(os.path.join(OUT, f"{name}.h5"))
        print(name, "saved", y.shape, file=sys.stderr)
    _atomic_savez(os.path.join(OUT, "predictions.npz"), arrays)
    print("keras", keras.__version__, file=sys.stderr)


def read_graphflow_files():
    directory = os.path.join(OUT, "from_graphflow")
    inputs = np.load(os.path.join(directory, "inputs.npz"))
    names = sorted(k for k in inputs.files if "/" not in k)
    recorded = {"keras_version": keras.__version__}
    for name in names:
        x = inputs[name]
        entry = {}
        for ext in (".keras", ".h5"):
            try:
                # Keras 3 cannot rebuild the compile settings of legacy .h5 files (its own included:
                # "Could not deserialize 'keras.metrics.mse'"), so those load uncompiled.
                model = keras.models.load_model(os.path.join(directory, name + ext), compile=ext == ".keras")
                entry[ext] = model.predict(x, verbose=0).tolist()
            except Exception as e:  # recorded, so the test shows what real Keras refused
                entry[ext] = {"error": f"{type(e).__name__}: {e}"}
        try:
            model = keras.models.load_model(os.path.join(directory, name + ".keras"), compile=False)
            fresh = keras.models.clone_model(model)
            fresh.load_weights(os.path.join(directory, name + ".weights.h5"))
            entry[".weights.h5"] = fresh.predict(x, verbose=0).tolist()
        except Exception as e:
            entry[".weights.h5"] = {"error": f"{type(e).__name__}: {e}"}
        recorded[name] = entry
        print(name, {k: ("error" if isinstance(v, dict) else "ok") for k, v in entry.items()}, file=sys.stderr)
    path = os.path.join(directory, "keras_predictions.json")
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(recorded, f, indent=1)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


if __name__ == "__main__":
    if "--read-graphflow" in sys.argv:
        read_graphflow_files()
    else:
        main()
