"""Record a mixed_float16 Keras 3 training run (TF 2.21) for tests/keras_api/test_keras_mixed_precision.py.

Run with the oracle venv: python tools/tfref/record_keras_mixed_precision.py
Writes tests/data/keras_utils/mixed_precision.json.
"""
import json
import pathlib

import numpy as np
from tensorflow import keras

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "keras_utils" / "mixed_precision.json"


def main():
    keras.mixed_precision.set_global_policy("mixed_float16")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.25]], "float32")).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu", name="hidden"),
                              keras.layers.Dense(1, dtype="float32", name="head")])
    for layer in model.layers:
        kernel, bias = layer.get_weights()
        layer.set_weights([np.linspace(-0.6, 0.6, kernel.size).reshape(kernel.shape).astype("float32"),
                           np.full_like(bias, 0.1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    hidden = model.layers[0](x[:2])
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    rec = {"policies": [layer.dtype_policy.name for layer in model.layers],
           "compute_dtypes": [layer.compute_dtype for layer in model.layers],
           "weight_dtype": model.weights[0].dtype, "hidden_dtype": str(hidden.dtype),
           "output_dtype": str(model(x[:2]).dtype), "optimizer": type(model.optimizer).__name__,
           "history": history.history, "scale": float(model.optimizer.dynamic_scale.numpy()),
           "iterations": int(model.optimizer.iterations.numpy()),
           "kernel": model.layers[0].get_weights()[0].tolist(), "predict": model.predict(x[:4], verbose=0).tolist()}
    OUT.write_text(json.dumps(rec, indent=1))
    print("wrote", OUT, rec["history"], rec["scale"], rec["iterations"])


if __name__ == "__main__":
    main()
