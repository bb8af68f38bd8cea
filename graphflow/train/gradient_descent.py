"""TF1's GradientDescentOptimizer: var -= learning_rate * grad."""
from __future__ import annotations

from ..ops import api as gf
from .optimizer import Optimizer


class GradientDescentOptimizer(Optimizer):
    """Plain SGD. Args: learning_rate (float, tensor or callable), use_locking, name."""

    def __init__(self, learning_rate, use_locking: bool = False, name: str = "GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _apply_dense(self, grad, var):
        return var.assign_sub(gf.multiply(grad, self._lr(self._learning_rate, var)))
