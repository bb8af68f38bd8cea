"""TF1's learning-rate schedules of the global step.

In a graph each returns a tensor (it depends on the global step, so it changes as training
runs); when executing eagerly it returns a function of no arguments that computes the current
value, as TensorFlow does. All arithmetic is in the learning rate's dtype (float32 by default).
"""
from __future__ import annotations

import math

from .. import context as ctx_mod
from ..ops import api as gf


def _schedule(fn):
    if ctx_mod.executing_eagerly():
        return fn
    return fn()


def _require_step(global_step, name):
    if global_step is None:
        raise ValueError(f"global_step is required for {name}.")


def _progress(step, steps, staircase):
    """step / decay_steps, floored when staircase: the exponent the three decays share."""
    p = gf.realdiv(step, steps)
    return gf.floor(p) if staircase else p


def _as_float(learning_rate, global_step, *more):
    lr = gf.convert_to_tensor(learning_rate, dtype_hint="float32")
    if not lr.dtype.is_floating:
        lr = gf.cast(lr, "float32")
    return (lr, gf.cast(global_step, lr.dtype)) + tuple(gf.cast(m, lr.dtype) for m in more)


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """lr * decay_rate ** (step / decay_steps), the exponent floored when staircase."""
    _require_step(global_step, "exponential_decay")

    def value():
        lr, step, steps, rate = _as_float(learning_rate, global_step, decay_steps, decay_rate)
        p = _progress(step, steps, staircase)
        return gf.multiply(lr, gf.pow(rate, p), name)
    return _schedule(value)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """lr / (1 + decay_rate * step / decay_steps), the quotient floored when staircase."""
    _require_step(global_step, "inverse_time_decay")

    def value():
        lr, step, steps, rate = _as_float(learning_rate, global_step, decay_steps, decay_rate)
        p = _progress(step, steps, staircase)
        return gf.realdiv(lr, gf.add(1.0, gf.multiply(rate, p)), name)
    return _schedule(value)


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """lr * exp(-decay_rate * step / decay_steps), the quotient floored when staircase."""
    _require_step(global_step, "natural_exp_decay")

    def value():
        lr, step, steps, rate = _as_float(learning_rate, global_step, decay_steps, decay_rate)
        p = _progress(step, steps, staircase)
        return gf.multiply(lr, gf.exp(gf.negative(gf.multiply(rate, p))), name)
    return _schedule(value)


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                     name=None):
    """(lr - end) * (1 - step / decay_steps) ** power + end; after decay_steps it stays at end, or
    with cycle, decay_steps grows to the next multiple of itself past the step."""
    _require_step(global_step, "polynomial_decay")

    def value():
        lr, step, steps, end, p = _as_float(learning_rate, global_step, decay_steps, end_learning_rate, power)
        if cycle:
            multiplier = gf.where(gf.equal(step, 0.0), gf.ones_like(step), gf.ceil(gf.realdiv(step, steps)))
            steps = gf.multiply(steps, multiplier)
        else:
            step = gf.minimum(step, steps)
        fraction = gf.realdiv(step, steps)
        return gf.add(gf.multiply(gf.subtract(lr, end), gf.pow(gf.subtract(1.0, fraction), p)), end, name)
    return _schedule(value)


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha)."""
    _require_step(global_step, "cosine_decay")

    def value():
        lr, step, steps = _as_float(learning_rate, global_step, decay_steps)
        fraction = gf.realdiv(gf.minimum(step, steps), steps)
        cosine = gf.multiply(gf.add(gf.cos(gf.multiply(fraction, math.pi)), 1.0), 0.5)
        return gf.multiply(lr, gf.add(gf.multiply(cosine, 1.0 - alpha), alpha), name)
    return _schedule(value)


def piecewise_constant(x, boundaries, values, name=None):
    """values[0] while x <= boundaries[0], values[i] while boundaries[i-1] < x <= boundaries[i],
    values[-1] after the last boundary."""
    if len(values) != len(boundaries) + 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")

    def value():
        step = gf.convert_to_tensor(x)
        bounds = [gf.cast(b, step.dtype) for b in boundaries]
        vals = [gf.convert_to_tensor(v) for v in values]
        dtype = vals[0].dtype
        vals = [gf.cast(v, dtype) for v in vals]
        out = vals[-1]
        for b, v in reversed(list(zip(bounds, vals[:-1]))):
            out = gf.where(gf.less_equal(step, b), v, out)
        return gf.identity(out, name)
    return _schedule(value)


def cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                          name=None):
    """Cosine decay that restarts (SGDR): period i lasts first_decay_steps * t_mul**i steps and
    starts from lr * m_mul**i."""
    _require_step(global_step, "cosine_decay_restarts")

    def value():
        lr, step, first = _as_float(learning_rate, global_step, first_decay_steps)
        completed = gf.realdiv(step, first)
        if t_mul == 1.0:
            i_restart = gf.floor(completed)
            completed = gf.subtract(completed, i_restart)
        else:
            i_restart = gf.floor(gf.realdiv(gf.log(gf.subtract(1.0, gf.multiply(completed, 1.0 - t_mul))),
                                            math.log(t_mul)))
            sum_r = gf.realdiv(gf.subtract(1.0, gf.pow(gf.constant(t_mul, lr.dtype), i_restart)), 1.0 - t_mul)
            completed = gf.realdiv(gf.subtract(completed, sum_r), gf.pow(gf.constant(t_mul, lr.dtype), i_restart))
        m_fac = gf.pow(gf.constant(m_mul, lr.dtype), i_restart)
        cosine = gf.multiply(gf.multiply(m_fac, 0.5), gf.add(gf.cos(gf.multiply(completed, math.pi)), 1.0))
        return gf.multiply(lr, gf.add(gf.multiply(cosine, 1.0 - alpha), alpha), name)
    return _schedule(value)


def linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0, beta=0.001, name=None):
    """lr * ((alpha + linear) * cosine + beta): linear = (decay_steps - step) / decay_steps and
    cosine = 0.5 (1 + cos(pi * 2 * num_periods * step / decay_steps)), step capped at decay_steps."""
    _require_step(global_step, "linear_cosine_decay")

    def value():
        lr, step, steps = _as_float(learning_rate, global_step, decay_steps)
        step = gf.minimum(step, steps)
        linear = gf.realdiv(gf.subtract(steps, step), steps)
        fraction = gf.realdiv(step, steps)
        cosine = gf.multiply(gf.add(gf.cos(gf.multiply(fraction, math.pi * 2.0 * num_periods)), 1.0), 0.5)
        return gf.multiply(lr, gf.add(gf.multiply(gf.add(linear, alpha), cosine), beta), name)
    return _schedule(value)
