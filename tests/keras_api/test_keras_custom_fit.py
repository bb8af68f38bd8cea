"""The "customizing what happens in fit" guide pattern and float64 models, against real Keras 3's
recorded numbers (tools/tfref/record_keras_custom_fit.py)."""
import json
import pathlib

import numpy as np
import pytest

import graphflow as tf

keras = tf.keras
REC = json.loads((pathlib.Path(__file__).parents[1] / "data" / "keras_utils" / "custom_fit.json").read_text())


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


def _close(history, recorded, rtol=1e-5):
    assert set(history) == set(recorded)
    for key, values in recorded.items():
        np.testing.assert_allclose(history[key], values, rtol=rtol, err_msg=key)


def test_a_model_subclass_built_from_inputs_and_outputs_runs_its_own_train_step():
    x, y = data()
    inputs = keras.Input((4,))
    model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
    init_weights(model)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    rec = REC["custom"]
    _close(history.history, rec["history"])
    evaluated = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert evaluated == pytest.approx(rec["evaluate"], rel=1e-5)
    np.testing.assert_allclose(model.layers[-1].get_weights()[0], rec["kernel"], rtol=1e-5)
    assert type(model).__name__ == rec["class"] and isinstance(model, CustomModel)


def test_a_model_subclass_whose_init_builds_its_graph():
    x, y = data()
    model = SelfBuilt(2)
    init_weights(model)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, np.concatenate([y, -y], 1), batch_size=16, epochs=2, shuffle=False, verbose=0)
    _close(history.history, REC["self_built"]["history"])
    assert type(model).__name__ == "SelfBuilt" and model.units == 2 and len(model.layers) == 3


def test_a_float64_model_trains_and_predicts_in_float64():
    x, y = data("float64")
    model = keras.Sequential([keras.Input((4,), dtype="float64"), keras.layers.Dense(1, dtype="float64")])
    init_weights(model)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    predicted = model.predict(x[:2], verbose=0)
    rec = REC["float64"]
    _close(history.history, rec["history"], rtol=1e-7)   # Keras averages the epoch loss in float32
    assert model.weights[0].dtype.name == rec["dtype"] and str(predicted.dtype) == rec["predict_dtype"]
    np.testing.assert_allclose(predicted, rec["predict"], rtol=1e-12)


def test_set_floatx_float64_makes_float64_weights():
    # As in a fresh Keras 3 process: set_floatx before any layer gives float64 layers.
    keras.backend.set_floatx("float64")
    try:
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(*data("float64"), batch_size=16, epochs=1, verbose=0)
    finally:
        keras.backend.set_floatx("float32")
    assert model.weights[0].dtype.name == "float64"
    assert model.predict(data("float64")[0][:2], verbose=0).dtype == np.float64
