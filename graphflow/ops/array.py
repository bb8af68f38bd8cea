"""Shape and indexing ops: constants, reshape, transpose, concat/stack/split, slicing, gather, pad..."""
from __future__ import annotations

import math

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..shapes import TensorShape
from . import infer as inf
from . import static_value as sv
from .registry import CONSTANT, ELEMENTWISE, FEED, OPAQUE, SOURCE, OpDef, Spec, register

ANY = inf.NUMERIC | inf.BOOL


def _const_infer(value):
    return [Spec(TensorShape(np.shape(value)), dtypes.from_numpy(np.asarray(value).dtype))]


def _const(value):
    return value


def _spec_is_in_attrs(op):
    """The pass verifier's check of Const and Placeholder: none. Whoever emits one writes its
    spec from the same attrs (value, or shape and dtype) that inference would read."""


register(OpDef("Const", _const_infer, _const, kind=SOURCE, source=CONSTANT, static_value=sv.value_attr,
               verify=_spec_is_in_attrs))


def _placeholder_infer(shape, dtype):
    return [Spec(TensorShape(shape), dtype)]


def _placeholder(shape, dtype):
    raise ValueError("A placeholder has no value of its own: feed it")


register(OpDef("Placeholder", _placeholder_infer, _placeholder, kind=SOURCE, stateful=True, differentiable=False,
               source=FEED, verify=_spec_is_in_attrs))


# ---- reshape ---------------------------------------------------------------------------------

def _reshape_target(dims, target, op="Reshape"):
    """Resolve -1 in `target` against the known input dims (None dims stay unknown)."""
    target = [int(d) for d in target]
    if sum(d == -1 for d in target) > 1:
        raise ValueError(f"{op}: only one dimension may be -1, got {target}")
    if any(d < -1 for d in target):
        raise ValueError(f"{op}: invalid target shape {target}")
    if dims is None or any(d is None for d in dims):
        return tuple(None if d == -1 else d for d in target)
    size = math.prod(dims)
    known = math.prod(d for d in target if d > 0)
    if -1 in target:
        # TensorFlow's rule: zero-sized dims are left out of both products, so -1 is still
        # resolved for an empty tensor ([0, -1] on shape (0, 3) gives (0, 3)).
        target_has_zero = 0 in target
        rest = math.prod(d for d in dims if d > 0 or not target_has_zero)
        if not (target_has_zero and 0 in dims) and rest % known:
            raise ValueError(f"{op}: cannot reshape a tensor with {size} elements to shape {target}")
        out = tuple(rest // known if d == -1 else d for d in target)
        if math.prod(out) != size:
            raise ValueError(f"{op}: cannot reshape a tensor with {size} elements to shape {target}")
        return out
    total = math.prod(target)
    if total != size:
        raise ValueError(f"{op}: cannot reshape a tensor with {size} elements to shape {target} "
                         f"({total} elements)")
    return tuple(target)


def _reshape_infer(x, shape):
    if shape.shape.rank != 1:
        raise ValueError(f"Reshape: shape must be a vector, got shape {shape.shape}")
    if shape.value is None:
        n = shape.shape.dims[0]
        return [Spec(TensorShape(None if n is None else (None,) * n), x.dtype)]
    return [Spec(TensorShape(_reshape_target(x.shape.dims, shape.value)), x.dtype)]


def _reshape(x, shape):
    return np.reshape(x, _reshape_target(np.shape(x), shape))


register(OpDef("Reshape", _reshape_infer, _reshape))


def _transpose_infer(x, perm=None):
    if x.shape.dims is None:
        return [Spec(TensorShape(None), x.dtype)]
    n = len(x.shape.dims)
    perm = tuple(reversed(range(n))) if perm is None else tuple(int(p) % max(n, 1) for p in perm)
    if sorted(perm) != list(range(n)):
        raise ValueError(f"Transpose: perm {list(perm)} is not a permutation of {n} axes")
    return [Spec(TensorShape(tuple(x.shape.dims[p] for p in perm)), x.dtype)]


def _transpose(x, perm=None):
    return np.transpose(x, perm)


register(OpDef("Transpose", _transpose_infer, _transpose))


# ---- concat / stack / split -------------------------------------------------------------------

def _check_same_dtype(op, specs):
    for s in specs[1:]:
        if s.dtype is not specs[0].dtype:
            raise TypeError(f"{op}: all inputs must have the same dtype, got "
                            f"{', '.join(t.dtype.name for t in specs)}")


def _concat_infer(*specs, axis=0):
    _check_same_dtype("ConcatV2", specs)
    ranks = {s.shape.rank for s in specs if s.shape.rank is not None}
    if not ranks:
        return [Spec(TensorShape(None), specs[0].dtype)]
    if len(ranks) > 1:
        raise ValueError(f"ConcatV2: inputs must have the same rank, got shapes {[str(s.shape) for s in specs]}")
    rank = ranks.pop()
    if rank == 0:
        raise ValueError("ConcatV2: cannot concatenate scalars (use stack)")
    a = inf.normalize_axis(axis, rank, "ConcatV2")
    out = []
    for i in range(rank):
        col = [s.shape.dims[i] for s in specs if s.shape.rank is not None]
        if i == a:
            out.append(None if None in col else sum(col))
        else:
            known = {d for d in col if d is not None}
            if len(known) > 1:
                raise ValueError(f"ConcatV2: dimension {i} of the inputs must match, got shapes "
                                 f"{[str(s.shape) for s in specs]}")
            out.append(known.pop() if known else None)
    return [Spec(TensorShape(out), specs[0].dtype)]


def _concat(*xs, axis=0):
    return np.concatenate(xs, axis=axis)


register(OpDef("ConcatV2", _concat_infer, _concat))


def _pack_infer(*specs, axis=0):
    _check_same_dtype("Pack", specs)
    shape = specs[0].shape
    for s in specs[1:]:
        if not s.shape.is_compatible_with(shape):
            raise ValueError(f"Pack: all inputs must have the same shape, got "
                             f"{[str(t.shape) for t in specs]}")
        shape = shape.merge_with(s.shape)
    if shape.dims is None:
        return [Spec(TensorShape(None), specs[0].dtype)]
    a = inf.normalize_axis(axis, len(shape.dims) + 1, "Pack")
    dims = shape.dims[:a] + (len(specs),) + shape.dims[a:]
    return [Spec(TensorShape(dims), specs[0].dtype)]


def _pack(*xs, axis=0):
    return np.stack(xs, axis=axis)


register(OpDef("Pack", _pack_infer, _pack, static_value=sv.stacked_values))


def _unpack_infer(x, num, axis=0):
    dims = x.shape.dims
    a = inf.normalize_axis(axis, len(dims), "Unpack")
    if dims[a] is not None and dims[a] != num:
        raise ValueError(f"Unpack: dimension {a} has size {dims[a]}, cannot unstack into {num}")
    return [Spec(TensorShape(dims[:a] + dims[a + 1:]), x.dtype)] * num


def _unpack(x, num, axis=0):
    return tuple(np.moveaxis(x, axis, 0))


register(OpDef("Unpack", _unpack_infer, _unpack, num_outputs=-1))


def _split_infer(x, sizes, axis=0, num=None):
    dims = x.shape.dims
    a = inf.normalize_axis(axis, len(dims), "Split")
    if sizes is None:       # equal pieces of a dimension unknown while building: checked at run time
        return [Spec(TensorShape(dims[:a] + (None,) + dims[a + 1:]), x.dtype) for _ in range(num)]
    if dims[a] is not None and sum(sizes) != dims[a]:
        raise ValueError(f"Split: sizes {list(sizes)} do not add up to dimension {a} of size {dims[a]}")
    return [Spec(TensorShape(dims[:a] + (s,) + dims[a + 1:]), x.dtype) for s in sizes]


def _split(x, sizes, axis=0, num=None):
    if sizes is None:
        if x.shape[axis] % num:
            raise ValueError(f"dimension {axis} of size {x.shape[axis]} is not divisible by {num} "
                             f"(shape {x.shape})")
        sizes = (x.shape[axis] // num,) * num
    if sum(sizes) != x.shape[axis]:     # unknown when the graph was built: checked here
        raise ValueError(f"sizes {list(sizes)} do not add up to dimension {axis} of size {x.shape[axis]} "
                         f"(shape {x.shape})")
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=axis))


register(OpDef("Split", _split_infer, _split, num_outputs=-1))


# ---- expand / squeeze / tile / pad / broadcast ------------------------------------------------

def _expand_infer(x, axis):
    dims = x.shape.dims
    if dims is None:
        return [Spec(TensorShape(None), x.dtype)]
    a = inf.normalize_axis(axis, len(dims) + 1, "ExpandDims")
    return [Spec(TensorShape(dims[:a] + (1,) + dims[a:]), x.dtype)]


def _expand(x, axis):
    return np.expand_dims(x, axis)


register(OpDef("ExpandDims", _expand_infer, _expand))


def _squeeze_infer(x, axis=None):
    dims = x.shape.dims
    if dims is None:
        return [Spec(TensorShape(None), x.dtype)]
    if axis is None:
        return [Spec(TensorShape(tuple(d for d in dims if d != 1)), x.dtype)]
    axes = inf.normalize_axes(axis, len(dims), "Squeeze")
    for a in axes:
        if dims[a] not in (1, None):
            raise ValueError(f"Squeeze: cannot squeeze dimension {a} of size {dims[a]} (shape {x.shape})")
    return [Spec(TensorShape(tuple(d for i, d in enumerate(dims) if i not in axes)), x.dtype)]


def _squeeze(x, axis=None):
    if axis is None:
        return np.squeeze(x)
    return np.squeeze(x, axis=inf.normalize_axes(axis, x.ndim))


register(OpDef("Squeeze", _squeeze_infer, _squeeze))


def _shape_like(op, name, spec, rank_of_value):
    """Checks of a shape-like input (multiples, paddings): integer, of rank `rank_of_value`."""
    if not spec.dtype.is_integer:
        raise TypeError(f"{op}: {name} must be int32 or int64, got {spec.dtype.name}")
    if spec.shape.rank not in (None, rank_of_value):
        raise ValueError(f"{op}: {name} must have rank {rank_of_value}, got shape {spec.shape}")


def _tile_multiples(multiples, rank) -> list:
    """TensorFlow's checks of Tile's multiples (InvalidArgumentError when the graph runs)."""
    m = [int(v) for v in np.ravel(multiples)]
    if len(m) != rank:
        raise InvalidArgumentError(None, "Tile", f"Tile: Expected multiples argument to be a vector of length "
                                                 f"{rank} but got length {len(m)}")
    for i, v in enumerate(m):
        if v < 0:
            raise InvalidArgumentError(None, "Tile", f"Tile: Expected multiples[{i}] >= 0, but got {v}")
    return m


def _tile_infer(x, multiples):
    _shape_like("Tile", "multiples", multiples, 1)
    dims = x.shape.dims
    n = multiples.shape.dims[0] if multiples.shape.rank == 1 else None
    if dims is not None and n is not None and n != len(dims):
        raise ValueError(f"Tile: multiples must have one entry per dimension of {x.shape}, got {n}")
    if dims is None:
        return [Spec(TensorShape(None if n is None else (None,) * n), x.dtype)]
    if multiples.value is None:        # known only when the graph runs
        return [Spec(TensorShape((None,) * len(dims)), x.dtype)]
    m = _tile_multiples(multiples.value, len(dims))
    return [Spec(TensorShape(tuple(None if d is None else d * k for d, k in zip(dims, m))), x.dtype)]


def _tile(x, multiples):
    return np.tile(x, _tile_multiples(multiples, x.ndim))


register(OpDef("Tile", _tile_infer, _tile))


_PAD_MODES = ("CONSTANT", "REFLECT", "SYMMETRIC")


def _pad_pairs(paddings, dims, mode) -> list:
    """TensorFlow's checks of Pad's paddings against the input's dims (None: unknown, not checked);
    InvalidArgumentError, as TF raises when the graph runs."""
    pads = np.asarray(paddings).reshape(-1, 2) if np.size(paddings) else np.zeros((0, 2), np.int64)
    if len(pads) != len(dims):
        raise InvalidArgumentError(None, "Pad", f"Pad: The first dimension of paddings must be the rank of inputs"
                                                f"[{len(pads)},2] {list(dims)}")
    pairs = [(int(a), int(b)) for a, b in pads]
    for a, b in pairs:
        if a < 0 or b < 0:
            raise InvalidArgumentError(None, "Pad", f"Pad: Paddings must be non-negative: {a} {b}")
    if mode != "CONSTANT":            # REFLECT pads less than the dim, SYMMETRIC up to it (TF's words)
        for d, (a, b) in zip(dims, pairs):
            if d is not None and mode == "REFLECT" and max(a, b) >= d:
                raise InvalidArgumentError(None, "Pad", f"Pad: paddings must be less than the dimension size: "
                                                        f"{a}, {b} not less than {d}")
            if d is not None and mode == "SYMMETRIC" and max(a, b) > d:
                raise InvalidArgumentError(None, "Pad", f"Pad: paddings must be no greater than the dimension "
                                                        f"size: {a}, {b} greater than {d}")
    return pairs


def _pad_infer(x, paddings, mode="CONSTANT", constant_values=0):
    if mode not in _PAD_MODES:
        raise ValueError(f"Pad: mode must be CONSTANT, REFLECT or SYMMETRIC, got {mode!r}")
    _shape_like("Pad", "paddings", paddings, 2)
    dims = x.shape.dims
    rows = paddings.shape.dims[0] if paddings.shape.rank == 2 else None
    if paddings.shape.rank == 2 and paddings.shape.dims[1] not in (None, 2):
        raise ValueError(f"Pad: paddings must have shape [rank, 2], got {paddings.shape}")
    if dims is not None and rows is not None and rows != len(dims):
        raise ValueError(f"Pad: paddings must have one [before, after] pair per dimension of {x.shape}")
    if dims is None:
        return [Spec(TensorShape(None if rows is None else (None,) * rows), x.dtype)]
    if paddings.value is None:          # known only when the graph runs
        return [Spec(TensorShape((None,) * len(dims)), x.dtype)]
    pairs = _pad_pairs(paddings.value, dims, mode)
    out = tuple(None if d is None else d + a + b for d, (a, b) in zip(dims, pairs))
    return [Spec(TensorShape(out), x.dtype)]


def _pad(x, paddings, mode="CONSTANT", constant_values=0):
    pads = _pad_pairs(paddings, x.shape, mode)
    if not pads:                    # a scalar: nothing to pad
        return x
    if mode == "CONSTANT":
        return np.pad(x, pads, mode="constant", constant_values=constant_values)
    return np.pad(x, pads, mode="reflect" if mode == "REFLECT" else "symmetric")


register(OpDef("Pad", _pad_infer, _pad))


def _broadcast_to_infer(x, shape):
    if shape.value is None:
        n = shape.shape.dims[0]
        return [Spec(TensorShape(None if n is None else (None,) * n), x.dtype)]
    target = tuple(int(d) for d in shape.value)
    out = inf.broadcast(x, Spec(TensorShape(target), x.dtype))
    if out.dims != target:
        raise ValueError(f"BroadcastTo: cannot broadcast {x.shape} to {TensorShape(target)}")
    return [Spec(out, x.dtype)]


def _broadcast_to(x, shape):
    return np.broadcast_to(x, tuple(int(d) for d in shape))


register(OpDef("BroadcastTo", _broadcast_to_infer, _broadcast_to))


def _fill_infer(dims, value):
    if value.shape.rank not in (0, None):
        raise ValueError(f"Fill: value must be a scalar, got shape {value.shape}")
    if dims.value is None:
        n = dims.shape.dims[0]
        return [Spec(TensorShape(None if n is None else (None,) * n), value.dtype)]
    if any(int(d) < 0 for d in dims.value):
        raise ValueError(f"Fill: dims must be non-negative, got {list(dims.value)}")
    return [Spec(TensorShape(tuple(int(d) for d in dims.value)), value.dtype)]


def _fill(dims, value):
    return np.full(tuple(int(d) for d in dims), value, dtype=np.asarray(value).dtype)


register(OpDef("Fill", _fill_infer, _fill))


def _like(fill):
    def kernel(x):
        return np.full_like(x, fill)
    return kernel


register(OpDef("ZerosLike", inf.same_as_input, _like(0), kind=ELEMENTWISE, scalar_expr="T(0)",
               differentiable=False))
register(OpDef("OnesLike", inf.same_as_input, _like(1), kind=ELEMENTWISE, scalar_expr="T(1)",
               differentiable=False))


def _range_length(start, limit, delta) -> int:
    """TensorFlow's checks and element count for Range (an empty range from the wrong direction is
    an error, not [])."""
    if delta == 0:
        raise InvalidArgumentError(None, "Range", f"Range: Requires delta != 0: {delta}")
    if delta > 0 and start > limit:
        raise InvalidArgumentError(None, "Range", f"Range: Requires start <= limit when delta > 0: {start}/{limit}")
    if delta < 0 and start < limit:
        raise InvalidArgumentError(None, "Range", f"Range: Requires start >= limit when delta < 0: {start}/{limit}")
    if isinstance(start, (int, np.integer)) and isinstance(delta, (int, np.integer)):
        return (abs(int(limit) - int(start)) + abs(int(delta)) - 1) // abs(int(delta))
    return int(math.ceil(abs((float(limit) - float(start)) / float(delta))))


def _range_infer(start, limit, delta):
    for name, spec in (("start", start), ("limit", limit), ("delta", delta)):
        if spec.shape.rank not in (0, None):
            raise InvalidArgumentError(None, "Range", f"Range: {name} must be a scalar, got shape {spec.shape}")
    values = [spec.value for spec in (start, limit, delta)]
    n = None if any(v is None for v in values) else _range_length(*(v.item() for v in map(np.asarray, values)))
    return [Spec(TensorShape((n,)), start.dtype)]


def _range(start, limit, delta):
    # start + i * delta in the dtype, as TensorFlow's kernel computes each element
    n = _range_length(start.item(), limit.item(), delta.item())
    return start + np.arange(n, dtype=start.dtype) * delta


def _range_value(op):
    """Range: its elements, when start, limit and delta are known (e.g. a perm built from gf.range)."""
    values = [sv.constant_value(t) for t in op.inputs]
    return None if any(v is None for v in values) else _range(*map(np.asarray, values))


_RANGE = register(OpDef("Range", _range_infer, _range, same_dtype=True, allowed=inf.INTS | inf.FLOATS,
               static_value=_range_value, differentiable=False))


def range_inputs(t):
    """(start, limit, delta) of a graph tensor gf.range made, else None: AutoGraph's `for i in
    gf.range(n)` counts with them instead of building the range and gathering from it."""
    op = getattr(t, "op", None)
    return tuple(op.inputs) if op is not None and op.opdef is _RANGE else None


# ---- shape queries (dynamic in graphs) ----------------------------------------------------------

def _shape_infer(x, out_type=dtypes.int32):
    rank = x.shape.rank
    return [Spec(TensorShape((rank,)), out_type)]


def _shape(x, out_type=dtypes.int32):
    return np.asarray(np.shape(x), dtype=out_type.np)


register(OpDef("Shape", _shape_infer, _shape, differentiable=False, static_value=sv.static_shape))


def _size_infer(x, out_type=dtypes.int32):
    return [Spec(TensorShape(()), out_type)]


def _size(x, out_type=dtypes.int32):
    return np.asarray(np.size(x), dtype=out_type.np)[()]


register(OpDef("Size", _size_infer, _size, differentiable=False))


def _rank_infer(x):
    return [Spec(TensorShape(()), dtypes.int32)]


def _rank(x):
    return np.int32(np.ndim(x))


register(OpDef("Rank", _rank_infer, _rank, differentiable=False, static_value=sv.static_rank))


# ---- slicing ----------------------------------------------------------------------------------

def normalize_index(key):
    """A __getitem__ key -> a hashable tuple of ('int', i) / ('slice', a, b, c) / ('newaxis',) /
    ('ellipsis',). Indices must be Python ints (or scalar eager tensors)."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if k is None:
            out.append(("newaxis",))
        elif k is Ellipsis:
            out.append(("ellipsis",))
        elif isinstance(k, slice):
            out.append(("slice", _as_index(k.start), _as_index(k.stop), _as_index(k.step)))
        else:
            out.append(("int", _as_index(k)))
    if sum(1 for k in out if k[0] == "ellipsis") > 1:
        raise ValueError("An index can only have a single ellipsis ('...')")
    for k in out:
        if k[0] == "slice" and k[3] == 0:
            raise ValueError("slice step cannot be zero")
    return tuple(out)


def _as_index(v):
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        raise TypeError("Boolean indices are not supported; use gf.boolean_mask or gf.where")
    try:
        return int(v.__index__()) if hasattr(v, "__index__") else int(v)
    except (TypeError, ValueError):
        raise TypeError(f"Only integers, slices, '...', and None are valid indices, got {v!r}") from None


def to_numpy_key(index):
    out = []
    for k in index:
        if k[0] == "int":
            out.append(k[1])
        elif k[0] == "slice":
            out.append(slice(k[1], k[2], k[3]))
        elif k[0] == "newaxis":
            out.append(None)
        else:
            out.append(Ellipsis)
    return tuple(out)


def _slice_infer(x, index):
    dims = x.shape.dims
    if dims is None:
        return [Spec(TensorShape(None), x.dtype)]
    consumed = sum(1 for k in index if k[0] in ("int", "slice"))
    if consumed > len(dims):
        raise ValueError(f"Index {to_numpy_key(index)} has too many indices for a tensor of shape {x.shape}")
    expanded = []
    for k in index:
        if k[0] == "ellipsis":
            expanded.extend([("slice", None, None, None)] * (len(dims) - consumed))
        else:
            expanded.append(k)
    expanded.extend([("slice", None, None, None)] * (len(dims) - sum(1 for k in expanded if k[0] != "newaxis")))
    out, axis = [], 0
    for k in expanded:
        if k[0] == "newaxis":
            out.append(1)
            continue
        d = dims[axis]
        if k[0] == "int":
            if d is not None and not -d <= k[1] < d:
                raise ValueError(f"slice index {k[1]} of dimension {axis} out of bounds for shape {x.shape}")
        elif d is None:
            out.append(None)
        else:
            out.append(len(range(*slice(k[1], k[2], k[3]).indices(d))))
        axis += 1
    return [Spec(TensorShape(tuple(out)), x.dtype)]


def _strided_slice(x, index):
    return x[to_numpy_key(index)]


register(OpDef("StridedSlice", _slice_infer, _strided_slice, static_value=sv.kernel_of_known_input))


def _slice_grad_infer(x, dy, index):
    return [Spec(x.shape, dy.dtype)]


def _strided_slice_grad(x, dy, index):
    out = np.zeros(np.shape(x), dtype=np.asarray(dy).dtype)
    out[to_numpy_key(index)] = dy
    return out


register(OpDef("StridedSliceGrad", _slice_grad_infer, _strided_slice_grad))


# ---- gather / one_hot -------------------------------------------------------------------------

def _gather_infer(params, indices, axis=0, batch_dims=0):
    if not indices.dtype.is_integer:
        raise TypeError(f"GatherV2: indices must be int32 or int64, got {indices.dtype.name}")
    if params.shape.dims is None or indices.shape.dims is None:
        return [Spec(TensorShape(None), params.dtype)]
    pd = params.shape.dims
    a = inf.normalize_axis(axis, len(pd), "GatherV2")
    b = batch_dims % (indices.shape.rank or 1) if batch_dims < 0 else batch_dims
    if b > a:
        raise ValueError(f"GatherV2: batch_dims ({batch_dims}) must be less than or equal to axis ({axis})")
    out = pd[:a] + indices.shape.dims[b:] + pd[a + 1:]
    return [Spec(TensorShape(out), params.dtype)]


def _gather(params, indices, axis=0, batch_dims=0):
    axis = axis % params.ndim
    n = params.shape[axis]
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        bad = indices[(indices < 0) | (indices >= n)].flat[0]
        raise IndexError(f"GatherV2: index {bad} is not in [0, {n})")
    if batch_dims:
        b = batch_dims % indices.ndim if batch_dims < 0 else batch_dims
        return np.stack([_gather(p, i, axis - 1, b - 1) for p, i in zip(params, indices)]) if len(params) \
            else np.zeros(params.shape[:axis] + indices.shape[b:] + params.shape[axis + 1:], params.dtype)
    return np.take(params, indices, axis=axis)


register(OpDef("GatherV2", _gather_infer, _gather))


def _gather_nd_infer(params, indices, batch_dims=0):
    if not indices.dtype.is_integer:
        raise TypeError(f"GatherNd: indices must be int32 or int64, got {indices.dtype.name}")
    if params.shape.dims is None or indices.shape.dims is None:
        return [Spec(TensorShape(None), params.dtype)]
    k = indices.shape.dims[-1]
    if k is not None and k > len(params.shape.dims) - batch_dims:
        raise ValueError(f"GatherNd: index depth {k} is larger than the rank of params {params.shape}")
    out = indices.shape.dims[:-1] + params.shape.dims[batch_dims + (k or 0):]
    return [Spec(TensorShape(out), params.dtype)]


def _gather_nd(params, indices, batch_dims=0):
    if batch_dims:
        return np.stack([_gather_nd(p, i, batch_dims - 1) for p, i in zip(params, indices)])
    k = indices.shape[-1]
    idx = tuple(np.moveaxis(indices, -1, 0))
    for i, dim in enumerate(params.shape[:k]):
        if idx[i].size and (idx[i].min() < 0 or idx[i].max() >= dim):
            raise IndexError(f"GatherNd: index out of range in dimension {i} (size {dim})")
    return params[idx]


register(OpDef("GatherNd", _gather_nd_infer, _gather_nd))


def _where_infer(cond):
    """where(condition): the int64 coordinates of true elements; their number is known only at run time."""
    rank = cond.shape.rank
    return [Spec(TensorShape((None, rank)), dtypes.int64)]


def _where(cond):
    return np.argwhere(cond).astype(np.int64)


register(OpDef("Where", _where_infer, _where, differentiable=False))


def _unsorted_segment_sum_infer(data, ids, num_segments):
    if data.shape.dims is None or ids.shape.dims is None:
        return [Spec(TensorShape(None), data.dtype)]
    return [Spec(TensorShape((num_segments,) + data.shape.dims[ids.shape.rank:]), data.dtype)]


def _unsorted_segment_sum(data, ids, num_segments):
    out = np.zeros((num_segments,) + data.shape[ids.ndim:], dtype=data.dtype)
    np.add.at(out, ids, data)
    return out


register(OpDef("UnsortedSegmentSum", _unsorted_segment_sum_infer, _unsorted_segment_sum))


def _one_hot_depth(depth) -> int:
    d = int(np.asarray(depth))
    if d < 0:
        raise InvalidArgumentError(None, "OneHot", f"OneHot: depth must be non-negative, got: {d}")
    return d


def _one_hot_infer(indices, depth, on_value, off_value, axis=-1, dtype=dtypes.float32):
    if not indices.dtype.is_integer:
        raise TypeError(f"OneHot: indices must be an integer tensor, got {indices.dtype.name}")
    _shape_like("OneHot", "depth", depth, 0)
    if indices.shape.dims is None:
        return [Spec(TensorShape(None), dtype)]
    dims = list(indices.shape.dims)
    a = len(dims) if axis == -1 else axis
    dims.insert(a, None if depth.value is None else _one_hot_depth(depth.value))
    return [Spec(TensorShape(dims), dtype)]


def _one_hot(indices, depth, on_value, off_value, axis=-1, dtype=dtypes.float32):
    hot = np.asarray(indices)[..., None] == np.arange(_one_hot_depth(depth))
    out = np.where(hot, dtype.np.type(on_value), dtype.np.type(off_value)).astype(dtype.np)
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return out


register(OpDef("OneHot", _one_hot_infer, _one_hot, differentiable=False))


def _no_op_infer():
    return []


def _no_op():
    return ()


register(OpDef("NoOp", _no_op_infer, _no_op, kind=OPAQUE, stateful=True, num_outputs=0, differentiable=False,
               control_only=True))
