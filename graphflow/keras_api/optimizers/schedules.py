"""Learning-rate schedules: functions of the optimizer's step counter, evaluated inside the
train step, so a compiled step sees the new rate without retracing."""
from __future__ import annotations

import math

from ... import dtypes
from ...ops import api
from ..serialization import class_registry, deserialize_object


class LearningRateSchedule:
    """Base class: `schedule(step)` -> learning rate (a float32 tensor)."""

    def __call__(self, step):
        raise NotImplementedError

    def get_config(self) -> dict:
        raise NotImplementedError

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _step(step):
    return api.cast(api.convert_to_tensor(step), dtypes.float32)


class ExponentialDecay(LearningRateSchedule):
    """initial_learning_rate * decay_rate ** (step / decay_steps) (floored if staircase)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        if decay_steps <= 0:
            raise ValueError(f"ExponentialDecay: decay_steps must be positive, got {decay_steps}")
        self.initial_learning_rate, self.decay_steps = float(initial_learning_rate), decay_steps
        self.decay_rate, self.staircase, self.name = float(decay_rate), staircase, name

    def __call__(self, step):
        p = api.divide(_step(step), float(self.decay_steps))
        if self.staircase:
            p = api.floor(p)
        return api.multiply(api.pow(api.constant(self.decay_rate), p), self.initial_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """initial_learning_rate / (1 + decay_rate * step / decay_steps)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        self.initial_learning_rate, self.decay_steps = float(initial_learning_rate), decay_steps
        self.decay_rate, self.staircase, self.name = float(decay_rate), staircase, name

    def __call__(self, step):
        p = api.divide(_step(step), float(self.decay_steps))
        if self.staircase:
            p = api.floor(p)
        return api.divide(self.initial_learning_rate, api.add(api.multiply(p, self.decay_rate), 1.0))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine from initial_learning_rate down to alpha * initial over decay_steps (no warmup)."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", **kwargs):
        self.initial_learning_rate, self.decay_steps = float(initial_learning_rate), decay_steps
        self.alpha, self.name = float(alpha), name

    def __call__(self, step):
        p = api.divide(api.minimum(_step(step), float(self.decay_steps)), float(self.decay_steps))
        cosine = api.multiply(api.add(api.cos(api.multiply(p, math.pi)), 1.0), 0.5)
        decayed = api.add(api.multiply(cosine, 1.0 - self.alpha), self.alpha)
        return api.multiply(decayed, self.initial_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[i] while boundaries[i-1] < step <= boundaries[i]."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(values) != len(boundaries) + 1:
            raise ValueError("PiecewiseConstantDecay: values must have one more entry than boundaries")
        self.boundaries, self.values, self.name = list(boundaries), [float(v) for v in values], name

    def __call__(self, step):
        s = _step(step)
        out = api.constant(self.values[-1])
        for b, v in reversed(list(zip(self.boundaries, self.values[:-1]))):
            out = api.where(api.less_equal(s, float(b)), api.constant(v), out)
        return out

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


_CLASSES = class_registry(LearningRateSchedule, globals())


def serialize(schedule):
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config, custom_objects=None):
    return deserialize_object(config, _CLASSES, "learning rate schedule", custom_objects)
