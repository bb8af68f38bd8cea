"""TF1's AdamOptimizer, with the bias correction folded into the step size as TF1 does:

    lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
    m += (g - m) * (1 - beta1);  v += (g*g - v) * (1 - beta2)
    var -= lr_t * m / (sqrt(v) + epsilon)

beta1^t and beta2^t live in two non-slot variables per graph, multiplied after each step.
"""
from __future__ import annotations

from ..ops import api as gf
from .optimizer import Optimizer


class AdamOptimizer(Optimizer):
    """Adam. Defaults: learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8 (TF1's)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, use_locking: bool = False,
                 name: str = "Adam"):
        super().__init__(use_locking, name)
        self._learning_rate, self._beta1, self._beta2, self._epsilon = learning_rate, beta1, beta2, epsilon

    def _create_slots(self, var_list):
        first = min(var_list, key=lambda v: v.name)
        self._non_slot("beta1_power", float(self._beta1), first)
        self._non_slot("beta2_power", float(self._beta2), first)
        for v in var_list:
            self._zeros_slot(v, "m")
            self._zeros_slot(v, "v")

    def _powers(self, var):
        return self._non_slots[("beta1_power", id(var.graph))], self._non_slots[("beta2_power", id(var.graph))]

    def _apply_dense(self, grad, var):
        b1p, b2p = self._powers(var)
        lr = self._lr(self._learning_rate, var)
        b1, b2, eps = (self._lr(h, var) for h in (self._beta1, self._beta2, self._epsilon))
        b1p_t, b2p_t = gf.cast(b1p, var.dtype), gf.cast(b2p, var.dtype)
        lr_t = gf.multiply(lr, gf.realdiv(gf.sqrt(gf.subtract(1.0, b2p_t)), gf.subtract(1.0, b1p_t)))
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_t = m.assign_add(gf.multiply(gf.subtract(grad, m), _one_minus(b1)))
        v_t = v.assign_add(gf.multiply(gf.subtract(gf.square(grad), v), _one_minus(b2)))
        return var.assign_sub(gf.realdiv(gf.multiply(m_t, lr_t), gf.add(gf.sqrt(v_t), eps)))

    def _finish(self, update_ops, var_list):
        first = min(var_list, key=lambda v: v.name)
        b1p, b2p = self._powers(first)
        with gf.control_dependencies(update_ops):
            b1_t = b1p.assign(gf.multiply(b1p, float(self._beta1)))
            b2_t = b2p.assign(gf.multiply(b2p, float(self._beta2)))
        return list(update_ops) + [b1_t, b2_t]


def _one_minus(h):
    return 1.0 - h if isinstance(h, float) else gf.subtract(1.0, h)
