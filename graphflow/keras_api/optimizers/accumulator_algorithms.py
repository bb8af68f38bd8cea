"""Per-coordinate accumulator methods: Adadelta (no tuned step size) and FTRL-Proximal (sparse
linear models, with L1/L2 regularisation), with Keras 3's update rules (IndexedSlices gradients
follow Keras-on-TensorFlow's rules through `slice_math`)."""
from __future__ import annotations

from ...ops import api
from . import slice_math as ops
from .base import Optimizer


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012): steps scaled by RMS(past steps) / RMS(gradients).
    Defaults: learning_rate 0.001, rho 0.95, epsilon 1e-7."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name="adadelta", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho, self.epsilon = float(rho), float(epsilon)

    def build_slots(self, var):
        return {"grad": self.add_variable_from_reference(var, "accumulated_grad"),
                "delta": self.add_variable_from_reference(var, "accumulated_delta_var")}

    def update_step(self, grad, var, slots, lr, context):
        acc_grad, acc_delta = slots["grad"], slots["delta"]
        lr, rho = api.cast(lr, var.dtype), self.rho

        def rms(x):
            return api.sqrt(api.add(x, self.epsilon))
        acc_grad_new = ops.add(api.multiply(acc_grad, rho), ops.multiply(ops.square(grad), 1.0 - rho))
        acc_grad.assign(acc_grad_new)
        delta = ops.negative(ops.divide_rows(ops.scale_rows(grad, rms(ops.rows(acc_delta, grad))),
                                             rms(ops.rows(acc_grad_new, grad))))
        acc_delta.assign(ops.add(api.multiply(acc_delta, rho), ops.multiply(ops.square(delta), 1.0 - rho)))
        ops.assign_add(var, ops.multiply(lr, delta))

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class Ftrl(Optimizer):
    """Follow-the-regularized-leader, FTRL-Proximal (McMahan et al., 2013).

    Args: learning_rate (0.001), learning_rate_power (-0.5), initial_accumulator_value (0.1),
    l1_regularization_strength, l2_regularization_strength, l2_shrinkage_regularization_strength,
    beta (0.0).
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, name="ftrl", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        checks = {"initial_accumulator_value": initial_accumulator_value, "learning_rate_power": -learning_rate_power,
                  "l1_regularization_strength": l1_regularization_strength,
                  "l2_regularization_strength": l2_regularization_strength,
                  "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength}
        for key, value in checks.items():
            if value < 0:
                raise ValueError(f"Ftrl: {key} must be {'<= 0' if key == 'learning_rate_power' else '>= 0'}, "
                                 f"got {-value if key == 'learning_rate_power' else value}")
        self.learning_rate_power = float(learning_rate_power)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.l1_regularization_strength = float(l1_regularization_strength)
        self.l2_regularization_strength = float(l2_regularization_strength)
        self.l2_shrinkage_regularization_strength = float(l2_shrinkage_regularization_strength)
        self.beta = float(beta)

    def build_slots(self, var):
        return {"accum": self.add_variable_from_reference(var, "accumulator", self.initial_accumulator_value),
                "linear": self.add_variable_from_reference(var, "linear")}

    def update_step(self, grad, var, slots, lr, context):
        accum, linear = slots["accum"], slots["linear"]
        lr = api.cast(lr, var.dtype)
        power = -self.learning_rate_power
        l2 = api.add(self.l2_regularization_strength, api.divide(self.beta, api.multiply(lr, 2.0)))
        shrunk_grad = ops.add(grad, api.multiply(var, 2 * self.l2_shrinkage_regularization_strength))
        accum_new = ops.add(accum, ops.square(grad))
        sigma = api.divide(api.subtract(api.pow(accum_new, power), api.pow(accum, power)), lr)
        linear_new = api.add(linear, api.subtract(shrunk_grad, api.multiply(sigma, var)))
        linear.assign(linear_new)
        quadratic = api.add(api.divide(api.pow(accum_new, power), lr), api.multiply(l2, 2.0))
        l1 = self.l1_regularization_strength
        clipped = api.clip_by_value(linear_new, -l1, l1)
        var.assign(api.divide(api.subtract(clipped, linear_new), quadratic))
        accum.assign(accum_new)

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
