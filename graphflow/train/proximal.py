"""TF1's proximal optimizers (ApplyProximalGradientDescent / ApplyProximalAdagrad): a gradient step
followed by the proximal map of l1 and l2 regularisation,

    prox = var - lr_t * g
    var = sign(prox) * max(|prox| - lr_t * l1, 0) / (1 + lr_t * l2)

with lr_t = lr (gradient descent) or lr / sqrt(accum), accum += g**2 (Adagrad, starting at 0.1).
"""
from __future__ import annotations

from ..ops import api as gf
from .optimizer import Optimizer


def _proximal_step(var, grad, lr_t, l1, l2):
    prox = gf.subtract(var, gf.multiply(grad, lr_t))
    if l1 > 0:
        shrunk = gf.maximum(gf.subtract(gf.abs(prox), gf.multiply(lr_t, l1)), 0.0)
        prox = gf.multiply(gf.sign(prox), shrunk)
    return var.assign(gf.realdiv(prox, gf.add(gf.multiply(lr_t, l2), 1.0)))


class ProximalGradientDescentOptimizer(Optimizer):
    """Gradient descent with the l1/l2 proximal map."""

    def __init__(self, learning_rate, l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking: bool = False, name: str = "ProximalGradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._l1, self._l2 = float(l1_regularization_strength), float(l2_regularization_strength)

    def _apply_dense(self, grad, var):
        return _proximal_step(var, grad, self._lr(self._learning_rate, var), self._l1, self._l2)


class ProximalAdagradOptimizer(Optimizer):
    """Adagrad with the l1/l2 proximal map; the accumulator starts at initial_accumulator_value."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, use_locking: bool = False, name: str = "ProximalAdagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: {initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._learning_rate, self._initial = learning_rate, float(initial_accumulator_value)
        self._l1, self._l2 = float(l1_regularization_strength), float(l2_regularization_strength)

    def _create_slots(self, var_list):
        for v in var_list:
            self._filled_slot(v, "accumulator", self._initial)

    def _apply_dense(self, grad, var):
        accum = self.get_slot(var, "accumulator")
        accum_t = accum.assign_add(gf.square(grad))
        lr_t = gf.realdiv(self._lr(self._learning_rate, var), gf.sqrt(accum_t))
        return _proximal_step(var, grad, lr_t, self._l1, self._l2)
