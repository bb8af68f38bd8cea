"""The variables a converted statement carries (a cond's outputs, a loop's variables): deciding
when a value is a graph tensor, turning values into tensors, and the rules users rely on (defined
on every path, not None, same structure and dtype, shape within its invariant), each broken rule
an error naming the variable and the user's line."""
from __future__ import annotations

from ... import context as ctx_mod
from ...eager.tensor import EagerTensor
from ...errors import format_location, user_frame
from ...graph.func_graph import flatten, pack_as, signature
from ...graph.graph import SymbolicTensor
from ...ops import convert
from ...ops.api import tensor_array
from ...ops.api.tensor_array import TensorArray
from ...shapes import TensorShape
from ...tensor import Tensor
from .variables import Undefined, UndefinedReturnValue

_ctx = ctx_mod.context()


def is_variable(x) -> bool:
    return hasattr(x, "_state") and hasattr(x, "_as_graph_tensor")


def is_graph_tensor(x) -> bool:
    """Whether `x` only has a value when the graph runs: control flow on it must become graph ops."""
    return isinstance(x, SymbolicTensor) or (is_variable(x) and not _ctx.eager)


def is_tensor(x) -> bool:
    return isinstance(x, Tensor) or is_variable(x)


def where() -> str:
    """' (at file:line)' for the user's statement being converted (the generated code carries
    the user's file name and line numbers)."""
    loc = format_location(user_frame())
    return f" (at {loc})" if loc else ""


def _to_tensor(leaf, name: str, context: str):
    if isinstance(leaf, (SymbolicTensor, EagerTensor)):
        return leaf
    if isinstance(leaf, TensorArray):
        return leaf.as_buffer()         # carried as its buffer; `rebuild` makes it an array again
    if leaf is None:
        raise ValueError(f"'{name}' is None {context}. A variable a tensor-dependent if or loop carries must hold "
                         f"a tensor (or a number){where()}")
    try:
        return convert.convert_to_tensor(leaf)
    except (TypeError, ValueError) as e:
        raise TypeError(f"'{name}' holds {type(leaf).__name__} {context}, which cannot become a tensor ({e}). A "
                        f"variable a tensor-dependent if or loop carries must hold tensors{where()}") from None


def to_tensors(value, name: str, context: str):
    """`value` with every leaf a tensor; Undefined and None are errors naming `name`."""
    for leaf in flatten(value):
        if isinstance(leaf, Undefined):
            raise_undefined(leaf, name, context)
    return pack_as(value, [_to_tensor(leaf, name, context) for leaf in flatten(value)])


def rebuild(raw, values):
    """`values` (to_tensors of `raw`) with the TensorArrays of `raw` back as arrays around their buffers."""
    leaves = [tensor_array.with_buffer(r, t) if isinstance(r, TensorArray) else t
              for r, t in zip(flatten(raw), flatten(values))]
    return pack_as(values, leaves)


def has_unshaped_array(value) -> bool:
    """Whether `value` holds a TensorArray whose buffer cannot be made before one iteration ran."""
    return any(isinstance(x, TensorArray) and x.needs_element_shape() for x in flatten(value))


def learn_element_shapes(before, after) -> None:
    """Give the arrays of `before` the element shapes one iteration wrote into `after`."""
    for b, a in zip(flatten(before), flatten(after)):
        if isinstance(b, TensorArray) and isinstance(a, TensorArray) and b.needs_element_shape():
            tensor_array.learn_element_shape(b, a.element_shape)


def dynamic_array_dims(value, shapes: list) -> list:
    """The shape invariants of `value`'s leaves with the size of each dynamic_size array free, and
    the element dims an array knows only when the graph runs."""
    return [_array_dims(x, s) if isinstance(x, TensorArray) and s.dims else s for x, s in zip(flatten(value), shapes)]


def _array_dims(array: TensorArray, buffer: TensorShape) -> TensorShape:
    element = array.element_shape
    dims = list(buffer.dims[1:])
    if element.rank == len(dims):
        dims = [None if e is None else d for e, d in zip(element.dims, dims)]
    return TensorShape([None if array.dynamic_size else buffer.dims[0]] + dims)


def raise_undefined(leaf, name, context):
    if isinstance(leaf, UndefinedReturnValue):
        raise ValueError(f"a value must be returned {context} as well: a tensor-dependent if or loop needs a return "
                         f"statement on every path once one path returns{where()}")
    raise ValueError(f"'{name}' must be defined {context}: a tensor-dependent if or loop needs its value on every "
                     f"path{where()}")


def describe(value) -> str:
    """`float32(2,)`, or the structure of such descriptions."""
    leaves = [f"{t.dtype.name}{t.shape}" for t in flatten(value)]
    if len(leaves) == 1 and not isinstance(value, (list, tuple, dict)):
        return leaves[0]
    return str(pack_as(value, leaves))


def check_same_kind(name: str, first, second, first_ctx: str, second_ctx: str, error=TypeError) -> None:
    """`first` and `second` (structures of tensors) must have the same nesting and dtypes."""
    if signature(first) != signature(second):
        raise ValueError(f"'{name}' must have the same nested structure {first_ctx} and {second_ctx}: "
                         f"{describe(first)} vs {describe(second)}{where()}")
    for a, b in zip(flatten(first), flatten(second)):
        if a.dtype is not b.dtype:
            raise error(f"'{name}' has dtype {a.dtype.name} {first_ctx}, but dtype {b.dtype.name} {second_ctx}"
                        f"{where()}")


def check_shape(name: str, before, after, invariant) -> None:
    """Each leaf of `after` must fit its shape invariant (the initial shape unless one was set)."""
    for t0, t1, inv in zip(flatten(before), flatten(after), invariant):
        dims, got = inv.dims, t1.shape.dims
        ok = dims is None or (got is not None and len(got) == len(dims)
                              and all(i is None or i == g for i, g in zip(dims, got)))
        if not ok:
            hint = ("" if inv is not t0.shape else " Use gf.autograph.experimental.set_loop_options("
                    "shape_invariants=[(var, shape)]) to let its shape vary.")
            raise ValueError(f"'{name}' has shape {t0.shape} before the loop, but shape {t1.shape} after one "
                             f"iteration{'' if inv is t0.shape else f' (its shape invariant is {inv})'}.{hint}"
                             f"{where()}")


def zeros_like_structure(value):
    """Zeros with the structure, dtypes and (fully known) shapes of `value`: a stand-in that is never read."""
    from ...ops import api
    return pack_as(value, [api.zeros(t.shape.dims, dtype=t.dtype) if t.shape.is_fully_defined() else None
                           for t in flatten(value)])

