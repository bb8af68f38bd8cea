"""Element structures: nested tuples and dicts of tensors, held internally as flat tuples of arrays.

Every transformation works on flat tuples of numpy arrays (fast to move between threads and
to stack); the nesting lives once, in the dataset's `element_spec`, and is put back only where
a user sees an element (iteration, the arguments of a map function).  As in tf.data, tuples and
dicts nest while a Python list is one tensor.
"""
from __future__ import annotations

import numpy as np

from ..dtypes import as_dtype, from_numpy, string, to_bytes_array
from ..shapes import TensorShape
from ..tensor_spec import TensorSpec


def is_nested(x) -> bool:
    return isinstance(x, (tuple, dict))


def flatten(structure) -> list:
    """Leaves in tf.data's order: tuple positions, dict keys sorted."""
    if isinstance(structure, dict):
        return [leaf for k in sorted(structure) for leaf in flatten(structure[k])]
    if isinstance(structure, tuple):
        return [leaf for x in structure for leaf in flatten(x)]
    return [structure]


def pack(structure, leaves):
    """`structure` rebuilt with `leaves` (in `flatten` order); dicts keep their key order."""
    it = iter(leaves)
    out = _pack(structure, it)
    return out


def _pack(s, it):
    if isinstance(s, dict):
        built = {k: _pack(s[k], it) for k in sorted(s)}
        return type(s)((k, built[k]) for k in s) if type(s) is not dict else {k: built[k] for k in s}
    if isinstance(s, tuple):
        values = [_pack(x, it) for x in s]
        return type(s)(*values) if hasattr(s, "_fields") else tuple(values)
    return next(it)


def map_structure(fn, structure):
    return pack(structure, [fn(x) for x in flatten(structure)])


def describe(structure) -> str:
    """The nesting as text for error messages: `(TensorSpec(...), {'a': ...})`."""
    return repr(structure)


def same_structure(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and sorted(a) == sorted(b) and all(same_structure(a[k], b[k]) for k in a)
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(same_structure(x, y) for x, y in zip(a, b))
    return not is_nested(b)


def to_array(value, dtype=None) -> np.ndarray:
    """A leaf (tensor, variable, array, list, scalar) as a numpy array; float64 Python floats stay
    float32 as TensorFlow converts them."""
    if hasattr(value, "_value") and not isinstance(value, np.ndarray):
        value = value._value
    elif hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    if dtype is not None:
        if as_dtype(dtype) is string:
            return to_bytes_array(value)
        return np.asarray(value, dtype=as_dtype(dtype).np)
    if isinstance(value, np.ndarray) and value.dtype.kind != "U" and value.dtype.kind != "S":
        return value
    arr = np.asarray(value)
    if arr.dtype.kind in "SUO":
        return to_bytes_array(arr)      # text: TF's string tensors, bytes in object arrays
    if arr.dtype == np.float64 and not isinstance(value, np.generic):
        arr = arr.astype(np.float32)      # Python floats and lists of them: tf.constant's float32
    elif arr.dtype.kind in "iu" and arr.dtype != np.int64 and not isinstance(value, np.generic):
        arr = arr.astype(np.int32) if arr.dtype.itemsize <= 4 else arr
    elif arr.dtype == np.int64 and not isinstance(value, np.generic):
        arr = arr.astype(np.int32) if arr.size == 0 or (np.abs(arr).max() < 2**31) else arr
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"tf.data: cannot make a tensor of {value!r} (numpy dtype {arr.dtype}): graphflow "
                        "datasets hold numeric, bool and string tensors")
    return arr


def leaf_array(value) -> np.ndarray:
    """An element's component as an array: a bytes scalar (a string row) stays text, in a 0-d
    object array, instead of numpy's fixed-width bytes type."""
    if type(value) is np.ndarray:
        return value
    if isinstance(value, bytes):
        return np.array(value, dtype=object)
    return np.asarray(value)


def spec_of(array: np.ndarray) -> TensorSpec:
    return TensorSpec(TensorShape(array.shape), from_numpy(array.dtype))


def flat_specs(element_spec) -> list:
    return flatten(element_spec)


def relax(a: TensorSpec, b: TensorSpec) -> TensorSpec:
    """The spec admitting both (dims that differ become None); raises TypeError on dtype clashes."""
    out = a.most_specific_common_supertype([b])
    if out is None:
        raise TypeError(f"incompatible dtypes {a.dtype.name} and {b.dtype.name}")
    return out


def batched(spec: TensorSpec, size) -> TensorSpec:
    dims = spec.shape.dims
    return TensorSpec(TensorShape(None if dims is None else (size,) + tuple(dims)), spec.dtype)


def unbatched(spec: TensorSpec, what: str) -> TensorSpec:
    dims = spec.shape.dims
    if dims is not None and len(dims) == 0:
        raise ValueError(f"{what}: cannot unbatch a scalar component (spec {spec})")
    return TensorSpec(TensorShape(None if dims is None else tuple(dims[1:])), spec.dtype)


def leading_dim(spec: TensorSpec):
    dims = spec.shape.dims
    return None if not dims else dims[0]
