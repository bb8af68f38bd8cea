"""gf.autograph.experimental: `do_not_convert` and the loop directive `set_loop_options`."""
from __future__ import annotations

import functools

__all__ = ["do_not_convert", "set_loop_options"]


def do_not_convert(func=None):
    """Mark `func` to run as it is inside converted code (its Python control flow stays Python).

    Usable as `@do_not_convert` or `do_not_convert(fn)`; returns the function (or a wrapper
    when the object does not take attributes).
    """
    if func is None:
        return do_not_convert
    try:
        func.__ag_do_not_convert__ = True
        return func
    except (AttributeError, TypeError):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)
        wrapper.__ag_do_not_convert__ = True
        return wrapper


def set_loop_options(parallel_iterations=None, swap_memory=None, maximum_iterations=None, shape_invariants=None):
    """Options for the loop whose body calls this (a directive, read when the function is converted).

    Args:
      shape_invariants: a list of `(variable, shape)` pairs: the variable may take any shape the
        (partially known) `gf.TensorShape` admits across iterations.
      maximum_iterations: stop after this many iterations.
      parallel_iterations, swap_memory: accepted as in TensorFlow; graphflow has no use for them.

    Outside a converted loop (eager code, autograph=False) the call does nothing, as in TensorFlow.
    """
    return None
