"""Shared shape/dtype inference rules for op declarations."""
from __future__ import annotations

from .. import dtypes
from ..shapes import TensorShape, broadcast_dims
from .registry import Spec

FLOATS = frozenset({"float16", "float32", "float64"})
INTS = frozenset({"int8", "int16", "int32", "int64", "uint8"})
NUMERIC = FLOATS | INTS
SIGNED = FLOATS | frozenset({"int8", "int16", "int32", "int64"})
BOOL = frozenset({"bool"})
COMPLEX = frozenset({"complex64", "complex128"})


def broadcast(*specs: Spec) -> TensorShape:
    dims = ()
    for s in specs:
        if s.shape.dims is None:
            return TensorShape(None)
        dims = broadcast_dims(dims, s.shape.dims)
    return TensorShape(dims)


def elementwise(*specs: Spec, **attrs):
    """Broadcast the inputs; the output has the first input's dtype."""
    return [Spec(broadcast(*specs), specs[0].dtype)]


def elementwise_to(dtype):
    """Broadcast the inputs; the output has a fixed dtype (e.g. bool for comparisons)."""
    def infer(*specs, **attrs):
        return [Spec(broadcast(*specs), dtype)]
    return infer


def same_as_input(spec: Spec, *rest, **attrs):
    return [spec]


def normalize_axis(axis: int, rank: int, op: str = "") -> int:
    if not -rank <= axis < max(rank, 1) or (rank == 0 and axis not in (0, -1)):
        raise ValueError(f"axis {axis} is out of range for a tensor of rank {rank}" + (f" in {op}" if op else ""))
    return axis % rank if rank else 0


def normalize_axes(axis, rank: int, op: str = "") -> tuple:
    """None -> all axes; int or list -> sorted unique non-negative axes."""
    if axis is None:
        return tuple(range(rank))
    if isinstance(axis, (int,)) or getattr(axis, "ndim", 1) == 0:
        axis = [int(axis)]
    out = set()
    for a in axis:
        a = int(a)
        if not -rank <= a < rank:
            raise ValueError(f"Invalid reduction axis {a} for a tensor of rank {rank}" + (f" in {op}" if op else ""))
        if a % rank in out:
            raise ValueError(f"Axis {a} specified more than once" + (f" in {op}" if op else ""))
        out.add(a % rank)
    return tuple(sorted(out))


def bool_dtype():
    return dtypes.bool_
