"""gf.keras.optimizers: SGD, Adam, AdamW, Nadam, Adamax, RMSprop, Adagrad, Adadelta, Ftrl, Lion and
learning-rate schedules."""
from __future__ import annotations

from ..serialization import deserialize_object
from . import schedules
from .accumulator_algorithms import Adadelta, Ftrl
from .adam_variants import Adamax, AdamW, Lion, Nadam
from .algorithms import SGD, Adagrad, Adam, RMSprop
from .base import Optimizer

_CLASSES = {"SGD": SGD, "Adam": Adam, "RMSprop": RMSprop, "Adagrad": Adagrad, "AdamW": AdamW, "Nadam": Nadam,
            "Adamax": Adamax, "Adadelta": Adadelta, "Ftrl": Ftrl, "Lion": Lion}
_ALIASES = {name.lower(): cls for name, cls in _CLASSES.items()}


def get(identifier) -> Optimizer:
    """An optimizer from a name ('adam'), a config dict or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _ALIASES.get(identifier.lower()) or _CLASSES.get(identifier)
        if cls is None:
            raise ValueError(f"Unknown optimizer {identifier!r}; known: {sorted(_ALIASES)}")
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")


def serialize(optimizer: Optimizer) -> dict:
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None) -> Optimizer:
    cls_name = config.get("class_name") if isinstance(config, dict) else None
    cls = _CLASSES.get(cls_name) or _ALIASES.get(str(cls_name).lower())
    if cls is not None:
        return cls.from_config(dict(config.get("config", {})), custom_objects)
    return deserialize_object(config, _CLASSES, "optimizer", custom_objects)


__all__ = ["SGD", "Adam", "RMSprop", "Adagrad", "AdamW", "Nadam", "Adamax", "Adadelta", "Ftrl", "Lion", "Optimizer",
           "schedules", "get", "serialize", "deserialize"]
