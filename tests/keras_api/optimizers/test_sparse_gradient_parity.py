"""Embedding gradients are IndexedSlices, and every optimizer applies them as Keras 3 on TensorFlow
does (tests/data/keras_breadth/sparse_gradients.*, from tools/tfref/record_keras_sparse_gradients.py):
with duplicate ids in a batch the numbers differ from a dense gradient's (Adam's second moment sees
each slice squared). Each recorded fit is replayed with fit (compiled and run_eagerly) and with a
custom GradientTape loop."""
import json
import os

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data", "keras_breadth")
with open(os.path.join(DATA, "sparse_gradients.json")) as f:
    META = json.load(f)
A = dict(np.load(os.path.join(DATA, "sparse_gradients.npz")))
CASES = META["cases"]
IDS = [c["id"] for c in CASES]


def make_model(case):
    model = keras.Sequential([keras.Input((3,), dtype="int32"), keras.layers.Embedding(5, 3), keras.layers.Dense(2)])
    model.set_weights([A["table"], A["kernel"], A["bias"]])
    return model, getattr(keras.optimizers, case["class"])(**case["kwargs"])


def check(case, model):
    for name, value in zip(("table", "kernel", "bias"), model.get_weights()):
        np.testing.assert_allclose(value, A[f"{case['id']}/{name}"], rtol=2e-5, atol=2e-6, err_msg=name)


def fit(case, run_eagerly):
    model, optimizer = make_model(case)
    model.compile(optimizer=optimizer, loss="mse", run_eagerly=run_eagerly)
    model.fit(A["ids"], A["targets"], batch_size=2, epochs=3, shuffle=False, verbose=0)
    check(case, model)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_eager_fit_with_duplicate_ids_matches_keras(case):
    fit(case, run_eagerly=True)


# compiled: the rules that differ from a dense gradient's (squares of slices, scatters, factors taken at
# the gradient's rows, slices kept through clipping); each case compiles its train step
COMPILED = ["adam", "adagrad", "adadelta", "adam_clipnorm"]


@pytest.mark.parametrize("case", [c for c in CASES if c["id"] in COMPILED], ids=COMPILED)
def test_compiled_fit_with_duplicate_ids_matches_keras(case):
    fit(case, run_eagerly=False)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradient_tape_loop_with_duplicate_ids_matches_keras(case):
    model, optimizer = make_model(case)
    loss_fn = keras.losses.MeanSquaredError()
    for _ in range(3):
        for start in (0, 2):
            x, y = A["ids"][start:start + 2], A["targets"][start:start + 2]
            with gf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_weights)
            assert isinstance(grads[0], gf.IndexedSlices)
            optimizer.apply_gradients(zip(grads, model.trainable_weights))
    check(case, model)


def test_issue_case_adam_on_one_dimensional_embedding():
    model = keras.Sequential([keras.Input((2,), dtype="int32"),
                              keras.layers.Embedding(4, 1, embeddings_initializer="ones")])
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="mse")
    model.fit(np.array([[0, 0], [0, 1]], np.int32), np.array([[[0.0], [2.0]], [[0.0], [0.0]]], np.float32),
              batch_size=2, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(model.get_weights()[0], A["issue/row0"], rtol=1e-5)
    assert abs(float(model.get_weights()[0][0, 0]) - 0.88933) < 1e-5


@pytest.mark.parametrize("name", ["one", "two", "mixed"])
def test_tape_gradient_of_gathers_has_tensorflows_structure(name):
    v = gf.Variable(A["table"])
    ids = A["ids"]
    with gf.GradientTape() as tape:
        if name == "one":
            loss = gf.reduce_sum(gf.gather(v, ids[0]) * 2.0)
        elif name == "two":
            loss = gf.reduce_sum(gf.gather(v, [3, 0]) * 3.0) + gf.reduce_sum(gf.gather(v, ids[1]))
        else:
            loss = gf.reduce_sum(gf.gather(v, [1, 1])) + gf.reduce_sum(v * 0.5)
    g = tape.gradient(loss, v)
    assert type(g).__name__ == META["structure"][f"{name}/type"]
    if isinstance(g, gf.IndexedSlices):
        np.testing.assert_allclose(g.values.numpy(), A[f"structure/{name}/values"])
        np.testing.assert_array_equal(g.indices.numpy(), A[f"structure/{name}/indices"])
        np.testing.assert_array_equal(g.dense_shape.numpy(), A[f"structure/{name}/dense_shape"])
    np.testing.assert_allclose(gf.convert_to_tensor(g).numpy(), A[f"structure/{name}/dense"])


MIXED = META["mixed_float16"]


@pytest.mark.parametrize("case", MIXED, ids=[c["id"] for c in MIXED])
def test_mixed_float16_fit_keeps_slices_through_loss_scaling(case):
    """Under mixed_float16 the float16 gather's gradient comes back as float32 slices, and the
    LossScaleOptimizer unscales and checks them row by row, as Keras on TF: summing the duplicate
    rows first (in float16, times the 2**15 scale) overflowed and skipped the first step. Eager only:
    a compiled mixed_float16 step costs ~12 s of cold kernel compiles, and both modes run the same
    autodiff and optimizer code (compiled SGD and Adam gave these numbers too when checked by hand)."""
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = keras.Sequential([keras.Input((3,), dtype="int32"), keras.layers.Embedding(5, 3),
                                  keras.layers.Dense(2, dtype="float32")])
        model.set_weights([A["table"], A["kernel"], A["bias"]])
        model.compile(optimizer=getattr(keras.optimizers, case["class"])(**case["kwargs"]), loss="mse",
                      run_eagerly=True)
        history = model.fit(A["ids"], A["targets"], batch_size=2, epochs=3, shuffle=False, verbose=0)
    finally:
        keras.mixed_precision.set_global_policy(None)
    assert type(model.optimizer).__name__ == case["optimizer"]
    assert float(model.optimizer.dynamic_scale.numpy()) == case["scale"]
    assert int(model.optimizer.iterations.numpy()) == case["iterations"]
    prefix = f"mixed/{case['id']}"
    np.testing.assert_allclose(model.get_weights()[0], A[f"{prefix}/table"], rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(model.get_weights()[1], A[f"{prefix}/kernel"], rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(history.history["loss"], A[f"{prefix}/loss"], rtol=1e-3)
