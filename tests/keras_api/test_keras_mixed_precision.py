"""Mixed precision ("mixed_float16") against a real Keras 3 run recorded by
tools/tfref/record_keras_mixed_precision.py: float32 weights, float16 math, loss scaling."""
import json
import pathlib

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
REC = json.loads((pathlib.Path(__file__).parents[1] / "data" / "keras_utils" / "mixed_precision.json").read_text())


@pytest.fixture
def mixed_policy():
    keras.mixed_precision.set_global_policy("mixed_float16")
    yield
    keras.mixed_precision.set_global_policy(None)


def test_mixed_float16_training_matches_keras(mixed_policy):
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
    assert [layer.dtype_policy.name for layer in model.layers] == REC["policies"]
    assert [layer.compute_dtype for layer in model.layers] == REC["compute_dtypes"]
    assert model.weights[0].dtype.name == REC["weight_dtype"] and str(hidden.dtype) == REC["hidden_dtype"]
    assert str(model(x[:2]).dtype) == REC["output_dtype"]
    assert type(model.optimizer).__name__ == REC["optimizer"]
    # The loss scale starts at 2**15: float16 overflows on the first steps, which are skipped and halve it.
    assert float(model.optimizer.dynamic_scale.numpy()) == REC["scale"]
    assert int(model.optimizer.iterations.numpy()) == REC["iterations"]
    np.testing.assert_allclose(history.history["loss"], REC["history"]["loss"], rtol=2e-2)
    np.testing.assert_allclose(model.layers[0].get_weights()[0], REC["kernel"], rtol=2e-2, atol=2e-3)
    np.testing.assert_allclose(model.predict(x[:4], verbose=0), REC["predict"], rtol=2e-2, atol=2e-2)


def test_loss_scale_optimizer_skips_non_finite_steps_and_grows_the_scale():
    var = gf.Variable([1.0, 2.0])
    opt = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(1.0), initial_scale=4.0,
                                                   dynamic_growth_steps=2)
    opt.apply_gradients([(gf.constant([np.inf, 0.0]), var)])           # skipped: scale halves
    assert var.numpy().tolist() == [1.0, 2.0] and float(opt.dynamic_scale.numpy()) == 2.0
    opt.apply_gradients([(gf.constant([2.0, 4.0]), var)])               # divided by the scale, applied
    assert var.numpy().tolist() == [0.0, 0.0] and float(opt.dynamic_scale.numpy()) == 2.0
    opt.apply_gradients([(gf.constant([0.0, 0.0]), var)])               # two good steps: scale doubles
    assert float(opt.dynamic_scale.numpy()) == 4.0 and int(opt.iterations.numpy()) == 2


def test_policies():
    policy = keras.mixed_precision.Policy("mixed_float16")
    assert (policy.compute_dtype, policy.variable_dtype) == ("float16", "float32")
    assert keras.layers.Dense(2, dtype=policy).compute_dtype == "float16"
    assert keras.mixed_precision.global_policy().name == "float32"
    with pytest.raises(ValueError, match="bfloat16"):
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    with pytest.raises(ValueError, match="Cannot convert 'mixed_int8'"):
        keras.mixed_precision.Policy("mixed_int8")
