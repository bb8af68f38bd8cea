"""PlaceholderWithDefault: a graph input that passes `input` through unless the tensor is fed.

Its output shape may be less specific than its input's (a feed may have another size), and it
is never constant-folded, since a feed replaces it at run time.
"""
from __future__ import annotations

from ..shapes import TensorShape
from .registry import OPAQUE, OpDef, Spec, register, set_gradient


def _infer(x, shape):
    shape = TensorShape(shape)
    if not x.shape.is_compatible_with(shape):
        raise ValueError(f"PlaceholderWithDefault: the default value of shape {x.shape} is not compatible "
                         f"with the declared shape {shape}")
    return [Spec(shape, x.dtype)]


def _kernel(x, shape):
    return x


register(OpDef("PlaceholderWithDefault", _infer, _kernel, kind=OPAQUE, foldable=False))


@set_gradient("PlaceholderWithDefault")
def _grad(op, g):
    return (g,)
