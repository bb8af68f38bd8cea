"""TF1's AdadeltaOptimizer (ApplyAdadelta):

    accum = rho * accum + (1 - rho) * g**2
    update = sqrt(accum_update + eps) / sqrt(accum + eps) * g
    accum_update = rho * accum_update + (1 - rho) * update**2
    var -= lr * update
"""
from __future__ import annotations

from ..ops import api as gf
from .optimizer import Optimizer


class AdadeltaOptimizer(Optimizer):
    """Adadelta. Defaults (TF1's): learning_rate=0.001, rho=0.95, epsilon=1e-8."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-8, use_locking: bool = False,
                 name: str = "Adadelta"):
        super().__init__(use_locking, name)
        self._learning_rate, self._rho, self._epsilon = learning_rate, rho, epsilon

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "accum")
            self._zeros_slot(v, "accum_update")

    def _apply_dense(self, grad, var):
        lr, rho, eps = (self._lr(h, var) for h in (self._learning_rate, self._rho, self._epsilon))
        one_minus_rho = 1.0 - rho if isinstance(rho, float) else gf.subtract(1.0, rho)
        accum, accum_update = self.get_slot(var, "accum"), self.get_slot(var, "accum_update")
        accum_t = accum.assign(gf.add(gf.multiply(accum, rho), gf.multiply(gf.square(grad), one_minus_rho)))
        update = gf.multiply(gf.realdiv(gf.sqrt(gf.add(accum_update, eps)), gf.sqrt(gf.add(accum_t, eps))), grad)
        with gf.control_dependencies([update]):
            accum_update_t = accum_update.assign(gf.add(gf.multiply(accum_update, rho),
                                                        gf.multiply(gf.square(update), one_minus_rho)))
        with gf.control_dependencies([accum_update_t]):
            return var.assign_sub(gf.multiply(update, lr))
