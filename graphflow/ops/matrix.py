"""Dense matrix functions (tf.linalg): determinants, inverses and solves, decompositions, the
matrix exponential and square root, and band/diagonal ops. Every op works on the last two axes of a
batch of matrices; kernels are numpy's batched LAPACK calls. Gradients live in matrix_grad.py."""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..shapes import TensorShape, broadcast_dims
from .registry import OpDef, Spec, register

REAL = frozenset({"float32", "float64"})
REAL_OR_HALF = REAL | {"float16"}


def _matrix_dims(x, op, square=True):
    """The static dims of a batch of matrices, checked to be at least 2-D (and square)."""
    d = x.shape.dims
    if d is None:
        return None
    if len(d) < 2:
        raise ValueError(f"{op}: input must be at least 2-D (a batch of matrices), got shape {x.shape}")
    if square and None not in d[-2:] and d[-1] != d[-2]:
        raise ValueError(f"{op}: input must be a batch of square matrices, got shape {x.shape}")
    return d


def _same(op, square=True):
    def infer(x, **attrs):
        _matrix_dims(x, op, square)
        return [Spec(x.shape, x.dtype)]
    return infer


def _batch_scalar(op):
    def infer(x, **attrs):
        d = _matrix_dims(x, op)
        return [Spec(TensorShape(None if d is None else d[:-2]), x.dtype)]
    return infer


def _cast_like(x, *outs):
    """LAPACK computes float32 in float32 and float64 in float64; float16 goes through float32."""
    return tuple(np.asarray(o).astype(x.dtype, copy=False) for o in outs)


def _up(x):
    return x.astype(np.float32) if x.dtype == np.float16 else x


# ---- determinants and inverses --------------------------------------------------------------------

def _det(x):
    return _cast_like(x, np.linalg.det(_up(x)))[0] if x.size else np.ones(x.shape[:-2], x.dtype)


def _slogdet_infer(x):
    s = _batch_scalar("LogMatrixDeterminant")(x)[0]
    return [s, s]


def _slogdet(x):
    if not x.size:
        return np.ones(x.shape[:-2], x.dtype), np.zeros(x.shape[:-2], x.dtype)
    sign, logabs = np.linalg.slogdet(_up(x))
    return _cast_like(x, sign, logabs)


def _inverse(x, adjoint=False):
    if adjoint:
        x = np.swapaxes(x, -1, -2)
    try:
        return _cast_like(x, np.linalg.inv(_up(x)))[0]
    except np.linalg.LinAlgError:
        raise ValueError("Input is not invertible.") from None


register(OpDef("MatrixDeterminant", _batch_scalar("MatrixDeterminant"), _det, allowed=REAL_OR_HALF))
register(OpDef("LogMatrixDeterminant", _slogdet_infer, _slogdet, allowed=REAL_OR_HALF, num_outputs=2))
register(OpDef("MatrixInverse", _same("MatrixInverse"), _inverse, allowed=REAL_OR_HALF))


# ---- solves ----------------------------------------------------------------------------------------

def _solve_infer(a, b, **attrs):
    if a.dtype is not b.dtype:
        raise TypeError(f"matrix and rhs dtypes differ ({a.dtype.name} vs {b.dtype.name})")
    ad, bd = _matrix_dims(a, "MatrixSolve"), _matrix_dims(b, "MatrixSolve", square=False)
    if ad is None or bd is None:
        return [Spec(TensorShape(None), a.dtype)]
    if None not in (ad[-1], bd[-2]) and ad[-1] != bd[-2]:
        raise ValueError(f"the matrix {a.shape} and the right-hand side {b.shape} have different numbers "
                         f"of rows ({ad[-1]} vs {bd[-2]})")
    return [Spec(TensorShape(broadcast_dims(ad[:-2], bd[:-2], " of the batch dimensions")
                             + (ad[-1], bd[-1])), a.dtype)]


def _solve(a, b, adjoint=False):
    if adjoint:
        a = np.swapaxes(a, -1, -2)
    try:
        return _cast_like(b, np.linalg.solve(_up(a), _up(b)))[0]
    except np.linalg.LinAlgError:
        raise ValueError("Input matrix is not invertible.") from None


def _triangle(a, lower):
    return np.tril(a) if lower else np.triu(a)


def _triangular_solve(a, b, lower=True, adjoint=False):
    a = _triangle(a, lower)
    if adjoint:
        a = np.swapaxes(a, -1, -2)
    # a zero on the diagonal gives inf/nan as in TensorFlow's back substitution, not an error
    with np.errstate(all="ignore"):
        return _cast_like(b, _substitute(_up(a), _up(b), lower != adjoint))[0]


def _substitute(a, b, lower):
    """Forward (lower) or back substitution, row by row over the broadcast batch."""
    shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, shape + a.shape[-2:])
    b = np.broadcast_to(b, shape + b.shape[-2:])
    x = np.zeros(b.shape, np.result_type(a, b))
    n = a.shape[-1]
    for i in (range(n) if lower else range(n - 1, -1, -1)):
        acc = b[..., i, :] - np.einsum("...j,...jk->...k", a[..., i, :], x)
        x[..., i, :] = acc / a[..., i, i][..., None]
    return x


def _cholesky(x):
    if not x.size:
        return x.copy()
    try:
        return _cast_like(x, np.linalg.cholesky(_up(x)))[0]
    except np.linalg.LinAlgError:
        raise ValueError("Cholesky decomposition was not successful. The input might not be valid.") from None


register(OpDef("MatrixSolve", _solve_infer, _solve, allowed=REAL_OR_HALF))
register(OpDef("MatrixTriangularSolve", _solve_infer, _triangular_solve, allowed=REAL_OR_HALF))
register(OpDef("Cholesky", _same("Cholesky"), _cholesky, allowed=REAL_OR_HALF))


# ---- decompositions --------------------------------------------------------------------------------

def _qr_infer(x, full_matrices=False):
    d = _matrix_dims(x, "Qr", square=False)
    if d is None:
        return [Spec(TensorShape(None), x.dtype)] * 2
    m, n = d[-2:]
    k = None if None in (m, n) else min(m, n)
    q = d[:-2] + ((m, m) if full_matrices else (m, k))
    r = d[:-2] + ((m, n) if full_matrices else (k, n))
    return [Spec(TensorShape(q), x.dtype), Spec(TensorShape(r), x.dtype)]


def _qr(x, full_matrices=False):
    q, r = np.linalg.qr(_up(x), mode="complete" if full_matrices else "reduced")
    return _cast_like(x, q, r)


def _svd_infer(x, full_matrices=False, compute_uv=True):
    d = _matrix_dims(x, "Svd", square=False)
    if d is None:
        return [Spec(TensorShape(None), x.dtype)] * (3 if compute_uv else 1)
    m, n = d[-2:]
    k = None if None in (m, n) else min(m, n)
    s = Spec(TensorShape(d[:-2] + (k,)), x.dtype)
    if not compute_uv:
        return [s]
    u = d[:-2] + ((m, m) if full_matrices else (m, k))
    v = d[:-2] + ((n, n) if full_matrices else (n, k))
    return [s, Spec(TensorShape(u), x.dtype), Spec(TensorShape(v), x.dtype)]


def _svd(x, full_matrices=False, compute_uv=True):
    if not compute_uv:
        return _cast_like(x, np.linalg.svd(_up(x), compute_uv=False))
    u, s, vh = np.linalg.svd(_up(x), full_matrices=full_matrices)
    return _cast_like(x, s, u, np.swapaxes(vh, -1, -2))


def _eigh_infer(x, compute_v=True):
    d = _matrix_dims(x, "SelfAdjointEigV2")
    e = Spec(TensorShape(None if d is None else d[:-1]), x.dtype)
    return [e, Spec(x.shape, x.dtype)] if compute_v else [e]


def _eigh(x, compute_v=True):
    # like TensorFlow, only the lower triangle is read
    if not compute_v:
        return _cast_like(x, np.linalg.eigvalsh(_up(x), UPLO="L"))
    e, v = np.linalg.eigh(_up(x), UPLO="L")
    return _cast_like(x, e, v)


def _lu_infer(x, output_idx_type=dtypes.int32):
    d = _matrix_dims(x, "Lu")
    return [Spec(x.shape, x.dtype), Spec(TensorShape(None if d is None else d[:-1]), output_idx_type)]


def _lu(x, output_idx_type=dtypes.int32):
    """Partial pivoting (the largest magnitude in the column, the first on a tie), so that
    x = P L U with lower having a unit diagonal; `perm[i]` is the row of x in row i of L U."""
    lu = _up(x).astype(np.result_type(_up(x), np.float32), copy=True)
    n = x.shape[-1]
    perm = np.broadcast_to(np.arange(n), x.shape[:-1]).copy()
    flat, fperm = lu.reshape((-1, n, n)), perm.reshape((-1, n))
    rows = np.arange(flat.shape[0])
    for k in range(n):
        p = k + np.argmax(np.abs(flat[:, k:, k]), axis=1)
        flat[rows, k], flat[rows, p] = flat[rows, p].copy(), flat[rows, k].copy()
        fperm[rows, k], fperm[rows, p] = fperm[rows, p].copy(), fperm[rows, k].copy()
        pivot = flat[:, k, k][:, None]
        with np.errstate(all="ignore"):
            flat[:, k + 1:, k] = np.where(pivot != 0, flat[:, k + 1:, k] / np.where(pivot != 0, pivot, 1), 0)
        flat[:, k + 1:, k + 1:] -= flat[:, k + 1:, k, None] * flat[:, k, None, k + 1:]
    return lu.astype(x.dtype, copy=False), perm.astype(output_idx_type.as_numpy_dtype)


register(OpDef("Qr", _qr_infer, _qr, allowed=REAL_OR_HALF, num_outputs=2))
register(OpDef("Svd", _svd_infer, _svd, allowed=REAL_OR_HALF, num_outputs=-1))
register(OpDef("SelfAdjointEigV2", _eigh_infer, _eigh, allowed=REAL_OR_HALF, num_outputs=-1))
register(OpDef("Lu", _lu_infer, _lu, allowed=REAL_OR_HALF, num_outputs=2, differentiable=False))   # as TF


# ---- matrix functions ------------------------------------------------------------------------------

# Pade(13) coefficients with scaling and squaring (Higham 2005): exact to float64 round-off.
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
           129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920., 40840800.,
           960960., 16380., 182., 1.)


def _expm(x):
    a = _up(x).astype(np.float64)
    if not a.size:
        return x.copy()
    norm = np.max(np.sum(np.abs(a), axis=-2), axis=-1)
    squarings = np.maximum(0, np.ceil(np.log2(np.maximum(norm, 1e-300) / 5.371920351148152))).astype(int)
    a = a / (2.0 ** squarings)[..., None, None]
    b = _PADE13
    ident = np.broadcast_to(np.eye(a.shape[-1]), a.shape)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * ident)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * ident
    r = np.linalg.solve(v - u, v + u)
    flat, counts = r.reshape((-1,) + r.shape[-2:]), squarings.reshape(-1)
    for i, s in enumerate(counts):
        for _ in range(s):
            flat[i] = flat[i] @ flat[i]
    return r.astype(x.dtype)


def _sqrtm(x):
    """The principal square root by Denman-Beavers iteration (converges quadratically for a matrix
    without eigenvalues on the closed negative real axis)."""
    y = _up(x).astype(np.float64)
    z = np.broadcast_to(np.eye(x.shape[-1]), y.shape).copy()
    for _ in range(64):
        y_inv, z_inv = np.linalg.inv(y), np.linalg.inv(z)
        y, z, prev = 0.5 * (y + z_inv), 0.5 * (z + y_inv), y
        if np.allclose(y, prev, rtol=1e-15, atol=1e-300):
            break
    return y.astype(x.dtype)


register(OpDef("MatrixExponential", _same("MatrixExponential"), _expm, allowed=REAL_OR_HALF))
register(OpDef("MatrixSquareRoot", _same("MatrixSquareRoot"), _sqrtm, allowed=REAL_OR_HALF))


# ---- band and diagonal ops -------------------------------------------------------------------------

def _band_part(x, num_lower=-1, num_upper=-1):
    m, n = x.shape[-2:]
    i, j = np.arange(m)[:, None], np.arange(n)[None, :]
    keep = ((num_lower < 0) | (i - j <= num_lower)) & ((num_upper < 0) | (j - i <= num_upper))
    return np.where(keep, x, np.zeros((), x.dtype))


def _diag_len(m, n, k):
    return min(m + min(k, 0), n - max(k, 0))


def _diag_infer(d, k=0, num_rows=-1, num_cols=-1, padding_value=0):
    dd = d.shape.dims
    if dd is None:
        return [Spec(TensorShape(None), d.dtype)]
    if len(dd) < 1:
        raise ValueError(f"MatrixDiag: the diagonal must be at least 1-D, got shape {d.shape}")
    n = dd[-1]
    rows, cols = _diag_size(n, k, num_rows, num_cols)
    return [Spec(TensorShape(dd[:-1] + (rows, cols)), d.dtype)]


def _diag_size(n, k, num_rows, num_cols):
    """TensorFlow's rule: an unspecified side is the least that fits the diagonal; both unspecified
    make the matrix square; given sides must leave the diagonal exactly n long."""
    min_rows, min_cols = (None, None) if n is None else (n - min(k, 0), n + max(k, 0))
    if num_rows <= 0 and num_cols <= 0:
        return (None, None) if n is None else (max(min_rows, min_cols),) * 2
    rows = num_rows if num_rows > 0 else min_rows
    cols = num_cols if num_cols > 0 else min_cols
    if n is not None and (rows != min_rows and cols != min_cols or _diag_len(rows, cols, k) != n):
        raise ValueError(f"MatrixDiag: a diagonal of length {n} at offset {k} does not fit a "
                         f"{rows}x{cols} matrix")
    return rows, cols


def _diag_index(m, n, k):
    i = np.arange(_diag_len(m, n, k))
    return (i - min(k, 0), i + max(k, 0))


def _diag(d, k=0, num_rows=-1, num_cols=-1, padding_value=0):
    rows, cols = _diag_size(d.shape[-1], k, num_rows, num_cols)
    out = np.full(d.shape[:-1] + (rows, cols), padding_value, d.dtype)
    r, c = _diag_index(rows, cols, k)
    out[..., r, c] = d
    return out


def _diag_part_infer(x, k=0, padding_value=0):
    d = _matrix_dims(x, "MatrixDiagPart", square=False)
    if d is None:
        return [Spec(TensorShape(None), x.dtype)]
    m, n = d[-2:]
    if None not in (m, n) and not -m < k < n and (m, n) != (0, 0):
        raise ValueError(f"MatrixDiagPart: diagonal {k} is outside a {m}x{n} matrix")
    return [Spec(TensorShape(d[:-2] + (None if None in (m, n) else _diag_len(m, n, k),)), x.dtype)]


def _diag_part(x, k=0, padding_value=0):
    r, c = _diag_index(x.shape[-2], x.shape[-1], k)
    return x[..., r, c]


def _set_diag_infer(x, d, k=0):
    xd = _matrix_dims(x, "MatrixSetDiag", square=False)
    if x.dtype is not d.dtype:
        raise TypeError(f"MatrixSetDiag: input and diagonal dtypes differ ({x.dtype.name} vs {d.dtype.name})")
    if xd is not None and d.shape.dims is not None and None not in xd[-2:]:
        want = xd[:-2] + (_diag_len(xd[-2], xd[-1], k),)
        if not TensorShape(want).is_compatible_with(d.shape):
            raise ValueError(f"MatrixSetDiag: the diagonal must have shape {TensorShape(want)} for input "
                             f"{x.shape}, got {d.shape}")
    return [Spec(x.shape, x.dtype)]


def _set_diag(x, d, k=0):
    out = x.copy()
    r, c = _diag_index(x.shape[-2], x.shape[-1], k)
    out[..., r, c] = d
    return out


register(OpDef("MatrixBandPart", _same("MatrixBandPart", square=False), _band_part))
register(OpDef("MatrixDiagV3", _diag_infer, _diag))
register(OpDef("MatrixDiagPartV3", _diag_part_infer, _diag_part))
register(OpDef("MatrixSetDiagV3", _set_diag_infer, _set_diag))
