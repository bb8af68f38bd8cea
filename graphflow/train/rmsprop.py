"""TF1's RMSPropOptimizer (ApplyRMSProp / ApplyCenteredRMSProp):

    ms = decay * ms + (1 - decay) * g**2                   (slot "rms", starts at ones)
    mg = decay * mg + (1 - decay) * g                      (slot "mg", centered only)
    mom = momentum * mom + lr * g / sqrt(ms - mg**2 + eps) (slot "momentum"; no mg**2 unless centered)
    var -= mom
"""
from __future__ import annotations

from ..ops import api as gf
from .optimizer import Optimizer


class RMSPropOptimizer(Optimizer):
    """RMSProp. Defaults (TF1's): decay=0.9, momentum=0.0, epsilon=1e-10, centered=False."""

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking: bool = False,
                 centered: bool = False, name: str = "RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate, self._decay, self._momentum = learning_rate, decay, momentum
        self._epsilon, self._centered = epsilon, centered

    def _create_slots(self, var_list):
        for v in var_list:          # creation order gives TF's slot names: RMSProp, RMSProp_1, RMSProp_2
            self._filled_slot(v, "rms", 1.0)
            if self._centered:
                self._zeros_slot(v, "mg")
            self._zeros_slot(v, "momentum")

    def _apply_dense(self, grad, var):
        lr, rho, mu, eps = (self._lr(h, var) for h in (self._learning_rate, self._decay, self._momentum,
                                                        self._epsilon))
        ms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        ms_t = ms.assign(gf.add(gf.multiply(ms, rho), gf.multiply(gf.square(grad), _one_minus(rho))))
        denominator = ms_t
        if self._centered:
            mg = self.get_slot(var, "mg")
            mg_t = mg.assign(gf.add(gf.multiply(mg, rho), gf.multiply(grad, _one_minus(rho))))
            denominator = gf.subtract(ms_t, gf.square(mg_t))
        step = gf.realdiv(gf.multiply(grad, lr), gf.sqrt(gf.add(denominator, eps)))
        mom_t = mom.assign(gf.add(gf.multiply(mom, mu), step))
        return var.assign_sub(mom_t)


def _one_minus(h):
    return 1.0 - h if isinstance(h, float) else gf.subtract(1.0, h)
