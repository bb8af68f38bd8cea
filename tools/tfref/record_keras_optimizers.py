"""Record three Keras 3 optimizer steps for tests/keras_api/optimizers/test_keras_optimizer_parity.py:
each optimizer config updates a (3, 2) kernel and a (2,) bias with fixed gradients; the values
after every step are written. Also schedule values at several steps, and one fit() of a tiny
model with gradient accumulation and EMA.

    /work/tfvenv/bin/python tools/tfref/record_keras_optimizers.py
"""
from __future__ import annotations

import numpy as np
from keras_record_io import import_keras, write

rng = np.random.default_rng(0)
F = np.float32
W0 = rng.standard_normal((3, 2)).astype(F)
B0 = rng.standard_normal((2,)).astype(F)
GRADS = [(rng.standard_normal((3, 2)).astype(F), rng.standard_normal((2,)).astype(F)) for _ in range(4)]

# (id, class, kwargs); the schedule entry ("schedule", class, kwargs) replaces learning_rate
CASES = [
    ("adamw", "AdamW", {"learning_rate": 0.1}),
    ("adamw_amsgrad", "AdamW", {"learning_rate": 0.05, "weight_decay": 0.1, "amsgrad": True}),
    ("nadam", "Nadam", {"learning_rate": 0.1}),
    ("adamax", "Adamax", {"learning_rate": 0.1}),
    ("adadelta", "Adadelta", {"learning_rate": 1.0}),
    ("ftrl", "Ftrl", {"learning_rate": 0.1}),
    ("ftrl_regularized", "Ftrl", {"learning_rate": 0.2, "l1_regularization_strength": 0.01,
                                  "l2_regularization_strength": 0.02, "l2_shrinkage_regularization_strength": 0.03,
                                  "beta": 0.5, "learning_rate_power": -0.7}),
    ("lion", "Lion", {"learning_rate": 0.1}),
    ("sgd_clipvalue", "SGD", {"learning_rate": 0.1, "clipvalue": 0.5}),
    ("adam_global_clipnorm", "Adam", {"learning_rate": 0.1, "global_clipnorm": 1.0}),
    ("sgd_clipnorm_momentum", "SGD", {"learning_rate": 0.1, "clipnorm": 0.8, "momentum": 0.9}),
    ("adam_ema", "Adam", {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.5}),
    ("sgd_ema_overwrite", "SGD", {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.8,
                                  "ema_overwrite_frequency": 2}),
    ("adam_accumulation", "Adam", {"learning_rate": 0.1, "gradient_accumulation_steps": 2}),
    ("rmsprop_weight_decay", "RMSprop", {"learning_rate": 0.01, "weight_decay": 0.1}),
    ("sgd_polynomial", "SGD", {"schedule": ("PolynomialDecay", {"initial_learning_rate": 0.5, "decay_steps": 3,
                                                                 "end_learning_rate": 0.1, "power": 2.0})}),
    ("sgd_cosine_restarts", "SGD", {"schedule": ("CosineDecayRestarts", {"initial_learning_rate": 0.5,
                                                                         "first_decay_steps": 2})}),
    ("sgd_inverse_time", "SGD", {"schedule": ("InverseTimeDecay", {"initial_learning_rate": 0.5, "decay_steps": 1,
                                                                    "decay_rate": 0.5})}),
]

SCHEDULES = [
    ("polynomial", "PolynomialDecay", {"initial_learning_rate": 1.0, "decay_steps": 4, "end_learning_rate": 0.1,
                                       "power": 0.5}),
    ("polynomial_cycle", "PolynomialDecay", {"initial_learning_rate": 1.0, "decay_steps": 3, "cycle": True}),
    ("cosine_restarts", "CosineDecayRestarts", {"initial_learning_rate": 1.0, "first_decay_steps": 3, "t_mul": 2.0,
                                                "m_mul": 0.5, "alpha": 0.1}),
    ("cosine_restarts_fixed_period", "CosineDecayRestarts", {"initial_learning_rate": 1.0, "first_decay_steps": 3,
                                                             "t_mul": 1.0}),
    ("inverse_time_staircase", "InverseTimeDecay", {"initial_learning_rate": 1.0, "decay_steps": 3,
                                                    "decay_rate": 0.5, "staircase": True}),
    ("cosine_warmup", "CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 6, "warmup_target": 1.0,
                                      "warmup_steps": 3, "alpha": 0.2}),
]
SCHEDULE_STEPS = [0, 1, 2, 3, 4, 5, 7, 10, 20]


def make(keras, cls, kwargs):
    kwargs = dict(kwargs)
    if "schedule" in kwargs:
        name, config = kwargs.pop("schedule")
        kwargs["learning_rate"] = getattr(keras.optimizers.schedules, name)(**config)
    return getattr(keras.optimizers, cls)(**kwargs)


def main():
    _, keras = import_keras()
    meta, arrays = {"cases": [], "schedules": [], "schedule_steps": SCHEDULE_STEPS}, {}
    for case_id, cls, kwargs in CASES:
        opt = make(keras, cls, kwargs)
        w, b = keras.Variable(W0), keras.Variable(B0)
        for i, (gw, gb) in enumerate(GRADS[:3]):
            opt.apply_gradients([(gw, w), (gb, b)])
            arrays[f"{case_id}/w_{i}"], arrays[f"{case_id}/b_{i}"] = w.numpy(), b.numpy()
        opt.finalize_variable_values([w, b])
        arrays[f"{case_id}/w_final"], arrays[f"{case_id}/b_final"] = w.numpy(), b.numpy()
        config = {k: v for k, v in opt.get_config().items() if not isinstance(v, dict)}
        meta["cases"].append({"id": case_id, "class": cls, "kwargs": kwargs, "config": config})
        print(f"{case_id:28s} {w.numpy().ravel()[:3]}")
    for sched_id, cls, kwargs in SCHEDULES:
        sched = getattr(keras.optimizers.schedules, cls)(**kwargs)
        arrays[f"schedule/{sched_id}"] = np.array([float(sched(s)) for s in SCHEDULE_STEPS], F)
        meta["schedules"].append({"id": sched_id, "class": cls, "kwargs": kwargs, "config": sched.get_config()})
        print(sched_id, arrays[f"schedule/{sched_id}"])
    arrays["w0"], arrays["b0"] = W0, B0
    for i, (gw, gb) in enumerate(GRADS):
        arrays[f"grad_w_{i}"], arrays[f"grad_b_{i}"] = gw, gb

    # fit with accumulation and EMA: the weights after 2 epochs of 4 batches
    x = rng.standard_normal((8, 3)).astype(F)
    y = rng.standard_normal((8, 2)).astype(F)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.set_weights([W0, B0])
    model.compile(optimizer=keras.optimizers.Adam(0.05, gradient_accumulation_steps=2, use_ema=True,
                                                  ema_momentum=0.7), loss="mse")
    model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0)
    arrays.update({"fit/x": x, "fit/y": y, "fit/kernel": model.get_weights()[0], "fit/bias": model.get_weights()[1]})
    write("optimizers", meta, arrays)


if __name__ == "__main__":
    main()
