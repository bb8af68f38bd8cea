"""gf.autodiff.ForwardAccumulator: forward-mode derivatives (Jacobian-vector products).

graphflow has one differentiation engine, reverse mode, so a jvp is two reverse passes: the
accumulator records like a persistent GradientTape; `jvp(y)` takes the vector-Jacobian product
g(u) = J^T u for a stand-in cotangent u while an outer tape records that backward pass, and since
g is linear in u, the gradient of <g(u), tangents> with respect to u is J @ tangents.
"""
from __future__ import annotations

from ..nest import flatten, pack_as
from ..variables import is_variable
from .tape import GradientTape


def _ops():
    from .. import autodiff  # the op namespace, imported late as eager.tape does
    return autodiff


class ForwardAccumulator:
    """Computes Jacobian-vector products of what runs inside its block, with respect to `primals`.

    Args:
      primals: a tensor or variable, or a nested structure of them, to differentiate with respect to.
      tangents: the direction, with the structure, shapes and dtypes of `primals`.
    Raises:
      ValueError: when tangents do not match primals in structure or shape.
    """

    def __init__(self, primals, tangents):
        self._tape = GradientTape(persistent=True, watch_accessed_variables=False)
        self._primals: list = []
        self._tangents: list = []
        self._recording = False
        self.watch(primals, tangents)

    def __enter__(self):
        self._tape.__enter__()
        self._recording = True
        return self

    def __exit__(self, *exc):
        self._recording = False
        return self._tape.__exit__(*exc)

    def watch(self, primals, tangents):
        """Also differentiate with respect to `primals`, in the direction `tangents`."""
        gf = _ops().gf
        flat_p, flat_t = flatten(primals), flatten(tangents)
        if len(flat_p) != len(flat_t):
            raise ValueError(f"ForwardAccumulator: {len(flat_t)} tangents for {len(flat_p)} primals")
        for p, t in zip(flat_p, flat_t):
            t = gf.convert_to_tensor(t, dtype_hint=p.dtype)
            if not p.dtype.is_floating and not p.dtype.is_complex:
                raise ValueError(f"ForwardAccumulator: primals must be floating point, got {p.dtype.name}")
            if t.dtype is not p.dtype or not p.shape.is_compatible_with(t.shape):
                raise ValueError(f"ForwardAccumulator: tangent {t.dtype.name}{t.shape} does not match primal "
                                 f"{p.dtype.name}{p.shape}")
            self._tape.watch(p)
            self._primals.append(p)
            self._tangents.append(t)

    def jvp(self, primals, unconnected_gradients="none"):
        """The Jacobian-vector product of each tensor of `primals` (computed inside the block)
        with the tangents; None where it does not depend on the watched primals (zeros with 'zero')."""
        autodiff = _ops()
        mode = autodiff.unconnected_mode(unconnected_gradients)
        return pack_as(primals, [self._jvp(t, mode) for t in flatten(primals)])

    def _jvp(self, target, mode):
        autodiff = _ops()
        gf = autodiff.gf
        for p, t in zip(self._primals, self._tangents):
            if p is target:
                return t
        if is_variable(target):
            target = gf.convert_to_tensor(target)
        u = gf.zeros_like(target)
        with GradientTape() as outer:
            outer.watch(u)
            [vjps] = self._tape._gradients_for_seeds([target], self._primals, [u], autodiff.UnconnectedGradients.NONE)
            terms = [gf.reduce_sum(gf.convert_to_tensor(g) * t) for g, t in zip(vjps, self._tangents) if g is not None]
            total = gf.add_n(terms) if terms else None
        result = None if total is None else outer.gradient(total, u)
        if result is None and mode is autodiff.UnconnectedGradients.ZERO:
            result = gf.zeros_like(target)
        return result
