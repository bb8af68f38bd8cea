"""Adam's relatives: AdamW (decoupled weight decay), Nadam (Nesterov momentum), Adamax (the
infinity norm) and Lion (the sign of an interpolated momentum), with Keras 3's update rules
(IndexedSlices gradients follow Keras-on-TensorFlow's rules through `slice_math`)."""
from __future__ import annotations

import numpy as np

from ... import dtypes
from ...ops import api
from ...variables import Variable
from .. import backend
from . import slice_math as ops
from .algorithms import Adam
from .base import Optimizer


class AdamW(Adam):
    """Adam with decoupled weight decay (`var -= lr * weight_decay * var` before each update).
    Defaults: learning_rate 0.001, weight_decay 0.004, beta_1 0.9, beta_2 0.999, epsilon 1e-7."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="adamw", **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW: weight_decay must be a number; use Adam for no weight decay")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad,
                         name=name, weight_decay=weight_decay, **kwargs)


class Nadam(Optimizer):
    """Adam with Nesterov momentum and Dozat's momentum schedule
    `u_t = beta_1 * (1 - 0.5 * 0.96 ** t)`. Defaults: lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="nadam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        with backend.state_scope():
            self._u_product = Variable(np.float32(1.0), trainable=False, name=f"{self.name}/u_product",
                                       dtype=dtypes.float32)

    @property
    def variables(self) -> list:
        return super().variables + [self._u_product]

    def build_slots(self, var):
        return {"m": self.add_variable_from_reference(var, "momentum"),
                "v": self.add_variable_from_reference(var, "velocity")}

    def prepare_step(self, lr, t):
        """The momentum schedule's running product, advanced once per step (before the updates)."""
        u_product = api.convert_to_tensor(self._u_product)
        u_product_new = api.multiply(api.multiply(u_product, self.beta_1),
                                     api.subtract(1.0, api.multiply(api.pow(0.96, t), 0.5)))
        self._u_product.assign(u_product_new)
        return t, u_product_new

    def update_step(self, grad, var, slots, lr, context):
        t, u_product = context
        dtype = var.dtype
        t, u_product, lr = api.cast(t, dtype), api.cast(u_product, dtype), api.cast(lr, dtype)
        u_t = api.multiply(self.beta_1, api.subtract(1.0, api.multiply(api.pow(api.cast(0.96, dtype), t), 0.5)))
        u_t_1 = api.multiply(self.beta_1, api.subtract(1.0, api.multiply(
            api.pow(api.cast(0.96, dtype), api.add(t, 1.0)), 0.5)))
        u_product_next = api.multiply(u_product, u_t_1)
        m, v = slots["m"], slots["v"]
        m_new = api.add(m, api.multiply(ops.subtract(grad, m), 1.0 - self.beta_1))
        v_new = api.add(v, api.multiply(ops.subtract(ops.square(grad), v), 1.0 - self.beta_2))
        m.assign(m_new)
        v.assign(v_new)
        m_hat = ops.add(api.divide(api.multiply(u_t_1, m_new), api.subtract(1.0, u_product_next)),
                        ops.divide(ops.multiply(api.subtract(1.0, u_t), grad), api.subtract(1.0, u_product)))
        v_hat = api.divide(v_new, api.subtract(1.0, api.pow(api.cast(self.beta_2, dtype), t)))
        var.assign_sub(api.divide(api.multiply(m_hat, lr), api.add(api.sqrt(v_hat), self.epsilon)))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class Adamax(Optimizer):
    """Adam with the infinity norm: `u = max(beta_2 * u, |g|)`,
    `var -= lr * m / ((1 - beta_1**t) * (u + epsilon))`. Defaults as Adam."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="adamax", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)

    def build_slots(self, var):
        return {"m": self.add_variable_from_reference(var, "momentum"),
                "u": self.add_variable_from_reference(var, "norm")}

    def prepare_step(self, lr, t):
        return t

    def update_step(self, grad, var, slots, lr, t):
        m, u = slots["m"], slots["u"]
        lr, t = api.cast(lr, var.dtype), api.cast(t, var.dtype)
        m_new = api.add(m, api.multiply(ops.subtract(grad, m), 1.0 - self.beta_1))
        u_new = ops.maximum(api.multiply(u, self.beta_2), ops.absolute(grad))
        m.assign(m_new)
        u.assign(u_new)
        correction = api.subtract(1.0, api.pow(api.cast(self.beta_1, var.dtype), t))
        var.assign_sub(api.divide(api.multiply(lr, m_new), api.multiply(correction, api.add(u_new, self.epsilon))))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class Lion(Optimizer):
    """Lion (Chen et al., 2023): `var -= lr * sign(beta_1 * m + (1 - beta_1) * g)`, then
    `m = beta_2 * m + (1 - beta_2) * g`. Defaults: lr 0.001, beta_1 0.9, beta_2 0.99."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, name="lion", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError(f"Lion: beta_1 must be in (0, 1], got {beta_1}")
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)

    def build_slots(self, var):
        return {"m": self.add_variable_from_reference(var, "momentum")}

    def update_step(self, grad, var, slots, lr, context):
        m = slots["m"]
        lr = api.cast(lr, var.dtype)
        direction = api.sign(ops.add(api.multiply(m, self.beta_1), ops.multiply(grad, 1.0 - self.beta_1)))
        var.assign_sub(api.multiply(lr, direction))
        m.assign(ops.add(api.multiply(m, self.beta_2), ops.multiply(grad, 1.0 - self.beta_2)))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
