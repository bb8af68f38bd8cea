"""GradientTape.jacobian and batch_jacobian: one backward pass per element of the target, each
seeded with a one-hot output gradient, over the tape's recording replayed once.

TensorFlow vectorises these loops with pfor; graphflow runs them as a Python loop (in a graph the
loop unrolls), so the target's (non-batch) shape must be static.
"""
from __future__ import annotations

import numpy as np

from .. import context as ctx_mod
from ..nest import flatten, pack_as
from ..variables import is_variable


def _ops():
    from .. import autodiff  # the op namespace; imported late as eager.tape does
    return autodiff


def _static_shape(t, what: str) -> list:
    dims = t.shape.as_list() if t.shape.rank is not None else None
    if dims is None or any(d is None for d in dims):
        raise ValueError(f"{what}: graphflow needs a target of static shape, got {t.shape}")
    return dims


def _start(tape, target, unconnected_gradients, experimental_use_pfor):
    """(op namespace, unconnected mode, target as a tensor) after TensorFlow's argument checks."""
    autodiff = _ops()
    if not experimental_use_pfor and ctx_mod.context().eager and not tape._persistent:
        raise RuntimeError("GradientTape must be created with persistent=True to compute the jacobian with "
                           "eager execution enabled and with experimental_use_pfor set to False.")
    mode = autodiff.unconnected_mode(unconnected_gradients)
    return autodiff, mode, autodiff.gf.convert_to_tensor(target) if is_variable(target) else target


def jacobian(tape, target, sources, unconnected_gradients, experimental_use_pfor):
    autodiff, mode, target = _start(tape, target, unconnected_gradients, experimental_use_pfor)
    gf = autodiff.gf
    shape = _static_shape(target, "jacobian")
    n = int(np.prod(shape, dtype=np.int64))
    flat_sources = flatten(sources)
    eye = np.eye(n, dtype=target.dtype.as_numpy_dtype)
    seeds = [eye[i].reshape(shape) for i in range(n)]
    rows = tape._gradients_for_seeds([target], flat_sources, seeds, mode)
    out = []
    for j, source in enumerate(flat_sources):
        column = [row[j] for row in rows]
        source_shape = source.shape.as_list()
        if n and all(g is None for g in column):
            out.append(None)
            continue
        if n == 0:
            out.append(gf.zeros(shape + source_shape, source.dtype))
            continue
        column = [autodiff.zeros_for(source) if g is None else gf.convert_to_tensor(g) for g in column]
        out.append(gf.reshape(gf.stack(column), shape + source_shape))
    return pack_as(sources, out)


def batch_jacobian(tape, target, source, unconnected_gradients, experimental_use_pfor):
    autodiff, mode, target = _start(tape, target, unconnected_gradients, experimental_use_pfor)
    gf = autodiff.gf
    t_shape, s_shape = target.shape, source.shape
    if (t_shape.rank is None or s_shape.rank is None or t_shape.rank < 2 or s_shape.rank < 2
            or (t_shape[0] is not None and s_shape[0] is not None and t_shape[0] != s_shape[0])):
        raise ValueError(f"Need first dimension of target shape ({t_shape}) and source shape ({s_shape}) to match.")
    inner, source_inner = t_shape.as_list()[1:], s_shape.as_list()[1:]
    if any(d is None for d in inner + source_inner):
        raise ValueError(f"batch_jacobian: graphflow needs target and source shapes static past the batch axis, "
                         f"got {t_shape} and {s_shape}")
    m = int(np.prod(inner, dtype=np.int64))
    eye = np.eye(m, dtype=target.dtype.as_numpy_dtype)
    ones = gf.ones_like(target)
    seeds = [ones * gf.constant(eye[j].reshape(inner)) for j in range(m)]
    [column] = zip(*tape._gradients_for_seeds([target], [source], seeds, mode)) if m else [()]
    batch = gf.shape(source)[:1]
    full = gf.concat([batch, gf.constant(np.array(inner + source_inner, np.int32))], 0)
    if not column or all(g is None for g in column):
        return gf.zeros(full, target.dtype)      # TensorFlow returns zeros here, whatever `unconnected_gradients`
    column = [gf.zeros_like(source) if g is None else gf.convert_to_tensor(g) for g in column]
    return gf.reshape(gf.stack(column, axis=1), full)
