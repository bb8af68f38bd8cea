"""TF1 graph inputs: `placeholder` (must be fed) and `placeholder_with_default` (fed or not)."""
from __future__ import annotations

from .. import context, dtypes
from ..ops import placeholder_default as _placeholder_default  # noqa: F401  (declares the op)
from ..ops.convert import convert_to_tensor
from ..ops.dispatch import apply
from ..ops.registry import get


def _shape_arg(shape):
    """None (any rank), an int, a list/tuple with None or -1 for unknown sizes, or a TensorShape."""
    if shape is None:
        return None
    dims = shape.dims if hasattr(shape, "dims") else ([shape] if isinstance(shape, int) else shape)
    if dims is None:
        return None
    return tuple(None if d is None or getattr(d, "value", d) is None or d == -1 else int(getattr(d, "value", d))
                 for d in dims)


def placeholder(dtype, shape=None, name=None):
    """A graph input that must be fed in Session.run; None dims (or shape=None) accept any size.

    Args:
      dtype: the element type ("float" and the other names as_dtype accepts work too).
      shape: the static shape; None for any rank.
      name: the op name.
    Raises:
      RuntimeError: when executing eagerly (placeholders exist only in graphs).
    """
    if context.executing_eagerly():
        raise RuntimeError("tf.placeholder() is not compatible with eager execution.")
    return apply(get("Placeholder"), (), {"shape": _shape_arg(shape), "dtype": dtypes.as_dtype(dtype)},
                 name or "Placeholder")


def placeholder_with_default(input, shape, name=None):  # noqa: A002  (TensorFlow's name)
    """`input` unless this tensor is fed; `shape` may leave sizes (or the rank) unknown."""
    x = convert_to_tensor(input)
    if context.executing_eagerly():
        return x
    return apply(get("PlaceholderWithDefault"), (x,), {"shape": _shape_arg(shape)}, name or "PlaceholderWithDefault")
