"""The update rules, written as Keras 3 writes them (same order of floating-point operations).

The gradient may be IndexedSlices (an embedding's): `slice_math` (as `ops`) applies Keras-on-
TensorFlow's rules to it, so duplicate ids give TensorFlow's numbers.
"""
from __future__ import annotations

from ...ops import api
from . import slice_math as ops
from .base import Optimizer


class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum.

    `m = momentum * m - lr * g; var += m` (Nesterov: `var += momentum * m - lr * g`).
    Defaults: learning_rate 0.01, momentum 0.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"SGD: momentum must be in [0, 1], got {momentum}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def build_slots(self, var):
        return {"m": self.add_variable_from_reference(var, "momentum")} if self.momentum else {}

    def update_step(self, grad, var, slots, lr, context):
        step = ops.multiply(grad, lr)
        if not self.momentum:
            ops.assign_sub(var, step)
            return
        m = slots["m"]
        m_new = ops.subtract(api.multiply(m, self.momentum), step)
        m.assign(m_new)
        if self.nesterov:
            ops.assign_add(var, ops.subtract(api.multiply(m_new, self.momentum), step))
        else:
            ops.assign_add(var, m_new)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam, in Keras's form: `alpha = lr * sqrt(1 - b2**t) / (1 - b1**t)`,
    `m += (g - m)(1 - b1)`, `v += (g**2 - v)(1 - b2)`, `var -= alpha m / (sqrt(v) + epsilon)`.
    Defaults: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, name="adam",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = float(beta_1), float(beta_2), float(epsilon), amsgrad

    def build_slots(self, var):
        slots = {"m": self.add_variable_from_reference(var, "momentum"),
                 "v": self.add_variable_from_reference(var, "velocity")}
        if self.amsgrad:
            slots["vhat"] = self.add_variable_from_reference(var, "velocity_hat")
        return slots

    def prepare_step(self, lr, t):
        b1_power = api.pow(self.beta_1, t)
        b2_power = api.pow(self.beta_2, t)
        return api.divide(api.multiply(lr, api.sqrt(api.subtract(1.0, b2_power))), api.subtract(1.0, b1_power))

    def update_step(self, grad, var, slots, lr, alpha):
        m, v = slots["m"], slots["v"]
        m_new = api.add(m, api.multiply(ops.subtract(grad, m), 1.0 - self.beta_1))
        v_new = api.add(v, api.multiply(ops.subtract(ops.square(grad), v), 1.0 - self.beta_2))
        m.assign(m_new)
        v.assign(v_new)
        if self.amsgrad:
            v_new = api.maximum(slots["vhat"], v_new)
            slots["vhat"].assign(v_new)
        var.assign_sub(api.divide(api.multiply(m_new, alpha), api.add(api.sqrt(v_new), self.epsilon)))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


class RMSprop(Optimizer):
    """`v = rho v + (1 - rho) g**2; var -= lr g / sqrt(v + epsilon)` (centered: minus the squared
    mean gradient; momentum: accumulated increments). Defaults: lr 0.001, rho 0.9, epsilon 1e-7."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, name="rmsprop",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = float(rho), float(momentum), float(epsilon), centered

    def build_slots(self, var):
        slots = {"v": self.add_variable_from_reference(var, "velocity")}
        if self.momentum:
            slots["m"] = self.add_variable_from_reference(var, "momentum")
        if self.centered:
            slots["mg"] = self.add_variable_from_reference(var, "average_gradient")
        return slots

    def update_step(self, grad, var, slots, lr, context):
        v = slots["v"]
        v_new = ops.add(api.multiply(v, self.rho), ops.multiply(ops.square(grad), 1.0 - self.rho))
        v.assign(v_new)
        if self.centered:
            mg = slots["mg"]
            mg_new = ops.add(api.multiply(mg, self.rho), ops.multiply(grad, 1.0 - self.rho))
            mg.assign(mg_new)
            denominator = api.add(api.subtract(ops.rows(v_new, grad), api.square(ops.rows(mg_new, grad))),
                                  self.epsilon)
        else:
            denominator = api.add(ops.rows(v_new, grad), self.epsilon)
        increment = ops.divide_rows(ops.multiply(lr, grad), api.sqrt(denominator))
        if self.momentum:
            m = slots["m"]
            m_new = ops.add(api.multiply(m, self.momentum), increment)
            m.assign(m_new)
            var.assign_sub(m_new)
        else:
            ops.assign_sub(var, increment)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}


class Adagrad(Optimizer):
    """`acc += g**2; var -= lr g / sqrt(acc + epsilon)`. Defaults: lr 0.001, initial accumulator 0.1."""

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, name="adagrad", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.initial_accumulator_value, self.epsilon = float(initial_accumulator_value), float(epsilon)

    def build_slots(self, var):
        return {"acc": self.add_variable_from_reference(var, "accumulator", self.initial_accumulator_value)}

    def update_step(self, grad, var, slots, lr, context):
        acc_new = ops.assign_add(slots["acc"], ops.square(grad))
        denominator = api.sqrt(api.add(ops.rows(acc_new, grad), self.epsilon))
        ops.assign_sub(var, ops.divide_rows(ops.multiply(lr, grad), denominator))

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
