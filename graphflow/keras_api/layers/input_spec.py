"""InputSpec: what a layer or model accepts (rank, fixed dims), checked on every call.

Without the check a Dense built for (None, 4) silently reshapes a rank-1 input of 4 values and
returns a rank-1 result; Keras raises ValueError instead. The messages follow Keras 3's wording.
"""
from __future__ import annotations

from ...errors import user_frame
from .. import nest


class InputSpec:
    """The constraints one input of a layer must meet (`layer.input_spec`).

    Args:
        dtype: expected dtype name, or None.
        shape: the full expected shape (None for an unknown dim).
        ndim, max_ndim, min_ndim: expected rank, or bounds on it.
        axes: {axis: size} for dims that must have a given size (negative axes count from the end).
        name: the input's name, shown in errors.
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim, self.min_ndim = max_ndim, min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in (("dtype", self.dtype), ("shape", self.shape), ("ndim", self.ndim),
                                          ("max_ndim", self.max_ndim), ("min_ndim", self.min_ndim),
                                          ("axes", self.axes or None)) if v is not None]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self) -> dict:
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
                "min_ndim": self.min_ndim, "axes": self.axes}


def _dims(x):
    shape = getattr(x, "shape", None)
    if shape is None:
        return None
    dims = shape.dims if hasattr(shape, "dims") else tuple(shape)
    return None if dims is None else tuple(dims)


def _called_at() -> str:
    where = user_frame()
    return f" (called at {where[0]}:{where[1]})" if where else ""


def _incompatible(i, spec, layer_name, detail):
    return ValueError(f"Input {i} with name '{spec.name}' of layer {layer_name!r} is incompatible with the layer: "
                      f"{detail}{_called_at()}")


def assert_input_compatibility(input_spec, inputs, layer_name: str) -> None:
    """Raise ValueError when `inputs` (a tensor or a flat structure) break `input_spec`."""
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    values = nest.flatten(inputs)
    if len(values) != len(specs):
        raise ValueError(f"Layer {layer_name!r} expects {len(specs)} input(s), but it received {len(values)} "
                         f"input tensors{_called_at()}")
    for i, (spec, x) in enumerate(zip(specs, values)):
        if spec is None:
            continue
        dims = _dims(x)
        if dims is None:
            continue
        rank = len(dims)
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and rank != spec.ndim:
            raise _incompatible(i, spec, layer_name, f"expected ndim={spec.ndim}, found ndim={rank}. "
                                f"Full shape received: {dims}")
        if spec.max_ndim is not None and rank > spec.max_ndim:
            raise _incompatible(i, spec, layer_name, f"expected max_ndim={spec.max_ndim}, found ndim={rank}")
        if spec.min_ndim is not None and rank < spec.min_ndim:
            raise _incompatible(i, spec, layer_name, f"expected min_ndim={spec.min_ndim}, found ndim={rank}. "
                                f"Full shape received: {dims}")
        for axis, size in spec.axes.items():
            if size is None or not -rank <= axis < rank:
                continue
            if dims[axis] is not None and dims[axis] != size:
                raise _incompatible(i, spec, layer_name, f"expected axis {axis} of input shape to have value "
                                    f"{size}, but received input with shape {dims}")
        if spec.shape is not None and rank == len(spec.shape):
            if any(a is not None and b is not None and a != b for a, b in zip(spec.shape, dims)):
                raise _incompatible(i, spec, layer_name, f"expected shape={spec.shape}, found shape={dims}")


def adjust_input_rank(x, ref_shape, name: str):
    """`x` fitted to a model input of shape `ref_shape`, as Keras's functional models do.

    A trailing size-1 axis may be added or dropped to match the rank; any other rank difference is
    a ValueError naming both shapes."""
    from ...ops import api

    dims = _dims(x)
    if dims is None or ref_shape is None or len(dims) == len(ref_shape):
        return x
    if len(dims) == len(ref_shape) + 1 and dims[-1] == 1:
        return api.squeeze(x, axis=-1)
    if len(dims) == len(ref_shape) - 1 and ref_shape[-1] == 1:
        return api.expand_dims(x, axis=-1)
    raise ValueError(f"Invalid input shape for input with name {name!r}. Expected shape {tuple(ref_shape)}, but "
                     f"input has incompatible shape {dims}{_called_at()}")
