"""Linear algebra: gf.matmul, gf.einsum, gf.tensordot."""
from __future__ import annotations

import builtins

from ... import context as ctx_mod
from ...tensor import Tensor
from ..convert import convert_to_tensor, pair
from ..dispatch import apply
from .op_call import opdef
from .shape import axis_value

_ctx = ctx_mod.context()


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, name=None, **unused):
    a, b = pair(a, b)
    if (adjoint_a or adjoint_b) and a.dtype.is_complex:     # the adjoint conjugates too
        a = apply(opdef("Conj"), (a,), {}) if adjoint_a else a
        b = apply(opdef("Conj"), (b,), {}) if adjoint_b else b
    return apply(opdef("MatMul"), (a, b), {"transpose_a": bool(transpose_a or adjoint_a),
                                         "transpose_b": bool(transpose_b or adjoint_b)}, name)


def einsum(equation, *inputs, **kwargs):
    tensors = [convert_to_tensor(t) for t in inputs]
    return apply(opdef("Einsum"), tuple(tensors), {"equation": equation.replace(" ", "")}, kwargs.get("name"))


def tensordot(a, b, axes, name=None):
    """Contract `axes` of a with axes of b (an int: last N of a with first N of b)."""
    a, b = pair(a, b)
    ra, rb = a.shape.rank, b.shape.rank
    if isinstance(axes, Tensor):
        axes = axis_value(axes)
    if isinstance(axes, int):
        if axes < 0:
            raise ValueError("tensordot: axes must be non-negative")
        a_axes, b_axes = list(builtins.range(ra - axes, ra)), list(builtins.range(axes))
    else:
        a_axes, b_axes = axes
        a_axes = [a_axes] if isinstance(a_axes, int) else list(a_axes)
        b_axes = [b_axes] if isinstance(b_axes, int) else list(b_axes)
        a_axes = [x % ra for x in a_axes]
        b_axes = [x % rb for x in b_axes]
    letters = "abcdefghijklmnopqrstuvwxyz"
    la = list(letters[:ra])
    lb = list(letters[ra:ra + rb])
    for i, j in zip(a_axes, b_axes):
        lb[j] = la[i]
    out = [c for i, c in enumerate(la) if i not in a_axes] + [c for j, c in enumerate(lb) if j not in b_axes]
    return einsum(f"{''.join(la)},{''.join(lb)}->{''.join(out)}", a, b, name=name)
