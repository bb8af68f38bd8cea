"""tf-level array functions beyond the basics: sort/argsort/top_k, unique, searchsorted, roll, reverse,
scatter_nd and tensor_scatter_nd_*, boolean_mask, meshgrid, repeat, sequence_mask, histograms,
norms and clipping by norm, and small helpers (identity_n, shape_n, ensure_shape, slice...).

Ops of their own live in ops/array_extra.py and ops/selection.py; the rest are compositions.
"""
from __future__ import annotations

import builtins
import collections

import numpy as np

from ... import dtypes
from ...shapes import TensorShape, broadcast_dims
from .. import array_extra as _array_extra_ops  # noqa: F401  (declares the ops)
from .. import selection as _selection_ops  # noqa: F401
from ..convert import convert_to_tensor, is_tensorlike, python_value
from ..dispatch import apply
from ..static_value import constant_value
from .construct import control_dependencies, fill, ones, ones_like, range, zeros_like
from .logic import less, where
from .math import add, cast, clip_by_value, divide, identity, maximum, minimum, multiply, negative, sqrt, square
from .math_extra import reduce_euclidean_norm
from .op_call import opdef
from .reduce import reduce_all, reduce_max, reduce_sum
from .segment import bincount
from .shape import (
    concat,
    expand_dims,
    gather,
    reshape,
    shape,
    shape_tensor,
    size,
    stack,
    strided_slice,
    transpose,
)


def _static(v, what, op):
    v = python_value(v)
    if hasattr(v, "op"):
        v = constant_value(v)
    if v is None:
        raise ValueError(f"{op}: {what} must be known when the graph is built")
    return np.asarray(v)


# ---- ordering -----------------------------------------------------------------------------------------

# What top_k returns, as TensorFlow's: a pair with named fields (`.values`, `.indices`).
TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def top_k(input, k=1, sorted=True, index_type=dtypes.int32, name=None):  # noqa: A002
    """The k largest entries of the last axis and their indices (ties: the lower index first); k may
    be a graph tensor known only when the graph runs."""
    x = convert_to_tensor(input)
    k = convert_to_tensor(k, dtype=None if is_tensorlike(k) else dtypes.int32)   # may be known only when run
    values, indices = apply(opdef("TopKV2"), (x, k), {"sorted": bool(sorted),
                                                     "index_type": dtypes.as_dtype(index_type)}, name)
    return TopKV2(values, indices)


def _last_axis_size(x, axis, op):
    rank = x.shape.rank
    if rank is None:
        raise ValueError(f"{op}: the input's rank must be known")
    a = int(axis) % builtins.max(rank, 1)
    n = x.shape.dims[a]
    if n is None:
        raise ValueError(f"{op}: the size of axis {axis} must be known")
    return a, n, rank


def _along_last(x, axis, fn):
    a, n, rank = _last_axis_size(x, axis, "sort")
    if a == rank - 1:
        return fn(x, n)
    perm = list(builtins.range(rank))
    perm[a], perm[-1] = perm[-1], perm[a]
    return transpose(fn(transpose(x, perm), n), perm)


def _check_direction(direction, op):
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"{op}: direction must be 'ASCENDING' or 'DESCENDING', got {direction!r}")


def _sort_key(x, direction):
    return x if direction == "DESCENDING" else negative(x) if x.dtype.name != "bool" else x


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """The indices that sort `values` along `axis` (int32); equal values keep their order."""
    _check_direction(direction, "argsort")
    x = convert_to_tensor(values)
    if direction == "ASCENDING" and x.dtype.is_unsigned:
        raise TypeError("argsort: ascending order of unsigned integers is not supported")
    return _along_last(x, axis, lambda t, n: top_k(_sort_key(t, direction), n)[1])


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """`values` sorted along `axis`."""
    _check_direction(direction, "sort")
    x = convert_to_tensor(values)
    if direction == "DESCENDING":
        return _along_last(x, axis, lambda t, n: top_k(t, n)[0])
    return _along_last(x, axis, lambda t, n: negative(top_k(negative(t), n)[0]))


def approx_max_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True, name=None):
    """The k largest values along `reduction_dimension` and their indices; exact on CPU."""
    x = convert_to_tensor(operand)
    k = int(_static(k, "k", "approx_max_k"))
    return _along_pair(x, reduction_dimension, lambda t: top_k(t, k))


def approx_min_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True, name=None):
    """The k smallest values along `reduction_dimension` and their indices; exact on CPU."""
    x = convert_to_tensor(operand)
    k = int(_static(k, "k", "approx_min_k"))

    def smallest(t):
        v, i = top_k(negative(t), k)
        return negative(v), i
    return _along_pair(x, reduction_dimension, smallest)


def _along_pair(x, axis, fn):
    a, _, rank = _last_axis_size(x, axis, "approx_top_k")
    if a == rank - 1:
        return fn(x)
    perm = list(builtins.range(rank))
    perm[a], perm[-1] = perm[-1], perm[a]
    v, i = fn(transpose(x, perm))
    return transpose(v, perm), transpose(i, perm)


def in_top_k(targets, predictions, k, name=None):
    """Whether each target's prediction is among the k largest of its row (ties count as in)."""
    p, t = convert_to_tensor(predictions), convert_to_tensor(targets)
    return apply(opdef("InTopKV2"), (p, t), {"k": int(_static(k, "k", "in_top_k"))})


def unique(x, out_idx=dtypes.int32, name=None):
    """(y, idx): the distinct values in order of first occurrence, and x's position in y."""
    return tuple(apply(opdef("Unique"), (convert_to_tensor(x),), {"out_idx": dtypes.as_dtype(out_idx)}))


def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    """(y, idx, count): unique, plus how often each value occurs."""
    return tuple(apply(opdef("Unique"), (convert_to_tensor(x),), {"out_idx": dtypes.as_dtype(out_idx),
                                                                 "counts": True}))


def searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32, name=None):
    """Where each of `values` would go in `sorted_sequence` (per row of the last axis)."""
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    s, v = convert_to_tensor(sorted_sequence), convert_to_tensor(values)
    return apply(opdef("SearchSorted"), (s, v), {"side": side, "out_type": dtypes.as_dtype(out_type)})


def invert_permutation(x, name=None):
    """y with y[x[i]] = i."""
    return apply(opdef("InvertPermutation"), (convert_to_tensor(x),), {})


# ---- moving elements ------------------------------------------------------------------------------------

def roll(input, shift, axis, name=None):  # noqa: A002
    """Elements shifted along `axis` (wrapping around); shift and axis may be lists."""
    x = convert_to_tensor(input)
    shift = convert_to_tensor(shift)
    if not shift.dtype.is_integer:
        raise TypeError(f"roll: shift must be int32 or int64, got {shift.dtype.name}")
    axis = tuple(int(a) for a in np.atleast_1d(_static(axis, "axis", "roll")))
    n = shift.shape.num_elements() if shift.shape.is_fully_defined() else None
    if n is not None and n != len(axis):
        raise ValueError(f"roll: shift and axis must have the same length, got {n} and {len(axis)}")
    return apply(opdef("Roll"), (x, shift), {"axis": axis}, name)


def reverse(tensor, axis, name=None):
    """`tensor` with the order of the given axes reversed."""
    x = convert_to_tensor(tensor)
    axes = tuple(int(a) for a in np.atleast_1d(_static(axis, "axis", "reverse")))
    if x.shape.rank is not None:
        axes = tuple(sorted(a % builtins.max(x.shape.rank, 1) for a in axes))
    return apply(opdef("ReverseV2"), (x,), {"axis": axes}, name)


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None):  # noqa: A002
    """Reverse the first seq_lengths[b] entries along `seq_axis` of each batch entry b."""
    x, lengths = convert_to_tensor(input), convert_to_tensor(seq_lengths)
    rank = x.shape.rank
    seq_axis = int(seq_axis) % rank
    batch_axis = int(batch_axis or 0) % rank
    return apply(opdef("ReverseSequence"), (x, lengths), {"seq_axis": seq_axis, "batch_axis": batch_axis})


def scatter_nd(indices, updates, shape, name=None):
    """Zeros of `shape` with `updates` added at `indices` (duplicates add up)."""
    return apply(opdef("ScatterNd"), (convert_to_tensor(indices), convert_to_tensor(updates), shape_tensor(shape)),
                 {}, name)


def _tensor_scatter(kind):
    def fn(tensor, indices, updates, name=None):
        t = convert_to_tensor(tensor)
        return apply(opdef("TensorScatter"), (t, convert_to_tensor(indices), convert_to_tensor(updates, t.dtype)),
                     {"kind": kind}, name)
    fn.__name__ = f"tensor_scatter_nd_{kind}"
    fn.__doc__ = f"A copy of `tensor` with `updates` {kind} at `indices`."
    return fn


tensor_scatter_nd_update, tensor_scatter_nd_add, tensor_scatter_nd_sub, tensor_scatter_nd_max, \
    tensor_scatter_nd_min = (_tensor_scatter(k) for k in ("update", "add", "sub", "max", "min"))


def dynamic_partition(data, partitions, num_partitions, name=None):
    """Split `data` into `num_partitions` tensors by the partition index of each row."""
    return list(apply(opdef("DynamicPartition"), (convert_to_tensor(data), convert_to_tensor(partitions)),
                      {"num_partitions": int(num_partitions)}))


def dynamic_stitch(indices, data, name=None):
    """Interleave the `data` tensors so that row indices[i][j] of the result is data[i][j]."""
    indices = [convert_to_tensor(i) for i in indices]
    data = [convert_to_tensor(d) for d in data]
    if len(indices) != len(data):
        raise ValueError(f"dynamic_stitch: {len(indices)} index tensors but {len(data)} data tensors")
    return apply(opdef("DynamicStitch"), tuple(indices + data), {"n": len(indices)})


def unravel_index(indices, dims, name=None):
    """The coordinates (one row per dimension) of flat indices into an array of shape `dims`."""
    i = convert_to_tensor(indices)
    return apply(opdef("UnravelIndex"), (i, convert_to_tensor(dims, dtype=i.dtype)), {})


def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """The entries of `tensor` where `mask` is true; mask covers axes axis..axis+rank(mask)-1."""
    x, m = convert_to_tensor(tensor), convert_to_tensor(mask)
    if m.dtype is not dtypes.bool_:
        raise TypeError(f"boolean_mask: mask must be bool, got {m.dtype.name}")
    k = m.shape.rank
    if k is None or k == 0:
        raise ValueError("boolean_mask: mask must have a known rank of at least 1")
    axis = int(axis or 0)
    xs = x.shape.dims
    if xs is not None and not TensorShape(xs[axis:axis + k]).is_compatible_with(m.shape):
        raise ValueError(f"boolean_mask: shapes {x.shape} and {m.shape} are incompatible")
    lead = shape(x)[:axis]
    flat = reshape(x, concat([lead, [-1], shape(x)[axis + k:]], 0))
    picks = reshape(where(reshape(m, [-1])), [-1])
    return gather(flat, picks, axis=axis)


def meshgrid(*args, indexing="xy", **kwargs):
    """Coordinate grids from 1-D tensors; `indexing="xy"` swaps the first two axes (Cartesian)."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    xs = [reshape(convert_to_tensor(a), [-1]) for a in args]
    n = len(xs)
    if n == 0:
        return []
    shapes = [size(x) for x in xs]
    if indexing == "xy" and n > 1:
        shapes[0], shapes[1] = shapes[1], shapes[0]
    out = []
    for i, x in enumerate(xs):
        pos = (1 - i if i < 2 else i) if indexing == "xy" and n > 1 else i
        view = [1] * n
        view[pos] = -1
        grid = reshape(x, view)
        out.append(multiply(grid, ones(stack(shapes), x.dtype)) if x.dtype.name != "bool" else grid)
    return out


def repeat(input, repeats, axis=None, name=None):  # noqa: A002
    """Each element (slice along `axis`; the flattened input when axis is None) repeated `repeats` times."""
    x = convert_to_tensor(input)
    if axis is None:
        x, axis = reshape(x, [-1]), 0
    if x.shape.rank is None:
        raise ValueError("repeat: the input's rank must be known")
    a = int(axis) % builtins.max(x.shape.rank, 1)
    n = x.shape.dims[a]
    known = python_value(repeats)
    known = constant_value(known) if hasattr(known, "op") else known
    if n is not None and known is not None and np.all(np.asarray(known) >= 0):   # indices known while built
        reps = np.broadcast_to(np.asarray(known).astype(np.int64), (n,))
        index = np.repeat(np.arange(n, dtype=np.int32), reps)
        return gather(x, convert_to_tensor(index), axis=axis)
    reps = cast(convert_to_tensor(repeats), dtypes.int32)
    if reps.shape.rank == 0:     # as TF: each element tiled `repeats` times (a negative count is Tile's error)
        from .shape import tile
        multiples = concat([[1] * (a + 1), reshape(reps, [1]), [1] * (x.shape.rank - a - 1)], 0)
        dims = shape(x)
        return reshape(tile(expand_dims(x, a + 1), multiples),
                       concat([dims[:a], reshape(dims[a] * reps, [1]), dims[a + 1:]], 0))
    # Repeats or the axis's size known only when the graph runs: element i of the axis sits at the
    # positions [cumsum(reps)[i-1], cumsum(reps)[i]), so position p takes the first i whose cumsum > p.
    # A negative count is an error (TF's answer depends on the shapes: a wrong length or an error).
    from .debug import Assert
    from .segment import cumsum
    reps = reshape(reps, [-1])
    check = Assert(reduce_all(reps >= 0), ["repeat: repeats must be non-negative, got", reps])
    with control_dependencies([] if check is None else [check]):
        per_element = identity(reps) + zeros_like(range(shape(x)[a]))
    index = searchsorted(cumsum(per_element), range(reduce_sum(per_element)), side="right")
    return gather(x, index, axis=axis)


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool_, name=None):
    """mask[..., j] = j < lengths[...]; maxlen defaults to max(lengths)."""
    lengths = convert_to_tensor(lengths)
    if maxlen is None:
        maxlen = maximum(reduce_max(lengths), zeros_like(reduce_max(lengths)))
    if is_tensorlike(maxlen):     # a run-time length: 0, 1, ... as the running count of ones
        from .segment import cumsum
        row = cumsum(fill(reshape(cast(maxlen, dtypes.int32), [1]), convert_to_tensor(1, lengths.dtype)),
                     exclusive=True)
    else:
        row = range(int(maxlen), dtype=lengths.dtype)
    mask = less(row, expand_dims(lengths, -1))
    dtype = dtypes.as_dtype(dtype)
    return mask if dtype is dtypes.bool_ else cast(mask, dtype)


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """The bin of each value among `nbins` equal bins over value_range (outside: the end bins)."""
    v = convert_to_tensor(values)
    r = convert_to_tensor(value_range, dtype=v.dtype)
    lo, hi = r[0], r[1]
    scaled = divide(v - lo, hi - lo) if v.dtype.is_floating else \
        divide(cast(v - lo, dtypes.float64), cast(hi - lo, dtypes.float64))
    n = int(_static(nbins, "nbins", "histogram_fixed_width"))
    from .math import floor
    bins = cast(floor(multiply(scaled, float(n))), dtypes.int64)
    return cast(clip_by_value(bins, 0, n - 1), dtypes.as_dtype(dtype))


def histogram_fixed_width(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """Counts of `values` in `nbins` equal bins over value_range (outside values go to the end bins)."""
    n = int(_static(nbins, "nbins", "histogram_fixed_width"))
    bins = histogram_fixed_width_bins(reshape(convert_to_tensor(values), [-1]), value_range, n, dtypes.int32)
    return bincount(bins, minlength=n, maxlength=n, dtype=dtypes.as_dtype(dtype))


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=dtypes.int32, name=None):
    """m[i, j]: how many (or how much weight of) examples with label i were predicted j."""
    labels = cast(convert_to_tensor(labels), dtypes.int64)
    predictions = cast(convert_to_tensor(predictions), dtypes.int64)
    if num_classes is None:
        n = add(maximum(reduce_max(labels), reduce_max(predictions)), 1)
    else:
        n = convert_to_tensor(num_classes, dtype=dtypes.int64)
    dtype = dtypes.as_dtype(dtype)
    ones_ = ones_like(labels, dtype=dtype) if weights is None else cast(convert_to_tensor(weights), dtype)
    return scatter_nd(stack([labels, predictions], 1), ones_, stack([n, n]))


# ---- norms ---------------------------------------------------------------------------------------------

def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002
    """Vector norms (ord 1, 2/'euclidean', inf, p > 0) over `axis` (None: every element), and the
    matrix norms 'fro'/'euclidean', 1 and inf over a pair of axes."""
    x = convert_to_tensor(tensor)
    keep = bool(keepdims)
    pair = isinstance(axis, (list, tuple)) and len(axis) == 2
    if pair:
        a0, a1 = axis
        if ord in ("fro", "euclidean"):
            return reduce_euclidean_norm(x, list(axis), keep)
        if ord == 1:
            return reduce_max(reduce_sum(abs_(x), a0, keepdims=True), a1, keepdims=True) if keep else \
                _squeeze2(reduce_max(reduce_sum(abs_(x), a0, keepdims=True), a1, keepdims=True), axis)
        if ord == np.inf:
            m = reduce_max(reduce_sum(abs_(x), a1, keepdims=True), a0, keepdims=True)
            return m if keep else _squeeze2(m, axis)
        raise ValueError(f"norm: ord {ord!r} is not supported for matrices (use 'fro', 'euclidean', 1 or inf)")
    if isinstance(axis, (list, tuple)) and len(axis) == 1:
        axis = axis[0]
    if ord in ("euclidean", 2):
        return reduce_euclidean_norm(x, axis, keep)
    if ord == 1:
        return reduce_sum(abs_(x), axis, keep)
    if ord == np.inf:
        return reduce_max(abs_(x), axis, keep)
    if isinstance(ord, (int, float)) and ord > 0 and not isinstance(ord, bool):
        from .math import pow as pow_
        return pow_(reduce_sum(pow_(abs_(x), float(ord)), axis, keep), 1.0 / ord)
    raise ValueError(f"norm: ord must be 'euclidean', 'fro', 1, 2, inf or a positive number, got {ord!r}")


def abs_(x):
    from .math import abs as _abs
    return _abs(x)


def _squeeze2(m, axis):
    from .shape import squeeze
    return squeeze(m, sorted(axis))


def global_norm(t_list, name=None):
    """sqrt(sum of squares of every element of every tensor in t_list); None entries are skipped."""
    ts = [convert_to_tensor(t) for t in t_list if t is not None]
    if not ts:
        return convert_to_tensor(0.0)
    return sqrt(add_all([reduce_sum(square(t)) for t in ts]))


def add_all(xs):
    out = xs[0]
    for x in xs[1:]:
        out = add(out, x)
    return out


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """t scaled down so that its L2 norm over `axes` is at most clip_norm."""
    t = convert_to_tensor(t)
    c = convert_to_tensor(clip_norm, dtype=t.dtype)
    ss = reduce_sum(square(t), axes, keepdims=True)
    positive = less(zeros_like(ss), ss)
    safe = where(positive, ss, ones_like(ss))
    n = where(positive, sqrt(safe), ss)
    return divide(multiply(t, c), maximum(n, c))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """(clipped list, global norm): every tensor scaled by clip_norm / max(global_norm, clip_norm)."""
    if not isinstance(t_list, (list, tuple)):
        raise TypeError("clip_by_global_norm: t_list should be a sequence")
    g = global_norm(t_list) if use_norm is None else convert_to_tensor(use_norm)
    c = convert_to_tensor(clip_norm, dtype=g.dtype)
    scale = multiply(c, minimum(divide(ones_like(g), g), divide(ones_like(c), c)))
    out = [None if t is None else multiply(convert_to_tensor(t), cast(scale, convert_to_tensor(t).dtype))
           for t in t_list]
    return out, g


# ---- small helpers -------------------------------------------------------------------------------------

def guarantee_const(input, name=None):  # noqa: A002
    """The input, promised constant (graphflow folds constants without the promise)."""
    return identity(input)


def identity_n(input, name=None):  # noqa: A002
    """identity of each tensor of a list."""
    return [identity(x) for x in input]


def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """The shapes of a list of tensors."""
    return [shape(x, out_type) for x in input]


def ensure_shape(x, shape, name=None):  # noqa: A002
    """x, checked to have a shape compatible with `shape` (None/-1 dims are free); the static shape
    becomes the merge of both."""
    x = convert_to_tensor(x)
    dims = TensorShape(shape) if not isinstance(shape, TensorShape) else shape
    dims = None if dims.dims is None else tuple(None if d is None or d == -1 else int(d) for d in dims.dims)
    return apply(opdef("EnsureShape"), (x,), {"shape": dims}, name)


def slice(input_, begin, size, name=None):  # noqa: A001
    """input_[begin[i] : begin[i] + size[i]] along each axis; size -1 takes the rest."""
    x = convert_to_tensor(input_)
    try:
        b = [int(v) for v in _static(begin, "begin", "slice").reshape(-1)]
        s = [int(v) for v in _static(size, "size", "slice").reshape(-1)]
    except (ValueError, NotImplementedError):     # known only when the graph runs
        return _slice_of_tensors(x, begin, size)
    if len(b) != len(s) or (x.shape.rank is not None and len(b) != x.shape.rank):
        raise ValueError(f"slice: begin and size must have one entry per dimension of a rank-{x.shape.rank} input")
    key = tuple(builtins.slice(bb, None if ss == -1 else bb + ss) for bb, ss in zip(b, s))
    return strided_slice(x, key)


def _slice_of_tensors(x, begin, size):
    """gf.slice with begin / size known only when the graph runs: size -1 (the rest) is the axis's
    size as the slice's stop, which clamps it."""
    rank = x.shape.rank
    if rank is None:
        raise ValueError("slice: begin and size known only when the graph runs need the input's rank")
    begin, size = cast(convert_to_tensor(begin), dtypes.int32), cast(convert_to_tensor(size), dtypes.int32)
    dims = shape(x)
    key = tuple(builtins.slice(begin[i], where(less(size[i], 0), dims[i], begin[i] + size[i]))
                for i in builtins.range(rank))
    return strided_slice(x, key)


def parallel_stack(values, name="parallel_stack"):
    """stack along a new first axis (TensorFlow's parallel variant gives the same values)."""
    return stack(values, 0)


def tuple_(tensors, name=None, control_inputs=None):
    """The tensors, each available only after all of them (and `control_inputs`) are computed."""
    ts = [t for t in tensors if t is not None]
    deps = ts + list(control_inputs or [])
    with control_dependencies(deps):
        return [None if t is None else identity(t) for t in tensors]


def broadcast_static_shape(shape_x, shape_y):
    """The broadcast of two TensorShapes (ValueError when they are incompatible)."""
    a, b = TensorShape(shape_x), TensorShape(shape_y)
    if a.dims is None or b.dims is None:
        return TensorShape(None)
    try:
        return TensorShape(broadcast_dims(a.dims, b.dims))
    except ValueError:
        raise ValueError(f"Incompatible shapes for broadcasting: {a} and {b}") from None


def broadcast_dynamic_shape(shape_x, shape_y):
    """The broadcast of two shape vectors, as a shape vector."""
    a = shape_tensor(shape_x)
    b = convert_to_tensor(shape_tensor(shape_y), dtype=a.dtype)
    return apply(opdef("BroadcastArgs"), (a, b), {})


def bitcast(input, type, name=None):  # noqa: A002
    """The same bytes read as another dtype (a wider type eats the last axis, a narrower adds one)."""
    return apply(opdef("Bitcast"), (convert_to_tensor(input),), {"type": dtypes.as_dtype(type)}, name)


def left_shift(x, y, name=None):
    """x << y elementwise (integers)."""
    from .op_call import binary
    return binary("LeftShift", x, y, name)


def right_shift(x, y, name=None):
    """x >> y elementwise (integers; arithmetic for signed)."""
    from .op_call import binary
    return binary("RightShift", x, y, name)



def bitwise_and(x, y, name=None):
    """x & y elementwise (integers)."""
    from .op_call import binary
    return binary("BitwiseAnd", x, y, name)


def bitwise_or(x, y, name=None):
    """x | y elementwise (integers)."""
    from .op_call import binary
    return binary("BitwiseOr", x, y, name)


def bitwise_xor(x, y, name=None):
    """x ^ y elementwise (integers)."""
    from .op_call import binary
    return binary("BitwiseXor", x, y, name)


def bitwise_invert(x, name=None):
    """~x elementwise (integers, signed and unsigned)."""
    from .op_call import unary
    return unary("Invert", x, name)


def _bound_entries(v, what):
    """strided_slice's begin / end: Python ints when known while the graph is built, else the
    entries of the (run-time) vector as scalar graph tensors."""
    try:
        return [int(x) for x in _static(v, what, "strided_slice").reshape(-1)]
    except (ValueError, NotImplementedError):
        t = convert_to_tensor(v)
        n = t.shape.dims[0] if t.shape.rank == 1 else None
        if n is None:
            raise ValueError(f"strided_slice: {what} must be a vector of known length") from None
        return [t[i] for i in builtins.range(n)]


def tf_strided_slice(input_, begin, end=None, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                     new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """TensorFlow's strided_slice(input_, begin, end, strides, *_mask): begin/end/strides hold one
    entry per slice spec; bit i of a mask makes spec i take the whole range from the start/to the end,
    an ellipsis, a new axis, or one index (shrinking the axis). `strided_slice(x, key)` with a
    Python index key also works."""
    if end is None and isinstance(begin, tuple):
        return strided_slice(input_, begin)
    b, e = _bound_entries(begin, "begin"), _bound_entries(end, "end")
    s = [1] * len(b) if strides is None else [int(v) for v in _static(strides, "strides", "strided_slice").reshape(-1)]
    key = []
    for i in builtins.range(len(b)):
        bit = 1 << i
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(b[i])
        else:
            key.append(builtins.slice(None if begin_mask & bit else b[i], None if end_mask & bit else e[i], s[i]))
    return strided_slice(convert_to_tensor(input_), tuple(key))


# ---- space_to_batch / batch_to_space --------------------------------------------------------------------

def _block_args(x, block_shape, pairs, op):
    block = [int(v) for v in _static(block_shape, "block_shape", op).reshape(-1)]
    pads = _static(pairs, "paddings", op).reshape(-1, 2).astype(np.int64)
    if len(block) != len(pads):
        raise ValueError(f"{op}: block_shape has {len(block)} entries but paddings/crops {len(pads)}")
    if any(b < 1 for b in block):
        raise ValueError(f"{op}: block_shape must be positive, got {block}")
    dims = x.shape.as_list() if x.shape.rank is not None else None
    if dims is None or None in dims[1:len(block) + 1]:
        raise ValueError(f"{op}: the spatial dimensions of the input must be known")
    return block, pads, dims


def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002
    """Zero-pad the spatial dims (1..M) by `paddings`, cut them into blocks of `block_shape` and move
    the position inside each block into the batch dimension."""
    from .shape import pad
    x = convert_to_tensor(input)
    block, pads, dims = _block_args(x, block_shape, paddings, "space_to_batch_nd")
    m = len(block)
    full = [[0, 0]] + pads.tolist() + [[0, 0]] * (len(dims) - 1 - m)
    padded = pad(x, full) if pads.any() else x
    spatial = [dims[1 + i] + int(pads[i].sum()) for i in builtins.range(m)]
    for i, (s, b) in enumerate(zip(spatial, block)):
        if s % b:
            raise ValueError(f"space_to_batch_nd: padded dimension {i + 1} ({s}) is not divisible by block size {b}")
    rest = dims[1 + m:]
    shape_ = [-1 if dims[0] is None else dims[0]]
    for s, b in zip(spatial, block):
        shape_ += [s // b, b]
    y = reshape(padded, shape_ + rest)
    perm = [2 + 2 * i for i in builtins.range(m)] + [0] + [1 + 2 * i for i in builtins.range(m)] + \
        list(builtins.range(1 + 2 * m, 1 + 2 * m + len(rest)))
    y = transpose(y, perm)
    return reshape(y, [-1] + [s // b for s, b in zip(spatial, block)] + rest)


def batch_to_space_nd(input, block_shape, crops, name=None):  # noqa: A002
    """The inverse of space_to_batch_nd: move blocks out of the batch dimension into the spatial dims
    (1..M), then remove `crops` from their ends."""
    x = convert_to_tensor(input)
    block, crop, dims = _block_args(x, block_shape, crops, "batch_to_space_nd")
    m = len(block)
    prod = int(np.prod(block))
    if dims[0] is not None and dims[0] % prod:
        raise ValueError(f"batch_to_space_nd: the batch size {dims[0]} is not divisible by prod(block_shape) {prod}")
    spatial, rest = dims[1:1 + m], dims[1 + m:]
    y = reshape(x, block + [-1] + spatial + rest)
    perm = [m]
    for i in builtins.range(m):
        perm += [m + 1 + i, i]
    perm += list(builtins.range(2 * m + 1, 2 * m + 1 + len(rest)))
    y = transpose(y, perm)
    full = [s * b for s, b in zip(spatial, block)]
    y = reshape(y, [-1] + full + rest)
    key = (builtins.slice(None),) + tuple(builtins.slice(int(c[0]), f - int(c[1])) for c, f in zip(crop, full))
    return strided_slice(y, key) if crop.any() else y


def space_to_batch(input, block_shape, paddings, name=None):  # noqa: A002
    """TF2's space_to_batch: space_to_batch_nd."""
    return space_to_batch_nd(input, block_shape, paddings, name)


def batch_to_space(input, block_shape, crops, name=None):  # noqa: A002
    """TF2's batch_to_space: batch_to_space_nd."""
    return batch_to_space_nd(input, block_shape, crops, name)


def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None, name=None):
    """(paddings, crops) that make input_shape (after base_paddings) divisible by block_shape, as int32."""
    shape_ = _static(input_shape, "input_shape", "required_space_to_batch_paddings").reshape(-1).astype(np.int64)
    block = _static(block_shape, "block_shape", "required_space_to_batch_paddings").reshape(-1).astype(np.int64)
    base = np.zeros((len(block), 2), np.int64) if base_paddings is None else \
        _static(base_paddings, "base_paddings", "required_space_to_batch_paddings").reshape(-1, 2).astype(np.int64)
    start, end = base[:, 0], base[:, 1]
    extra = (block - (shape_ + start + end) % block) % block
    paddings = np.stack([start, end + extra], 1).astype(np.int32)
    crops = np.stack([np.zeros_like(extra), extra], 1).astype(np.int32)
    return convert_to_tensor(paddings), convert_to_tensor(crops)


def extract_volume_patches(input, ksizes, strides, padding, name=None):  # noqa: A002
    """Patches of a 5-D input [batch, planes, rows, cols, depth] (ksizes/strides [1, p, r, c, 1]) laid
    out along the last axis: [batch, out_planes, out_rows, out_cols, p * r * c * depth]."""
    x = convert_to_tensor(input)
    k, s = [int(v) for v in ksizes], [int(v) for v in strides]
    if len(k) != 5 or len(s) != 5 or k[0] != 1 or k[4] != 1 or s[0] != 1 or s[4] != 1:
        raise ValueError("extract_volume_patches: ksizes and strides must be [1, p, r, c, 1]")
    return apply(opdef("ExtractVolumePatches"), (x,), {"ksizes": tuple(k[1:4]), "strides": tuple(s[1:4]),
                                                      "padding": padding}, name)
