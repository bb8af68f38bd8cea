"""tf.linalg beyond matmul: determinants, solves, decompositions, norms and band/diagonal helpers.

The ops with their own kernel are declared in ops/matrix.py; everything else (cholesky_solve,
lstsq, logdet, pinv, norm, lu_solve, cross, tridiagonal solves...) is written here with them, so it
has gradients and runs in every mode without more declarations.
"""
from __future__ import annotations

import numpy as np

from ... import dtypes
from ...tensor import Tensor
from ..convert import convert_to_tensor, pair, python_value
from ..dispatch import apply
from ..static_value import constant_value
from .construct import eye, ones_like, zeros, zeros_like
from .linalg import matmul
from .logic import equal, greater, where
from .math import (
    abs,
    add,
    add_n,
    cast,
    divide,
    log,
    maximum,
    multiply,
    reciprocal,
    rsqrt,
    sqrt,
    square,
    subtract,
)
from .op_call import argument_error, opdef
from .reduce import reduce_max, reduce_sum
from .shape import expand_dims, gather, reshape, squeeze, stack, transpose


def _rank(x, fn):
    r = x.shape.rank
    if r is None:
        raise ValueError(f"{fn} needs the rank of its input to be known, got shape {x.shape}")
    return r


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swap the last two axes."""
    x = convert_to_tensor(a)
    r = _rank(x, "matrix_transpose")
    if r < 2:
        raise ValueError(f"matrix_transpose: input must be at least 2-D, got shape {x.shape}")
    return transpose(x, list(range(r - 2)) + [r - 1, r - 2], name=name)


def adjoint(matrix, name=None):
    """The conjugate transpose; for real matrices, the transpose of the last two axes."""
    return matrix_transpose(matrix, name=name)


def det(input, name=None):  # noqa: A002
    return apply(opdef("MatrixDeterminant"), (convert_to_tensor(input),), {}, name)


def slogdet(input, name=None):  # noqa: A002
    """(sign, log|det|) of each matrix: the determinant without overflow."""
    return tuple(apply(opdef("LogMatrixDeterminant"), (convert_to_tensor(input),), {}, name))


def logdet(matrix, name=None):
    """log det of Hermitian positive definite matrices, from the Cholesky factor's diagonal."""
    chol = cholesky(matrix)
    return multiply(reduce_sum(log(diag_part(chol)), axis=-1), 2.0, name)


def inv(input, adjoint=False, name=None):  # noqa: A002
    return apply(opdef("MatrixInverse"), (convert_to_tensor(input),), {"adjoint": bool(adjoint)}, name)


def solve(matrix, rhs, adjoint=False, name=None):
    a, b = pair(matrix, rhs)
    return apply(opdef("MatrixSolve"), (a, b), {"adjoint": bool(adjoint)}, name)


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    a, b = pair(matrix, rhs)
    return apply(opdef("MatrixTriangularSolve"), (a, b), {"lower": bool(lower), "adjoint": bool(adjoint)}, name)


def cholesky(input, name=None):  # noqa: A002
    return apply(opdef("Cholesky"), (convert_to_tensor(input),), {}, name)


def cholesky_solve(chol, rhs, name=None):
    """Solve A X = rhs given A's Cholesky factor: two triangular solves."""
    y = triangular_solve(chol, rhs, lower=True, adjoint=False)
    return triangular_solve(chol, y, lower=True, adjoint=True, name=name)


def qr(input, full_matrices=False, name=None):  # noqa: A002
    return tuple(apply(opdef("Qr"), (convert_to_tensor(input),), {"full_matrices": bool(full_matrices)}, name))


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """Singular values s (descending) and, with compute_uv, u and v such that a = u diag(s) v^T."""
    out = apply(opdef("Svd"), (convert_to_tensor(tensor),),
                {"full_matrices": bool(full_matrices), "compute_uv": bool(compute_uv)}, name)
    return tuple(out) if compute_uv else out[0]


def eigh(tensor, name=None):
    """Eigenvalues (ascending) and eigenvectors of self-adjoint matrices (the lower triangle is read)."""
    return tuple(apply(opdef("SelfAdjointEigV2"), (convert_to_tensor(tensor),), {"compute_v": True}, name))


def eigvalsh(tensor, name=None):
    return eigh(tensor, name)[0]


def lu(input, output_idx_type=dtypes.int32, name=None):  # noqa: A002
    """(lower_upper, perm): L (unit diagonal, below) and U packed in one matrix, input = P L U."""
    return tuple(apply(opdef("Lu"), (convert_to_tensor(input),),
                       {"output_idx_type": dtypes.as_dtype(output_idx_type)}, name))


def _permute_rows(x, perm):
    return gather(x, perm, axis=-2 if x.shape.rank is None else x.shape.rank - 2,
                  batch_dims=perm.shape.rank - 1)


def lu_reconstruct(lower_upper, perm, validate_args=False, name=None):
    """The matrix P L U that `lu` factored."""
    lu_ = convert_to_tensor(lower_upper)
    lower = set_diag(band_part(lu_, -1, 0), ones_like(diag_part(lu_)))
    product = matmul(lower, band_part(lu_, 0, -1))
    return _permute_rows(product, _inverse_permutation(convert_to_tensor(perm)))


def _inverse_permutation(perm):
    n = perm.shape.dims[-1] if perm.shape.dims is not None else None
    if n is None:
        raise ValueError("lu_reconstruct/lu_solve need the static size of perm")
    # the position of each row: argmax over one-hot rows (an invert_permutation for batches)
    positions = _arange(n, perm.dtype)
    onehot = cast(equal(expand_dims(perm, -1), positions), perm.dtype)      # [i, j]: perm[i] == j
    return reduce_sum(multiply(onehot, expand_dims(positions, -1)), -2)     # inv[j] = i


def _arange(n, dtype):
    return convert_to_tensor(np.arange(n), dtype=dtype)


def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None):
    """Solve A X = rhs from A's LU factorization."""
    lu_, b = pair(lower_upper, rhs)
    b = _permute_rows(b, convert_to_tensor(perm))
    lower = set_diag(band_part(lu_, -1, 0), ones_like(diag_part(lu_)))
    y = triangular_solve(lower, b, lower=True)
    return triangular_solve(lu_, y, lower=False, name=name)


def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None):
    lu_ = convert_to_tensor(lower_upper)
    n = lu_.shape.dims[-1]
    identity = eye(n, batch_shape=lu_.shape.dims[:-2], dtype=lu_.dtype)
    return lu_solve(lu_, perm, identity, name=name)


def expm(input, name=None):  # noqa: A002
    return apply(opdef("MatrixExponential"), (convert_to_tensor(input),), {}, name)


def sqrtm(input, name=None):  # noqa: A002
    """The principal square root of matrices with no eigenvalue on the closed negative real axis."""
    return apply(opdef("MatrixSquareRoot"), (convert_to_tensor(input),), {}, name)


def _static_int(v, what):
    v = python_value(v)
    if isinstance(v, Tensor):
        v = constant_value(v)
        if v is None:
            raise ValueError(f"{what} must be known when the graph is built")
    return int(v)


def band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """Keep num_lower subdiagonals and num_upper superdiagonals (negative: all); zero the rest."""
    return apply(opdef("MatrixBandPart"), (convert_to_tensor(input),),
                 {"num_lower": _static_int(num_lower, "num_lower"),
                  "num_upper": _static_int(num_upper, "num_upper")}, name)


def _k(k):
    k = python_value(k)
    if isinstance(k, (list, tuple, np.ndarray)) and np.ndim(k):
        ks = [int(v) for v in np.ravel(k)]
        if len(set(ks)) != 1:
            raise argument_error("MatrixDiag", f"a band of diagonals k={list(ks)} is not supported; "
                                 "give one diagonal offset")
        return ks[0]
    return int(k)


def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"):
    """A batch of matrices with `diagonal` on diagonal k and padding_value elsewhere."""
    d = convert_to_tensor(diagonal)
    return apply(opdef("MatrixDiagV3"), (d,), {"k": _k(k), "num_rows": int(python_value(num_rows)),
                                              "num_cols": int(python_value(num_cols)),
                                              "padding_value": python_value(padding_value)}, name)


def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    return apply(opdef("MatrixDiagPartV3"), (convert_to_tensor(input),),
                 {"k": _k(k), "padding_value": python_value(padding_value)}, name)


def set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    x, d = pair(input, diagonal)
    return apply(opdef("MatrixSetDiagV3"), (x, d), {"k": _k(k)}, name)


def trace(x, name=None):
    """The sum of each matrix's main diagonal."""
    return reduce_sum(diag_part(convert_to_tensor(x)), axis=-1, name=name)


def tensor_diag(diagonal, name=None):
    """The tensor of rank 2k with `diagonal` (rank k) on its diagonal: out[i..., i...] = d[i...]."""
    d = convert_to_tensor(diagonal)
    dims = d.shape.as_list()
    return reshape(diag(reshape(d, [-1])), dims + dims, name=name)


def tensor_diag_part(input, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    dims = x.shape.as_list()
    half = len(dims) // 2
    if len(dims) % 2 or dims[:half] != dims[half:]:
        raise ValueError(f"tensor_diag_part: input must have shape d + d, got {x.shape}")
    n = int(np.prod(dims[:half], dtype=np.int64))
    return reshape(diag_part(reshape(x, [n, n])), dims[:half], name=name)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False, name=None):
    """a @ b for a batch of matrices a and vectors b."""
    a, b = pair(a, b)
    return squeeze(matmul(a, expand_dims(b, -1), transpose_a=transpose_a or adjoint_a), -1, name=name)


def cross(a, b, name=None):
    """The cross product of 3-vectors along the last axis."""
    a, b = pair(a, b)
    for t in (a, b):
        if t.shape.rank is not None and t.shape.dims[-1] not in (None, 3):
            raise argument_error("Cross", f"the last dimension must be 3, got shape {t.shape}")
    ax = [gather(a, i, axis=-1 if a.shape.rank is None else a.shape.rank - 1) for i in (1, 2, 0)]
    bx = [gather(b, i, axis=-1 if b.shape.rank is None else b.shape.rank - 1) for i in (1, 2, 0)]
    # (a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0) with a1, a2, a0 = ax
    comps = [subtract(multiply(ax[i], bx[(i + 1) % 3]), multiply(ax[(i + 1) % 3], bx[i])) for i in range(3)]
    return stack(comps, axis=-1, name=name)


def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """The least-squares solution of A X = rhs (with an optional L2 penalty), from the normal
    equations and a Cholesky factor as TensorFlow's fast path."""
    a, b = pair(matrix, rhs)
    m, n = a.shape.dims[-2:] if a.shape.dims is not None else (None, None)
    if m is None or n is None:
        raise ValueError(f"lstsq needs the static matrix size, got {a.shape}")
    reg = multiply(eye(min(m, n), dtype=a.dtype), l2_regularizer)
    if m >= n:
        gram = add(matmul(a, a, transpose_a=True), reg)
        return cholesky_solve(cholesky(gram), matmul(a, b, transpose_a=True), name=name)
    gram = add(matmul(a, a, transpose_b=True), reg)
    return matmul(a, cholesky_solve(cholesky(gram), b), transpose_a=True, name=name)


def pinv(a, rcond=None, validate_args=False, name=None):
    """The Moore-Penrose pseudo-inverse from the SVD, singular values below rcond * max(s) dropped."""
    x = convert_to_tensor(a)
    m, n = x.shape.dims[-2:]
    if rcond is None:
        rcond = 10.0 * max(m, n) * float(np.finfo(x.dtype.as_numpy_dtype).eps)
    s, u, v = svd(x, full_matrices=False)
    cutoff = multiply(reduce_max(s, axis=-1, keepdims=True), rcond)
    kept = greater(s, cutoff)
    s_inv = where(kept, reciprocal(where(kept, s, ones_like(s))), zeros_like(s))
    return matmul(multiply(v, expand_dims(s_inv, -2)), u, transpose_b=True, name=name)


def matrix_rank(a, tol=None, validate_args=False, name=None):
    """The number of singular values above tol (default eps * max(m, n) * max(s))."""
    x = convert_to_tensor(a)
    s = svd(x, compute_uv=False)
    if tol is None:
        m, n = x.shape.dims[-2:]
        tol = multiply(reduce_max(s, axis=-1, keepdims=True), float(np.finfo(x.dtype.as_numpy_dtype).eps) * max(m, n))
    return reduce_sum(cast(greater(s, tol), dtypes.int32), axis=-1, name=name)


# ---- norms -----------------------------------------------------------------------------------------

def _axes(axis, rank):
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) % rank for a in axis)
    return (int(axis) % rank,)


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002
    """Vector norms (ord 1, 2, inf, p>0, euclidean) over one axis or all elements, and matrix norms
    (fro, euclidean, 1, inf, 2) over a pair of axes."""
    x = convert_to_tensor(tensor)
    rank = _rank(x, "norm")
    axes = _axes(axis, rank)
    keep = bool(keepdims)
    if axes is not None and len(axes) == 2:
        result = _matrix_norm(x, ord, axes)
    else:
        result = _vector_norm(x, ord, axes)
    if keep:
        for a in sorted(axes if axes is not None else range(rank)):
            result = expand_dims(result, a)
    return result if name is None else add(result, zeros_like(result), name)


def _vector_norm(x, ord, axes):  # noqa: A002
    if ord in ("euclidean", "fro", 2, 2.0):
        return sqrt(reduce_sum(square(x), axes))
    if ord in (1, 1.0):
        return reduce_sum(abs(x), axes)
    if ord == np.inf:
        return reduce_max(abs(x), axes)
    if isinstance(ord, (int, float)) and ord > 0:
        from .math import pow as power
        return power(reduce_sum(power(abs(x), float(ord)), axes), 1.0 / ord)
    raise ValueError(f"norm: ord must be 'euclidean', 'fro', a positive number or inf, got {ord!r}")


def _matrix_norm(x, ord, axes):  # noqa: A002
    a0, a1 = axes
    if ord in ("euclidean", "fro"):
        return sqrt(reduce_sum(square(x), axes))
    if ord in (1, 1.0):
        return reduce_max(reduce_sum(abs(x), a0, keepdims=True), axes)
    if ord == np.inf:
        return reduce_max(reduce_sum(abs(x), a1, keepdims=True), axes)
    if ord in (2, 2.0):
        rank = x.shape.rank
        rest = [i for i in range(rank) if i not in axes]
        moved = transpose(x, rest + [a0, a1])
        s = reduce_max(svd(moved, compute_uv=False), -1)
        return s
    raise ValueError(f"norm: a matrix norm's ord must be 'fro', 'euclidean', 1, 2 or inf, got {ord!r}")


def normalize(tensor, ord="euclidean", axis=None, name=None):  # noqa: A002
    """(tensor / norm, norm), the norm kept with its reduced axes for broadcasting."""
    x = convert_to_tensor(tensor)
    n = norm(x, ord=ord, axis=axis, keepdims=True)
    return divide(x, n, name=name), n


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x**2), epsilon)) over `axis`."""
    x = convert_to_tensor(x)
    axis = dim if axis is None else axis
    sq = reduce_sum(square(x), axis, keepdims=True)
    return multiply(x, rsqrt(maximum(sq, epsilon)), name)


def global_norm(t_list, name=None):
    """sqrt of the sum of squares of every element of every tensor (None entries are skipped)."""
    if isinstance(t_list, Tensor) or not isinstance(t_list, (list, tuple)):
        raise TypeError(f"global_norm expects a list of tensors, got {type(t_list).__name__}")
    ts = [convert_to_tensor(t) for t in t_list if t is not None]
    if not ts:
        return zeros([], dtypes.float32)
    return sqrt(add_n([reduce_sum(square(t)) for t in ts]), name)


# ---- tridiagonal and banded systems -----------------------------------------------------------------

def _tridiagonal_dense(diagonals, diagonals_format):
    """The dense matrix of a tridiagonal system given as 'compact' [..., 3, N], 'sequence' or 'matrix'."""
    if diagonals_format == "matrix":
        return convert_to_tensor(diagonals)
    if diagonals_format == "sequence":
        sup, main, sub = (convert_to_tensor(d) for d in diagonals)
    elif diagonals_format == "compact":
        d = convert_to_tensor(diagonals)
        axis = d.shape.rank - 2
        sup, main, sub = (gather(d, i, axis=axis) for i in range(3))
    else:
        raise ValueError(f"diagonals_format must be 'compact', 'sequence' or 'matrix', got {diagonals_format!r}")
    n = main.shape.dims[-1]
    r = main.shape.rank
    # the superdiagonal's last and the subdiagonal's first element are ignored, as in TensorFlow
    sup = gather(sup, list(range(n - 1)), axis=r - 1)
    sub = gather(sub, list(range(1, n)), axis=r - 1)
    return add(add(diag(main), diag(sup, k=1)), diag(sub, k=-1))


def tridiagonal_matmul(diagonals, rhs, diagonals_format="compact", name=None):
    return matmul(_tridiagonal_dense(diagonals, diagonals_format), convert_to_tensor(rhs), name=name)


def tridiagonal_solve(diagonals, rhs, diagonals_format="compact", transpose_rhs=False, conjugate_rhs=False,
                      name=None, partial_pivoting=True, perturb_singular=False):
    a = _tridiagonal_dense(diagonals, diagonals_format)
    b = convert_to_tensor(rhs)
    if transpose_rhs:
        b = matrix_transpose(b)
    vector = b.shape.rank == a.shape.rank - 1
    x = solve(a, expand_dims(b, -1) if vector else b)
    x = squeeze(x, -1) if vector else x
    return matrix_transpose(x, name=name) if transpose_rhs else x


def banded_triangular_solve(bands, rhs, lower=True, adjoint=False, name=None):
    """Solve with a triangular matrix given by its K bands [..., K, N]: lower, the main diagonal
    first then the subdiagonals right-aligned; upper, the superdiagonals left-aligned then the
    main diagonal last."""
    b = convert_to_tensor(bands)
    k, n = b.shape.dims[-2:]
    axis = b.shape.rank - 2
    parts = []
    for i in range(k):
        band = gather(b, i, axis=axis)
        if lower:      # row i: the i-th subdiagonal, right-aligned (its last n - i entries)
            parts.append(diag(gather(band, list(range(i, n)), axis=axis), k=-i))
        else:          # row i: the (k-1-i)-th superdiagonal, left-aligned (its first n - off entries)
            off = k - 1 - i
            parts.append(diag(gather(band, list(range(n - off)), axis=axis), k=off))
    return triangular_solve(add_n(parts), rhs, lower=lower, adjoint=adjoint, name=name)


def eigh_tridiagonal(alpha, beta, eigvals_only=True, select="a", select_range=None, tol=None, name=None):
    """Eigenvalues (and with eigvals_only=False, eigenvectors) of the symmetric tridiagonal matrix
    with diagonal alpha and off-diagonal beta; select 'a' (all), 'v' (values in a range) or 'i'
    (indices in a range)."""
    a, b = pair(alpha, beta)
    dense = add(add(diag(a), diag(b, k=1)), diag(b, k=-1))
    e, v = eigh(dense)
    if select == "a":
        return e if eigvals_only else (e, v)
    e_np = constant_value(e) if not hasattr(e, "numpy") else e.numpy()
    if select == "i":
        lo, hi = select_range
        keep = list(range(int(lo), int(hi) + 1))
    elif select == "v":
        if e_np is None:
            raise ValueError("eigh_tridiagonal: select='v' needs eigenvalues known when the graph is built")
        lo, hi = select_range
        keep = [i for i, x in enumerate(np.asarray(e_np)) if lo < x <= hi]
    else:
        raise ValueError(f"eigh_tridiagonal: select must be 'a', 'v' or 'i', got {select!r}")
    e = gather(e, keep)
    return e if eigvals_only else (e, gather(v, keep, axis=1))
