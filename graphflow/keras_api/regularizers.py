"""Weight penalties added to the training loss: `Dense(kernel_regularizer=L2(1e-4))`."""
from __future__ import annotations

from ..ops import api
from .serialization import class_registry, deserialize_object


class Regularizer:
    def __call__(self, x):
        return api.constant(0.0)

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x**2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x):
        out = None
        if self.l1:
            out = api.multiply(api.reduce_sum(api.abs(x)), self.l1)
        if self.l2:
            term = api.multiply(api.reduce_sum(api.square(x)), self.l2)
            out = term if out is None else api.add(out, term)
        return out if out is not None else api.constant(0.0)

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2
_CLASSES = class_registry(Regularizer, globals())
_ALIASES = {"l1": L1, "l2": L2, "l1_l2": L1L2}


def get(identifier):
    if identifier is None or isinstance(identifier, Regularizer) or (
            callable(identifier) and not isinstance(identifier, (type, str, dict))):
        return identifier
    if isinstance(identifier, str) and identifier in _ALIASES:
        return _ALIASES[identifier]()
    return deserialize_object(identifier, _CLASSES, "regularizer")


def serialize(reg):
    from .serialization import serialize_object
    return serialize_object(reg)
