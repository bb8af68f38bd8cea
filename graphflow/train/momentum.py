"""TF1's MomentumOptimizer: accum = momentum * accum + grad; var -= lr * accum (or Nesterov)."""
from __future__ import annotations

from ..ops import api as gf
from .optimizer import Optimizer


class MomentumOptimizer(Optimizer):
    """SGD with momentum. With use_nesterov: var -= lr * (grad + momentum * accum)."""

    def __init__(self, learning_rate, momentum, use_locking: bool = False, name: str = "Momentum",
                 use_nesterov: bool = False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum")

    def _apply_dense(self, grad, var):
        lr, mu = self._lr(self._learning_rate, var), self._lr(self._momentum, var)
        accum = self.get_slot(var, "momentum")
        accum_t = accum.assign(gf.add(gf.multiply(accum, mu), grad))
        if self._use_nesterov:
            step = gf.add(gf.multiply(grad, lr), gf.multiply(gf.multiply(accum_t, mu), lr))
        else:
            step = gf.multiply(accum_t, lr)
        return var.assign_sub(step)
