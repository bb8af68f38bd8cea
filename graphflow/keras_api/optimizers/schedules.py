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


class _StepDecay(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: their config and the decay progress,
    step / decay_steps (floored if staircase)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase, name):
        self.initial_learning_rate, self.decay_steps = float(initial_learning_rate), decay_steps
        self.decay_rate, self.staircase, self.name = float(decay_rate), staircase, name

    def _progress(self, step):
        p = api.divide(_step(step), float(self.decay_steps))
        return api.floor(p) if self.staircase else p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_StepDecay):
    """initial_learning_rate * decay_rate ** (step / decay_steps) (floored if staircase)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        if decay_steps <= 0:
            raise ValueError(f"ExponentialDecay: decay_steps must be positive, got {decay_steps}")
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return api.multiply(api.pow(api.constant(self.decay_rate), self._progress(step)), self.initial_learning_rate)


class InverseTimeDecay(_StepDecay):
    """initial_learning_rate / (1 + decay_rate * step / decay_steps)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return api.divide(self.initial_learning_rate, api.add(api.multiply(self._progress(step), self.decay_rate),
                                                              1.0))


class CosineDecay(LearningRateSchedule):
    """Cosine from initial_learning_rate down to alpha * initial over decay_steps; with
    `warmup_target`, first a linear warmup from initial to warmup_target over warmup_steps,
    then the cosine from warmup_target."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        if decay_steps <= 0:
            raise ValueError(f"CosineDecay: decay_steps must be positive, got {decay_steps}")
        self.initial_learning_rate, self.decay_steps = float(initial_learning_rate), decay_steps
        self.alpha, self.name = float(alpha), name
        self.warmup_target = None if warmup_target is None else float(warmup_target)
        self.warmup_steps = warmup_steps

    def _cosine(self, step, start):
        p = api.divide(step, float(self.decay_steps))
        cosine = api.multiply(api.add(api.cos(api.multiply(p, math.pi)), 1.0), 0.5)
        return api.multiply(api.add(api.multiply(cosine, 1.0 - self.alpha), self.alpha), start)

    def __call__(self, step):
        s = _step(step)
        if self.warmup_target is None:
            return self._cosine(api.minimum(s, float(self.decay_steps)), self.initial_learning_rate)
        warmup = float(self.warmup_steps)
        s = api.minimum(s, float(self.decay_steps) + warmup)
        rising = api.add(api.multiply(api.divide(s, max(warmup, 1e-30)), self.warmup_target -
                                      self.initial_learning_rate), self.initial_learning_rate)
        return api.where(api.less(s, warmup), rising, self._cosine(api.subtract(s, warmup), self.warmup_target))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter): the i-th period lasts
    first_decay_steps * t_mul**i steps and starts from initial * m_mul**i.

    Args: initial_learning_rate, first_decay_steps, t_mul (2.0), m_mul (1.0), alpha (0.0).
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"):
        if first_decay_steps <= 0:
            raise ValueError(f"CosineDecayRestarts: first_decay_steps must be positive, got {first_decay_steps}")
        self.initial_learning_rate, self.first_decay_steps = float(initial_learning_rate), first_decay_steps
        self.t_mul, self.m_mul, self.alpha, self.name = float(t_mul), float(m_mul), float(alpha), name

    def __call__(self, step):
        fraction = api.divide(_step(step), float(self.first_decay_steps))
        if self.t_mul == 1.0:
            restart = api.floor(fraction)
            fraction = api.subtract(fraction, restart)
        else:     # periods grow geometrically: find the period, then the fraction within it
            restart = api.floor(api.divide(api.log(api.subtract(1.0, api.multiply(fraction, 1.0 - self.t_mul))),
                                           math.log(self.t_mul)))
            done = api.divide(api.subtract(1.0, api.pow(api.constant(self.t_mul), restart)), 1.0 - self.t_mul)
            fraction = api.divide(api.subtract(fraction, done), api.pow(api.constant(self.t_mul), restart))
        factor = api.pow(api.constant(self.m_mul), restart)
        cosine = api.multiply(api.multiply(factor, 0.5), api.add(api.cos(api.multiply(fraction, math.pi)), 1.0))
        return api.multiply(api.add(api.multiply(cosine, 1.0 - self.alpha), self.alpha), self.initial_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self.t_mul, "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """(initial - end) * (1 - step / decay_steps) ** power + end; with `cycle`, decay_steps grows
    to the next multiple past the step instead of the rate staying at end_learning_rate.

    Args: initial_learning_rate, decay_steps, end_learning_rate (0.0001), power (1.0), cycle (False).
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        if decay_steps <= 0:
            raise ValueError(f"PolynomialDecay: decay_steps must be positive, got {decay_steps}")
        self.initial_learning_rate, self.decay_steps = float(initial_learning_rate), decay_steps
        self.end_learning_rate, self.power, self.cycle, self.name = float(end_learning_rate), float(power), cycle, name

    def __call__(self, step):
        s = _step(step)
        steps = api.constant(float(self.decay_steps))
        if self.cycle:
            multiplier = api.where(api.equal(s, 0.0), api.constant(1.0), api.ceil(api.divide(s, steps)))
            steps = api.multiply(steps, multiplier)
        else:
            s = api.minimum(s, steps)
        p = api.divide(s, steps)
        span = self.initial_learning_rate - self.end_learning_rate
        return api.add(api.multiply(api.pow(api.subtract(1.0, p), self.power), span), self.end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


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
