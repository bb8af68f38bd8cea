"""Optimizers against real Keras 3 (tests/data/keras_breadth/optimizers.*, from
tools/tfref/record_keras_optimizers.py): three steps of each update rule, clipping, weight
decay, EMA and gradient accumulation, eagerly and inside gf.function; schedules; configs; and
a fit() with accumulation and EMA."""
import json
import os

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data", "keras_breadth")
with open(os.path.join(DATA, "optimizers.json")) as f:
    META = json.load(f)
A = dict(np.load(os.path.join(DATA, "optimizers.npz")))
CASES = META["cases"]
IDS = [c["id"] for c in CASES]
GRADS = [(A[f"grad_w_{i}"], A[f"grad_b_{i}"]) for i in range(3)]


def make(case):
    kwargs = dict(case["kwargs"])
    if "schedule" in kwargs:
        name, config = kwargs.pop("schedule")
        kwargs["learning_rate"] = getattr(keras.optimizers.schedules, name)(**config)
    return getattr(keras.optimizers, case["class"])(**kwargs)


def check(case, w, b, step):
    np.testing.assert_allclose(w.numpy(), A[f"{case['id']}/w_{step}"], rtol=1e-5, atol=1e-6, err_msg=f"step {step}")
    np.testing.assert_allclose(b.numpy(), A[f"{case['id']}/b_{step}"], rtol=1e-5, atol=1e-6, err_msg=f"step {step}")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_three_eager_steps_match_keras(case):
    opt = make(case)
    w, b = gf.Variable(A["w0"]), gf.Variable(A["b0"])
    for i, (gw, gb) in enumerate(GRADS):
        opt.apply_gradients([(gf.constant(gw), w), (gf.constant(gb), b)])
        check(case, w, b, i)
    opt.finalize_variable_values([w, b])
    np.testing.assert_allclose(w.numpy(), A[f"{case['id']}/w_final"], rtol=1e-5, atol=1e-6)
    assert int(opt.iterations.numpy()) == 3


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_three_compiled_steps_match_keras(case):
    opt = make(case)
    w, b = gf.Variable(A["w0"]), gf.Variable(A["b0"])

    @gf.function
    def step(gw, gb):
        opt.apply_gradients([(gw, w), (gb, b)])
    for i, (gw, gb) in enumerate(GRADS):
        step(gf.constant(gw), gf.constant(gb))
        check(case, w, b, i)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_optimizer_config_is_keras_and_round_trips(case):
    opt = make(case)
    config = opt.get_config()
    for key, value in case["config"].items():
        if key in ("name",) or isinstance(value, dict):
            continue
        assert config[key] == pytest.approx(value) if isinstance(value, float) else config[key] == value, key
    clone = type(opt).from_config(config)
    assert clone.get_config() == config
    assert type(keras.optimizers.deserialize(keras.optimizers.serialize(opt))) is type(opt)


@pytest.mark.parametrize("sched", META["schedules"], ids=[s["id"] for s in META["schedules"]])
def test_schedule_values_match_keras(sched):
    schedule = getattr(keras.optimizers.schedules, sched["class"])(**sched["kwargs"])
    got = [float(schedule(s)) for s in META["schedule_steps"]]
    np.testing.assert_allclose(got, A[f"schedule/{sched['id']}"], rtol=1e-5, atol=1e-7)
    clone = type(schedule).from_config(schedule.get_config())
    assert float(clone(5)) == float(schedule(5))
    assert {k: schedule.get_config()[k] for k in sched["config"]} == sched["config"]


def test_fit_with_gradient_accumulation_and_ema_matches_keras():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.set_weights([A["w0"], A["b0"]])
    model.compile(optimizer=keras.optimizers.Adam(0.05, gradient_accumulation_steps=2, use_ema=True,
                                                  ema_momentum=0.7), loss="mse")
    model.fit(A["fit/x"], A["fit/y"], batch_size=2, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(model.get_weights()[0], A["fit/kernel"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.get_weights()[1], A["fit/bias"], rtol=1e-5, atol=1e-6)


def test_bad_optimizer_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        keras.optimizers.Adam(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="clipnorm"):
        keras.optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        keras.optimizers.AdamW(weight_decay=None)
