"""Record the "customizing what happens in fit" guide pattern under real Keras 3 (TF 2.21):
a Model subclass built as CustomModel(inputs, outputs) with train_step/test_step overridden, a
subclass whose __init__ builds its own graph, and a float64 model.

Run with the oracle venv: python tools/tfref/record_keras_custom_fit.py
Writes tests/data/keras_utils/custom_fit.json.
"""
import json
import pathlib

import numpy as np
import tensorflow as tf
from tensorflow import keras

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "keras_utils" / "custom_fit.json"


def data(dtype="float32"):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(48, 4)).astype(dtype)
    y = (x @ np.array([[0.5], [-1.0], [2.0], [0.25]], dtype) + 0.1).astype(dtype)
    return x, y


def init_weights(model):
    kernel, bias = model.layers[-1].get_weights()
    model.layers[-1].set_weights([np.linspace(-0.5, 0.5, kernel.size).reshape(kernel.shape).astype(kernel.dtype),
                                  np.full_like(bias, 0.2)])


class CustomModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


class SelfBuilt(keras.Model):
    def __init__(self, units):
        inputs = keras.Input((4,))
        outputs = keras.layers.Dense(units)(keras.layers.Dense(3, activation="tanh",
                                                               kernel_initializer="ones")(inputs))
        super().__init__(inputs, outputs)
        self.units = units


def main():
    rec = {}
    x, y = data()
    inputs = keras.Input((4,))
    model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
    init_weights(model)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    hist = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    rec["custom"] = {"history": hist.history, "evaluate": model.evaluate(x, y, batch_size=16, verbose=0,
                                                                         return_dict=True),
                     "kernel": model.layers[-1].get_weights()[0].tolist(), "class": type(model).__name__}
    model = SelfBuilt(2)
    init_weights(model)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    hist = model.fit(x, np.concatenate([y, -y], 1), batch_size=16, epochs=2, shuffle=False, verbose=0)
    rec["self_built"] = {"history": hist.history, "class": type(model).__name__}

    # Keras caches its global dtype policy when the first layer is made, so set_floatx here (after
    # the float32 models above) would not change it: the layers say float64 themselves.
    x64, y64 = data("float64")
    model = keras.Sequential([keras.Input((4,), dtype="float64"), keras.layers.Dense(1, dtype="float64")])
    init_weights(model)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    hist = model.fit(x64, y64, batch_size=16, epochs=2, shuffle=False, verbose=0)
    rec["float64"] = {"history": hist.history, "dtype": model.weights[0].dtype,
                      "predict_dtype": str(model.predict(x64[:2], verbose=0).dtype),
                      "predict": model.predict(x64[:2], verbose=0).tolist()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(rec, indent=1))
    print("wrote", OUT, tf.__version__, keras.__version__)


if __name__ == "__main__":
    main()
