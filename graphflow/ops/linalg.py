"""Matrix multiplication (with transposes and broadcast batch dims) and einsum."""
from __future__ import annotations

import numpy as np

from ..shapes import TensorShape, broadcast_dims
from . import infer as inf
from .registry import OpDef, Spec, register

_MATMUL_DTYPES = inf.NUMERIC | inf.COMPLEX


def _matmul_infer(a, b, transpose_a=False, transpose_b=False):
    if a.dtype is not b.dtype:
        raise TypeError(f"MatMul: both inputs must have the same dtype, got {a.dtype.name} and {b.dtype.name}")
    if a.dtype.name not in _MATMUL_DTYPES:
        raise TypeError(f"MatMul does not support dtype {a.dtype.name}")
    if a.shape.dims is None or b.shape.dims is None:
        return [Spec(TensorShape(None), a.dtype)]
    ad, bd = a.shape.dims, b.shape.dims
    if len(ad) < 2 or len(bd) < 2:
        raise ValueError(f"MatMul: inputs must be at least 2-D, got shapes {a.shape} and {b.shape}")
    m, ka = (ad[-1], ad[-2]) if transpose_a else (ad[-2], ad[-1])
    kb, n = (bd[-1], bd[-2]) if transpose_b else (bd[-2], bd[-1])
    if ka is not None and kb is not None and ka != kb:
        raise ValueError(f"MatMul: inner dimensions do not match: {a.shape}{'^T' if transpose_a else ''} "
                         f"@ {b.shape}{'^T' if transpose_b else ''} ({ka} vs {kb})")
    batch = broadcast_dims(ad[:-2], bd[:-2], " of the batch dimensions in MatMul")
    return [Spec(TensorShape(batch + (m, n)), a.dtype)]


def _matmul(a, b, transpose_a=False, transpose_b=False):
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a, b)


register(OpDef("MatMul", _matmul_infer, _matmul, same_dtype=True))


def _einsum_infer(*specs, equation):
    ins, out = equation.replace(" ", "").split("->") if "->" in equation else (equation.replace(" ", ""), None)
    terms = ins.split(",")
    if len(terms) != len(specs):
        raise ValueError(f"Einsum: equation {equation!r} names {len(terms)} inputs, got {len(specs)}")
    sizes = {}
    for term, s in zip(terms, specs):
        if s.shape.dims is None or "." in term:
            return [Spec(TensorShape(None), specs[0].dtype)]
        if len(term) != len(s.shape.dims):
            raise ValueError(f"Einsum: term {term!r} does not match input shape {s.shape}")
        for c, d in zip(term, s.shape.dims):
            if d is not None and sizes.get(c) not in (None, d, 1) and d != 1:
                raise ValueError(f"Einsum: dimension {c!r} has sizes {sizes[c]} and {d}")
            if d is not None and (sizes.get(c) in (None, 1)):
                sizes[c] = d
    if out is None:
        out = "".join(sorted(c for c in set(ins) - {","} if ins.count(c) == 1))
    return [Spec(TensorShape(tuple(sizes.get(c) for c in out)), specs[0].dtype)]


def _einsum(*xs, equation):
    return np.einsum(equation, *xs, optimize=len(xs) > 2)


register(OpDef("Einsum", _einsum_infer, _einsum, same_dtype=True))
