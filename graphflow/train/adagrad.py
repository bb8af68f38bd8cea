"""TF1's AdagradOptimizer (ApplyAdagrad): accum += g**2; var -= lr * g / sqrt(accum).

The accumulator (slot "accumulator") starts at initial_accumulator_value, which keeps the first
step finite; TF1's kernel adds no epsilon.
"""
from __future__ import annotations

from ..ops import api as gf
from .optimizer import Optimizer


class AdagradOptimizer(Optimizer):
    """Adagrad. Defaults: initial_accumulator_value=0.1."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking: bool = False,
                 name: str = "Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: {initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._learning_rate, self._initial = learning_rate, float(initial_accumulator_value)

    def _create_slots(self, var_list):
        for v in var_list:
            self._filled_slot(v, "accumulator", self._initial)

    def _apply_dense(self, grad, var):
        lr = self._lr(self._learning_rate, var)
        accum = self.get_slot(var, "accumulator")
        accum_t = accum.assign_add(gf.square(grad))
        return var.assign_sub(gf.realdiv(gf.multiply(grad, lr), gf.sqrt(accum_t)))
