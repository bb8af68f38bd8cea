"""TF1's FtrlOptimizer (ApplyFtrlV2), "Follow the regularized leader":

    accum_new = accum + g**2
    linear += g - (accum_new**-p - accum**-p) / lr * var          (p = learning_rate_power)
    quadratic = accum_new**-p / lr + 2 * l2
    var = (sign(linear) * l1 - linear) / quadratic  where |linear| > l1, else 0
    accum = accum_new

With l2_shrinkage_regularization_strength, the gradient in `linear` gets + 2 * shrinkage * var.
"""
from __future__ import annotations

from ..ops import api as gf
from .optimizer import Optimizer


class FtrlOptimizer(Optimizer):
    """FTRL-Proximal. Defaults: learning_rate_power=-0.5, initial_accumulator_value=0.1, no regularisation."""

    def __init__(self, learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0, use_locking: bool = False,
                 name: str = "Ftrl", accum_name=None, linear_name=None, l2_shrinkage_regularization_strength=0.0,
                 beta=None):
        if initial_accumulator_value < 0.0:
            raise ValueError(f"initial_accumulator_value {initial_accumulator_value} needs to be >= 0.0")
        if learning_rate_power > 0.0:
            raise ValueError(f"learning_rate_power {learning_rate_power} needs to be <= 0.0")
        if min(l1_regularization_strength, l2_regularization_strength, l2_shrinkage_regularization_strength) < 0:
            raise ValueError("the regularization strengths need to be >= 0.0")
        super().__init__(use_locking, name)
        self._learning_rate, self._power = learning_rate, float(learning_rate_power)
        self._initial = float(initial_accumulator_value)
        self._l1, self._l2 = float(l1_regularization_strength), float(l2_regularization_strength)
        self._shrinkage = float(l2_shrinkage_regularization_strength)
        self._beta = 0.0 if beta is None else float(beta)

    def _create_slots(self, var_list):
        for v in var_list:
            self._filled_slot(v, "accum", self._initial)
            self._zeros_slot(v, "linear")

    def _apply_dense(self, grad, var):
        lr = self._lr(self._learning_rate, var)
        accum, linear = self.get_slot(var, "accum"), self.get_slot(var, "linear")
        power = self._power
        accum_new = gf.add(accum, gf.square(grad))
        sigma = gf.realdiv(gf.subtract(gf.pow(accum_new, -power), gf.pow(accum, -power)), lr)
        shrunk = grad if not self._shrinkage else gf.add(grad, gf.multiply(var, 2.0 * self._shrinkage))
        linear_t = linear.assign_add(gf.subtract(shrunk, gf.multiply(sigma, var)))
        l2 = self._l2 + self._beta / (2.0 * lr) if isinstance(lr, float) else gf.add(self._l2, gf.realdiv(
            self._beta, gf.multiply(lr, 2.0)))
        quadratic = gf.add(gf.realdiv(gf.pow(accum_new, -power), lr), gf.multiply(l2, 2.0))
        shrink = gf.subtract(gf.multiply(gf.sign(linear_t), self._l1), linear_t)
        var_value = gf.where(gf.greater(gf.abs(linear_t), self._l1), gf.realdiv(shrink, quadratic),
                             gf.zeros_like(linear_t))
        with gf.control_dependencies([var_value]):
            accum_t = accum.assign(accum_new)
        with gf.control_dependencies([accum_t]):
            return var.assign(var_value)
