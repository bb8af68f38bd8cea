"""Shape and indexing: gf.reshape, gf.concat, gf.stack, gf.gather, slicing (`x[...]`), ..."""
from __future__ import annotations

import builtins

import numpy as np

from ... import context as ctx_mod
from ... import dtypes
from ...eager.tensor import EagerTensor
from ...tensor import Tensor
from .. import array as _array_ops
from ..convert import convert_to_tensor, is_tensorlike, python_value, same_dtype_list
from ..dispatch import apply
from ..static_value import constant_value
from . import dynamic_slice
from .math import identity
from .op_call import argument_error, opdef

_ctx = ctx_mod.context()


def shape_tensor(shape):
    """A shape argument (list, tuple, TensorShape, tensor) as an int32/int64 vector tensor."""
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    if isinstance(shape, (list, tuple)) and not any(is_tensorlike(s) for s in shape):
        return convert_to_tensor(np.asarray([int(s) for s in shape], dtype=np.int32).reshape(-1))
    t = convert_to_tensor(shape)
    if t.shape.rank == 0:
        t = reshape(t, [1])
    return t


def reshape(tensor, shape, name=None):
    x = convert_to_tensor(tensor)
    out = apply(opdef("Reshape"), (x, shape_tensor(shape)), {}, name)
    if not _ctx.eager and isinstance(shape, (list, tuple)) and out.shape.rank == len(shape):
        # dims given as Python ints are known even when others are dynamic ([gf.shape(x)[0], 3])
        out.set_shape([int(s) if isinstance(s, (int, np.integer)) and s >= 0 else None for s in shape])
    return out


def transpose(a, perm=None, conjugate=False, name=None):
    x = convert_to_tensor(a)
    if isinstance(perm, Tensor) and not isinstance(perm, EagerTensor) and constant_value(perm) is None:
        return dynamic_slice.transpose_by_gather(x, perm)      # a perm known only when the graph runs
    perm = None if perm is None else tuple(int(p) for p in _axis_list(perm))
    return apply(opdef("Transpose"), (x,), {"perm": perm}, name)


def _axis_list(v):
    v = axis_value(v)
    return [v] if isinstance(v, int) else list(v)


def concat(values, axis, name="concat"):
    tensors = same_dtype_list(values)
    if len(tensors) == 1:
        return identity(tensors[0])
    return apply(opdef("ConcatV2"), tuple(tensors), {"axis": axis_value(axis)}, name)




def stack(values, axis=0, name="stack"):
    tensors = same_dtype_list(values)
    return apply(opdef("Pack"), tuple(tensors), {"axis": int(axis)}, name)


def unstack(value, num=None, axis=0, name="unstack"):
    x = convert_to_tensor(value)
    if num is None:
        n = x.shape.dims[axis] if x.shape.dims is not None else None
        if n is None:
            raise ValueError(f"unstack: cannot infer num from shape {x.shape}")
        num = n
    out = apply(opdef("Unpack"), (x,), {"num": int(num), "axis": int(axis)}, name)
    return list(out) if isinstance(out, (list, tuple)) else []


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    x = convert_to_tensor(value)
    axis = axis_value(axis)
    dim = x.shape.dims[axis] if x.shape.dims is not None else None
    scalar_tensor = isinstance(num_or_size_splits, Tensor) and num_or_size_splits.shape.rank == 0
    if isinstance(num_or_size_splits, int) or scalar_tensor:
        n = int(axis_value(num_or_size_splits))
        if dim is None:     # TF splits at run time; the pieces' size along `axis` stays unknown
            return list(apply(opdef("Split"), (x,), {"sizes": None, "num": n, "axis": axis}, name))
        if dim % n:
            raise argument_error("Split", f"dimension {axis} of size {dim} is not divisible by {n} (shape {x.shape})")
        sizes = (dim // n,) * n
    else:
        sizes = [int(s) for s in _axis_list(num_or_size_splits)]
        if sizes.count(-1) == 1 and dim is not None:
            sizes[sizes.index(-1)] = dim - (builtins.sum(sizes) + 1)
        sizes = tuple(sizes)
    return list(apply(opdef("Split"), (x,), {"sizes": sizes, "axis": axis}, name))


def expand_dims(input, axis, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(opdef("ExpandDims"), (x,), {"axis": axis_value(axis)}, name)


def squeeze(input, axis=None, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    a = axis_value(axis)
    if isinstance(a, list):
        a = tuple(a)
    return apply(opdef("Squeeze"), (x,), {"axis": a}, name)


def _int_tensor(v, what, empty_shape=(0,)):
    """A shape-like argument (a list that may hold scalar tensors, an array, a tensor) as an integer
    tensor: its value may be known only when the graph runs. An empty list is int32's."""
    t = convert_to_tensor(np.zeros(empty_shape, np.int32) if _is_empty(v) else v)
    if not t.dtype.is_integer:
        raise TypeError(f"{what} must be int32 or int64, got {t.dtype.name}")
    return t


def tile(input, multiples, name=None):  # noqa: A002
    """`input` repeated multiples[i] times along axis i; multiples may be a tensor."""
    x = convert_to_tensor(input)
    return apply(opdef("Tile"), (x, _int_tensor(multiples, "tile: multiples")), {}, name)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """`tensor` padded by paddings[i] = [before, after] along axis i; paddings may be a tensor."""
    x = convert_to_tensor(tensor)
    pads = _int_tensor(paddings, "pad: paddings", empty_shape=(0, 2))
    return apply(opdef("Pad"), (x, pads), {"mode": mode.upper(), "constant_values": x.dtype.np.type(constant_values)},
                 name)


def _is_empty(v):
    return isinstance(v, (list, tuple)) and len(v) == 0


def _const_or_fail(t):
    v = constant_value(t)
    if v is None:
        raise ValueError("this argument must be known when the graph is built")
    return v


def broadcast_to(input, shape, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(opdef("BroadcastTo"), (x, shape_tensor(shape)), {}, name)


def shape(input, out_type=dtypes.int32, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(opdef("Shape"), (x,), {"out_type": dtypes.as_dtype(out_type)}, name)


def size(input, out_type=dtypes.int32, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(opdef("Size"), (x,), {"out_type": dtypes.as_dtype(out_type)}, name)


def rank(input, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(opdef("Rank"), (x,), {}, name)


def strided_slice(x, key):
    """x[key]: ints, slices (negative steps too), `...` and None (new axis); a scalar integer
    graph tensor as the key (`x[i]` in a converted loop) gathers along the first axis."""
    x = convert_to_tensor(x)
    if isinstance(key, Tensor) and not isinstance(key, EagerTensor) and key.shape.rank == 0 \
            and key.dtype.is_integer:
        return gather(x, key)
    entries = key if isinstance(key, tuple) else (key,)
    entries = tuple(builtins.slice(*(dynamic_slice.known_bound(v) for v in (k.start, k.stop, k.step)))
                    if isinstance(k, builtins.slice) else dynamic_slice.known_bound(k) for k in entries)
    graph_bounds = [k for k in entries for v in ((k.start, k.stop, k.step) if isinstance(k, builtins.slice) else (k,))
                    if dynamic_slice.is_graph_bound(v)]
    if graph_bounds:              # bounds known only when the graph runs
        return dynamic_slice.slice_by_gathers(x, _dynamic_index(entries))
    try:
        index = _array_ops.normalize_index(entries)
    except ValueError as e:
        raise argument_error("StridedSlice", str(e)) from None
    return apply(opdef("StridedSlice"), (x,), {"index": index})


def _dynamic_index(entries):
    """normalize_index's entries, graph-tensor bounds kept as they are."""
    out = []
    for k in entries:
        if k is None:
            out.append(("newaxis",))
        elif k is Ellipsis:
            out.append(("ellipsis",))
        elif isinstance(k, builtins.slice):
            out.append(("slice", k.start, k.stop, k.step))
        else:
            out.append(("int", k))
    return tuple(out)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    p = convert_to_tensor(params)
    i = convert_to_tensor(indices)
    return apply(opdef("GatherV2"), (p, i), {"axis": 0 if axis is None else axis_value(axis),
                                           "batch_dims": int(batch_dims)}, name)


def gather_nd(params, indices, batch_dims=0, name=None):
    p = convert_to_tensor(params)
    i = convert_to_tensor(indices)
    return apply(opdef("GatherNd"), (p, i), {"batch_dims": int(batch_dims)}, name)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    i = convert_to_tensor(indices)
    given = [convert_to_tensor(v).dtype for v in (on_value, off_value) if v is not None]
    if dtype is None:
        dtype = given[0] if given else dtypes.float32
    dtype = dtypes.as_dtype(dtype)
    for d in given:
        if d is not dtype:
            raise TypeError(f"one_hot: dtype {d.name} of on_value/off_value does not match dtype {dtype.name}")
    if dtype.is_bool and not given:
        raise TypeError("one_hot: dtype bool needs explicit bool on_value and off_value")
    return apply(opdef("OneHot"), (i, _int_tensor(depth, "one_hot: depth")), {
                                         "on_value": 1 if on_value is None else python_value(on_value),
                                         "off_value": 0 if off_value is None else python_value(off_value),
                                         "axis": -1 if axis is None else int(axis), "dtype": dtype}, name)


def axis_value(axis):
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        if isinstance(axis, EagerTensor):
            axis = axis.numpy()
        else:
            v = constant_value(axis)
            if v is None:
                raise ValueError("axis must be known when the graph is built (a Python int or list)")
            axis = v
    if isinstance(axis, (np.ndarray, np.generic)):
        if axis.dtype.kind not in "iu":
            raise TypeError(f"axis must be an integer or a list of integers, got {axis.dtype} values")
        return axis.tolist() if axis.ndim else int(axis)
    if isinstance(axis, (list, tuple)):
        return tuple(int_axis(axis_value(a) if isinstance(a, Tensor) else a) for a in axis)
    return int_axis(axis)


def int_axis(a):
    if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
        raise TypeError(f"axis must be an integer or a list of integers, got {a!r}")
    return int(a)
