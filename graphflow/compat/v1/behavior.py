"""The switches TF1 programs flip first: v2 behaviour (eager execution, tensor equality) off or on.

With tensor equality disabled, `==` on eager tensors compares identity and tensors are hashable,
as in TF1 (graph tensors built outside gf.function already compare by identity).
"""
from __future__ import annotations

from ... import context
from ...eager.tensor import EagerTensor

_ELEMENTWISE = (EagerTensor.__eq__, EagerTensor.__ne__, EagerTensor.__hash__)


def _identity_eq(self, other):
    return self is other


def _identity_ne(self, other):
    return self is not other


def _identity_hash(self):
    return id(self)


def disable_tensor_equality():
    """`t1 == t2` is `t1 is t2` and tensors can be dict keys (TF1)."""
    EagerTensor.__eq__, EagerTensor.__ne__, EagerTensor.__hash__ = _identity_eq, _identity_ne, _identity_hash


def enable_tensor_equality():
    """`t1 == t2` compares elementwise and tensors are unhashable (TF2)."""
    EagerTensor.__eq__, EagerTensor.__ne__, EagerTensor.__hash__ = _ELEMENTWISE


def tensor_equality_enabled() -> bool:
    return EagerTensor.__eq__ is _ELEMENTWISE[0]


def disable_v2_behavior():
    """Run as TF1: build graphs to run in a Session, tensors compared by identity."""
    context.disable_eager_execution()
    disable_tensor_equality()


def enable_v2_behavior():
    """Run as TF2: eager execution, elementwise tensor equality."""
    context.enable_eager_execution()
    enable_tensor_equality()
