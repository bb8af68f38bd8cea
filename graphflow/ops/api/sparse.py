"""tf.sparse: functions of SparseTensors, each a composition of dense ops (gather/scatter,
unique + segment reductions over row-major linear indices, argsort for TensorFlow's canonical
order), so they run eagerly, in graphs and under a tape like any other composition.

Eagerly the validity checks TensorFlow's kernels make (indices in bounds and ordered, matching
shapes) raise InvalidArgumentError at once; in a graph the scatter that builds a dense result
rejects out-of-bounds indices when it runs.
"""
from __future__ import annotations

import numpy as np

from ... import context as ctx_mod
from ... import dtypes
from ...eager.tensor import EagerTensor
from ...errors import InvalidArgumentError
from ..convert import convert_to_tensor
from .array_extra import argsort, boolean_mask, scatter_nd, tensor_scatter_nd_update, unique, unravel_index
from .construct import fill, zeros
from .logic import greater, greater_equal, less, logical_and, not_equal, where
from .math import abs as abs_
from .math import add as dense_add
from .math import cast, maximum, minimum, multiply, subtract
from .reduce import reduce_all
from .reduce import reduce_sum as dense_sum
from .segment import cumprod, unsorted_segment_max, unsorted_segment_sum
from .shape import concat as dense_concat
from .shape import gather, gather_nd, shape, stack
from .shape import reshape as dense_reshape
from .shape import transpose as dense_transpose
from .sparse_tensor import SparseTensor

_ctx = ctx_mod.context()

__all__ = ["SparseTensor", "add", "concat", "expand_dims", "from_dense", "map_values", "reduce_max", "reduce_sum",
           "reorder", "reshape", "retain", "slice", "sparse_dense_matmul", "to_dense", "transpose"]


def _sparse(sp, what: str) -> SparseTensor:
    if not isinstance(sp, SparseTensor):
        raise TypeError(f"{what}: expected a SparseTensor, got {type(sp).__name__}")
    return sp


def _eager_parts(sp: SparseTensor):
    """(indices, dense_shape) as numpy when known now (eagerly), else None."""
    if isinstance(sp.indices, EagerTensor) and isinstance(sp.dense_shape, EagerTensor):
        return sp.indices.numpy(), sp.dense_shape.numpy()
    return None


def _check_indices(sp: SparseTensor, ordered: bool, what: str) -> None:
    parts = _eager_parts(sp)
    if parts is None:
        return
    idx, dense_shape = parts
    for i, row in enumerate(idx):
        if np.any(row < 0) or np.any(row >= dense_shape):
            raise InvalidArgumentError(None, what, f"indices[{i}] = [{','.join(map(str, row))}] is out of bounds: "
                                       f"need 0 <= index < [{','.join(map(str, dense_shape))}]")
        if ordered and i and tuple(row) <= tuple(idx[i - 1]):
            kind = "repeated" if tuple(row) == tuple(idx[i - 1]) else "out of order"
            raise InvalidArgumentError(None, what, f"indices[{i}] = [{','.join(map(str, row))}] is {kind}. Many "
                                       "sparse ops require sorted indices. Use `tf.sparse.reorder` to create a "
                                       "correctly ordered copy.")


def _linear(indices, dense_shape):
    """Row-major position of each index (int64), the order TensorFlow's canonical ordering sorts by."""
    strides = cumprod(dense_shape, exclusive=True, reverse=True)
    return dense_sum(multiply(indices, strides), axis=1)


def _unlinear(positions, dense_shape):
    return dense_transpose(unravel_index(positions, dense_shape))


def _sorted(indices, values, dense_shape) -> SparseTensor:
    order = argsort(_linear(indices, dense_shape), stable=True)
    return SparseTensor(gather(indices, order), gather(values, order), dense_shape)


def _segments(segment_fn, values, segment, uniq, what: str):
    """segment_fn over the groups `unique` found: their count is only known when the values are,
    and graphflow's graphs need sizes (of this reduction and the sort after it) when built."""
    if not _ctx.eager:
        raise ValueError(f"{what} inside gf.function or a TF1 graph is not supported by graphflow: the number of "
                         "entries of its result is only known when the graph runs. Call it eagerly (to_dense, "
                         "from_dense, sparse_dense_matmul, map_values, retain, slice and reshaping work in graphs)")
    return segment_fn(values, segment, shape(uniq)[0])


# ---- conversion ------------------------------------------------------------------------------------------

def to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """The dense tensor: values at their indices, `default_value` (zero) elsewhere."""
    sp = _sparse(sp_input, "to_dense")
    _check_indices(sp, bool(validate_indices), "SparseToDense")
    default = zeros([], sp.dtype) if default_value is None else convert_to_tensor(default_value, dtype=sp.dtype)
    return tensor_scatter_nd_update(fill(sp.dense_shape, default), sp.indices, sp.values)


def from_dense(tensor, name=None) -> SparseTensor:
    """The non-zero entries of a dense tensor, in row-major order."""
    t = convert_to_tensor(tensor)
    indices = where(not_equal(t, zeros([], t.dtype)))
    return SparseTensor(indices, gather_nd(t, indices), shape(t, out_type=dtypes.int64))


def reorder(sp_input, name=None) -> SparseTensor:
    """The same entries in TensorFlow's canonical (row-major) order."""
    sp = _sparse(sp_input, "reorder")
    return _sorted(sp.indices, sp.values, sp.dense_shape)


# ---- arithmetic ------------------------------------------------------------------------------------------

def add(a, b, threshold=0, name=None):
    """sparse + sparse (a SparseTensor; entries with |value| < threshold dropped) or sparse + dense
    (a dense tensor)."""
    if not isinstance(a, SparseTensor):
        a, b = b, a
    a = _sparse(a, "sparse.add")
    if not isinstance(b, SparseTensor):
        return _add_dense(a, b)
    pa, pb = _eager_parts(a), _eager_parts(b)
    if pa is not None and pb is not None and not np.array_equal(pa[1], pb[1]):
        bad = int(np.argmax(pa[1] != pb[1])) if len(pa[1]) == len(pb[1]) else 0
        raise InvalidArgumentError(None, "SparseAdd", f"Operands' shapes do not match: got {pa[1][bad]} and "
                                   f"{pb[1][bad] if len(pb[1]) > bad else '?'} for dimension {bad}")
    positions = _linear(dense_concat([a.indices, b.indices], 0), a.dense_shape)
    values = dense_concat([a.values, convert_to_tensor(b.values, dtype=a.dtype)], 0)
    uniq, segment = unique(positions)
    sums = _segments(unsorted_segment_sum, values, segment, uniq, "tf.sparse.add")
    keep = greater_equal(abs_(sums), cast(convert_to_tensor(threshold), abs_(sums).dtype))
    uniq, sums = boolean_mask(uniq, keep), boolean_mask(sums, keep)
    order = argsort(uniq, stable=True)
    return SparseTensor(_unlinear(gather(uniq, order), a.dense_shape), gather(sums, order), a.dense_shape)


def _add_dense(sp, dense):
    return dense_add(to_dense(sp), convert_to_tensor(dense, dtype=sp.dtype))


def sparse_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """sp_a @ b for a rank-2 SparseTensor and a dense matrix (adjoints conjugate-transpose)."""
    from .math_extra import conj
    sp = _sparse(sp_a, "sparse_dense_matmul")
    b = convert_to_tensor(b, dtype_hint=sp.dtype)
    if adjoint_b:
        b = conj(dense_transpose(b))
    rows, cols = sp.indices[:, 0], sp.indices[:, 1]
    values = conj(sp.values) if adjoint_a else sp.values
    if adjoint_a:
        rows, cols = cols, rows
    n_rows = sp.shape[1] if adjoint_a else sp.shape[0]
    if n_rows is None:
        n_rows = sp.dense_shape[1] if adjoint_a else sp.dense_shape[0]
    inner = sp.shape[0] if adjoint_a else sp.shape[1]
    if inner is not None and b.shape.rank == 2 and b.shape[0] is not None and inner != b.shape[0]:
        raise InvalidArgumentError(None, "SparseTensorDenseMatMul", f"Cannot multiply A and B because inner "
                                   f"dimension does not match: {inner} vs. {b.shape[0]}.")
    if b.dtype is not sp.dtype:
        raise TypeError(f"sparse_dense_matmul: the SparseTensor is {sp.dtype.name} but b is {b.dtype.name}")
    products = multiply(dense_reshape(values, [-1, 1]), gather(b, cols))
    return unsorted_segment_sum(products, rows, n_rows)


def map_values(op, *args, **kwargs) -> SparseTensor:
    """`op` applied to the values of the SparseTensors among the arguments (they must share
    indices); other arguments are passed as they are."""
    from ...nest import flatten, pack_as
    found = [x for x in flatten((args, kwargs)) if isinstance(x, SparseTensor)]
    if not found:
        raise ValueError("map_values: no SparseTensor among the arguments")
    first = found[0]
    for other in found[1:]:
        p, q = _eager_parts(first), _eager_parts(other)
        if p is not None and q is not None and not (np.array_equal(p[0], q[0]) and np.array_equal(p[1], q[1])):
            raise InvalidArgumentError(None, "map_values", "map_values: SparseTensors must have the same indices "
                                       "and dense_shape")
    args, kwargs = pack_as((args, kwargs), [x.values if isinstance(x, SparseTensor) else x
                                           for x in flatten((args, kwargs))])
    return first.with_values(op(*args, **kwargs))


def retain(sp_input, to_retain) -> SparseTensor:
    """The entries whose `to_retain` flag is True."""
    sp = _sparse(sp_input, "retain")
    keep = convert_to_tensor(to_retain, dtype=dtypes.bool_)
    return SparseTensor(boolean_mask(sp.indices, keep), boolean_mask(sp.values, keep), sp.dense_shape)


# ---- reductions ------------------------------------------------------------------------------------------

def _axes(sp: SparseTensor, axis) -> list:
    rank = sp.shape.rank
    if rank is None:
        raise ValueError("sparse reductions need the SparseTensor's rank known")
    if axis is None:
        return list(range(rank))
    axes = [int(a) for a in np.reshape(axis, -1)]
    return sorted({a + rank if a < 0 else a for a in axes})


def _reduce(sp, axis, keepdims, output_is_sparse, segment_fn):
    """Entries grouped by their index on the kept axes; each group reduced by `segment_fn`. Empty
    groups are zero in a dense result (TensorFlow's, for sum and max alike)."""
    rank = sp.shape.rank
    axes = _axes(sp, axis)
    kept = [d for d in range(rank) if d not in axes]
    kept_shape = gather(sp.dense_shape, kept) if kept else zeros([0], dtypes.int64)
    if kept:
        uniq, segment = unique(_linear(gather(sp.indices, kept, axis=1), kept_shape))
        reduced = _segments(segment_fn, sp.values, segment, uniq, "a tf.sparse reduction over some axes")
        order = argsort(uniq, stable=True)
        out_idx, out_values = _unlinear(gather(uniq, order), kept_shape), gather(reduced, order)
    else:                               # one group: every entry, or none at all
        n = shape(sp.values)[:1]
        has = dense_reshape(greater(n, 0), [1])
        reduced = segment_fn(sp.values, zeros(n, dtypes.int32), 1)
        out_idx, out_values = boolean_mask(zeros([1, 0], dtypes.int64), has), boolean_mask(reduced, has)
    out_shape = kept_shape
    if keepdims:
        columns = iter(range(len(kept)))
        out_idx = stack([out_idx[:, next(columns)] if d in kept else _zero_column(out_idx)
                         for d in range(rank)], axis=1) if rank else out_idx
        out_shape = stack([sp.dense_shape[d] if d in kept else convert_to_tensor(1, dtypes.int64)
                           for d in range(rank)]) if rank else out_shape
    if output_is_sparse:
        return SparseTensor(out_idx, out_values, out_shape)
    if not kept:                        # a scalar (or all ones): the group's value, or 0 when empty
        return dense_reshape(dense_sum(out_values), [1] * rank if keepdims else [])
    return scatter_nd(out_idx, out_values, out_shape)


def _zero_column(indices):
    return zeros(shape(indices)[:1], dtypes.int64)


def reduce_sum(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """Sum of the entries along `axis` (all axes when None): dense, or sparse with output_is_sparse."""
    sp = _sparse(sp_input, "sparse.reduce_sum")
    return _reduce(sp, axis, bool(keepdims), output_is_sparse, unsorted_segment_sum)


def reduce_max(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """Max of the entries present along `axis` (missing entries are not zeros here; an empty
    group gives 0, as TensorFlow)."""
    sp = _sparse(sp_input, "sparse.reduce_max")
    return _reduce(sp, axis, bool(keepdims), output_is_sparse, unsorted_segment_max)


# ---- reshaping -------------------------------------------------------------------------------------------

def concat(axis, sp_inputs, expand_nonconcat_dims=False, name=None) -> SparseTensor:
    """SparseTensors joined along `axis` (canonical order); with expand_nonconcat_dims the other
    dimensions are the largest of the inputs'."""
    sps = [_sparse(s, "sparse.concat") for s in sp_inputs]
    rank = sps[0].shape.rank
    axis = int(axis) + rank if int(axis) < 0 else int(axis)
    offset = zeros([], dtypes.int64)
    indices, values = [], []
    one_hot = np.zeros([rank], np.int64)
    one_hot[axis] = 1
    for s in sps:
        indices.append(dense_add(s.indices, multiply(offset, convert_to_tensor(one_hot))))
        values.append(s.values)
        offset = dense_add(offset, s.dense_shape[axis])
    shapes = stack([s.dense_shape for s in sps])
    if expand_nonconcat_dims:
        from .reduce import reduce_max as dense_max
        out_shape = dense_max(shapes, axis=0)
    else:
        out_shape = shapes[0]
        for s in sps[1:]:
            p, q = _eager_parts(sps[0]), _eager_parts(s)
            if p is not None and q is not None and (np.delete(p[1], axis) != np.delete(q[1], axis)).any():
                raise InvalidArgumentError(None, "SparseConcat", f"Input shapes must match: expected "
                                           f"{p[1].tolist()} but got {q[1].tolist()} (except along axis {axis})")
    along = convert_to_tensor(one_hot)
    out_shape = dense_add(multiply(out_shape, subtract(convert_to_tensor(1, dtypes.int64), along)),
                          multiply(offset, along))
    return _sorted(dense_concat(indices, 0), dense_concat(values, 0), out_shape)


def slice(sp_input, start, size, name=None) -> SparseTensor:  # noqa: A001  (TensorFlow's name)
    """The entries inside the box [start, start + size), re-indexed from `start`."""
    sp = _sparse(sp_input, "sparse.slice")
    start = convert_to_tensor(start, dtype=dtypes.int64)
    end = dense_add(start, convert_to_tensor(size, dtype=dtypes.int64))
    inside = reduce_all(logical_and(greater_equal(sp.indices, start), less(sp.indices, end)), axis=1)
    indices = subtract(boolean_mask(sp.indices, inside), start)
    out_shape = maximum(subtract(minimum(end, sp.dense_shape), start), zeros([], dtypes.int64))
    return SparseTensor(indices, boolean_mask(sp.values, inside), out_shape)


def transpose(sp_input, perm=None, name=None) -> SparseTensor:
    """Dimensions permuted (reversed when perm is None), in canonical order."""
    sp = _sparse(sp_input, "sparse.transpose")
    rank = sp.shape.rank
    perm = list(range(rank))[::-1] if perm is None else [int(p) for p in np.reshape(perm, -1)]
    return _sorted(gather(sp.indices, perm, axis=1), sp.values, gather(sp.dense_shape, perm))


def expand_dims(sp_input, axis=None, name=None) -> SparseTensor:
    """A dimension of size 1 inserted at `axis`."""
    sp = _sparse(sp_input, "sparse.expand_dims")
    rank = sp.shape.rank
    axis = 0 if axis is None else int(axis)
    axis = axis + rank + 1 if axis < 0 else axis
    columns = [sp.indices[:, d] for d in range(rank)]
    columns.insert(axis, _zero_column(sp.indices))
    dims = [sp.dense_shape[d] for d in range(rank)]
    dims.insert(axis, convert_to_tensor(1, dtypes.int64))
    return SparseTensor(stack(columns, axis=1), sp.values, stack(dims))


def reshape(sp_input, shape, name=None) -> SparseTensor:  # noqa: A002
    """The same entries in a tensor of another shape (row-major positions kept; one -1 inferred)."""
    sp = _sparse(sp_input, "sparse.reshape")
    new = np.asarray(shape, np.int64).reshape(-1) if not hasattr(shape, "dtype") else None
    parts = _eager_parts(sp)
    if new is not None and parts is not None:
        total = int(np.prod(parts[1]))
        if (new == -1).sum() == 1:
            new[new == -1] = total // max(1, int(np.prod(new[new != -1])))
        if int(np.prod(new)) != total:
            raise InvalidArgumentError(None, "SparseReshape", f"Input to reshape is a SparseTensor with {total} "
                                       f"dense values, but the requested shape has {int(np.prod(new))}")
    target = convert_to_tensor(new if new is not None else shape, dtype=dtypes.int64)
    return SparseTensor(_unlinear(_linear(sp.indices, sp.dense_shape), target), sp.values, target)

