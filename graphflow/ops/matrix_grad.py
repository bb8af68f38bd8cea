"""Gradients of the dense matrix ops (ops/matrix.py), written with public ops as TensorFlow's
linalg_grad: each is the adjoint of the op's differential, expressed with solves and matmuls."""
from __future__ import annotations

from . import api as gf
from .api import matrix as la
from .grad_ops import reduce_to
from .registry import set_gradient, skipped_inputs


def _batch_scalar_to_matrix(t):
    return gf.expand_dims(gf.expand_dims(t, -1), -1)


@set_gradient("MatrixDeterminant")
def _det_grad(op, g):
    x, d = op.inputs[0], op.outputs[0]
    return (gf.multiply(_batch_scalar_to_matrix(gf.multiply(g, d)), la.inv(x, adjoint=True)),)


@set_gradient("LogMatrixDeterminant")
def _slogdet_grad(op, g_sign, g_logabs):
    return (gf.multiply(_batch_scalar_to_matrix(g_logabs), la.inv(op.inputs[0], adjoint=True)),)


@set_gradient("MatrixInverse")
def _inverse_grad(op, g):
    ainv, adj = op.outputs[0], op.attrs.get("adjoint", False)
    inner = gf.matmul(g, ainv, transpose_a=adj, transpose_b=not adj)
    return (gf.negative(gf.matmul(ainv, inner, transpose_a=not adj)),)


@set_gradient("MatrixSolve")
def _solve_grad(op, g):
    a, b = op.inputs
    c, adj = op.outputs[0], op.attrs.get("adjoint", False)
    grad_b = la.solve(a, g, adjoint=not adj)
    grad_a = None
    if 0 not in skipped_inputs():
        grad_a = gf.negative(gf.matmul(c, grad_b, transpose_b=True) if adj else
                             gf.matmul(grad_b, c, transpose_b=True))
        grad_a = reduce_to(grad_a, a)
    return grad_a, reduce_to(grad_b, b)


@set_gradient("MatrixTriangularSolve")
def _triangular_solve_grad(op, g):
    a, b = op.inputs
    c = op.outputs[0]
    lower, adj = op.attrs.get("lower", True), op.attrs.get("adjoint", False)
    grad_b = la.triangular_solve(a, g, lower=lower, adjoint=not adj)
    grad_a = gf.negative(gf.matmul(c, grad_b, transpose_b=True) if adj else
                         gf.matmul(grad_b, c, transpose_b=True))
    grad_a = la.band_part(grad_a, -1, 0) if lower else la.band_part(grad_a, 0, -1)
    return reduce_to(grad_a, a), reduce_to(grad_b, b)


@set_gradient("Cholesky")
def _cholesky_grad(op, g):
    # A = L L^T: phi(L^T G) with the diagonal halved, pulled back through both triangular factors
    chol = op.outputs[0]
    middle = gf.matmul(chol, g, transpose_a=True)
    middle = la.set_diag(middle, gf.multiply(la.diag_part(middle), 0.5))
    middle = la.band_part(middle, -1, 0)
    left = la.triangular_solve(chol, middle, lower=True, adjoint=True)          # L^-T M
    grad = la.matrix_transpose(la.triangular_solve(chol, la.matrix_transpose(left), lower=True, adjoint=True))
    return (gf.multiply(gf.add(grad, la.matrix_transpose(grad)), 0.5),)


def _solve_r_on_right(x, r):
    """x R^-T... precisely x R^{-H} for upper triangular R: (R^-1 x^T)^T."""
    return la.matrix_transpose(la.triangular_solve(r, la.matrix_transpose(x), lower=False, adjoint=False))


def _qr_grad_square_or_deep(q, r, dq, dr):
    qdq = gf.matmul(q, dq, transpose_a=True)
    qdq_ = gf.subtract(qdq, la.matrix_transpose(qdq))
    rdr = gf.matmul(r, dr, transpose_b=True)
    rdr_ = gf.subtract(rdr, la.matrix_transpose(rdr))
    tril = la.band_part(gf.add(qdq_, rdr_), -1, 0)
    grad_a = gf.matmul(q, gf.add(dr, _solve_r_on_right(tril, r)))
    grad_b = _solve_r_on_right(gf.subtract(dq, gf.matmul(q, qdq)), r)
    return gf.add(grad_a, grad_b)


@set_gradient("Qr")
def _qr_grad(op, dq, dr):
    a = op.inputs[0]
    q, r = op.outputs
    m, n = a.shape.dims[-2:] if a.shape.dims is not None else (None, None)
    if m is None or n is None:
        raise NotImplementedError("The gradient of qr needs the static matrix size")
    if op.attrs.get("full_matrices") and m > n:
        raise NotImplementedError("The gradient of qr is not defined for full_matrices=True with more "
                                  "rows than columns (as in TensorFlow)")
    if m >= n:
        return (_qr_grad_square_or_deep(q, r, dq, dr),)
    # wide: A = [X | Y] with X square, R = [U | V]
    y = a[..., :, m:]
    u = r[..., :, :m]
    dv = dr[..., :, m:]
    du = dr[..., :, :m]
    dy = gf.matmul(q, dv)
    dx = _qr_grad_square_or_deep(q, u, gf.add(dq, gf.matmul(y, dv, transpose_b=True)), du)
    return (gf.concat([dx, dy], axis=-1),)


@set_gradient("SelfAdjointEigV2")
def _eigh_grad(op, grad_e, grad_v=None):
    x = op.inputs[0]
    if op.attrs.get("compute_v", True):
        e, v = op.outputs
    else:
        e, v = la.eigh(gf.stop_gradient(x))
    grad_a = gf.matmul(v, gf.matmul(la.diag(grad_e), v, transpose_b=True))
    if grad_v is not None:
        gaps = la.set_diag(gf.subtract(gf.expand_dims(e, -2), gf.expand_dims(e, -1)), gf.ones_like(e))
        f = la.set_diag(gf.reciprocal(gaps), gf.zeros_like(e))      # 1 / (e_j - e_i) off the diagonal
        inner = gf.add(la.diag(grad_e), gf.multiply(f, gf.matmul(v, grad_v, transpose_a=True)))
        grad_a = gf.matmul(v, gf.matmul(inner, v, transpose_b=True))
    # only the lower triangle was read: fold the gradient of the upper one onto it
    grad_a = la.band_part(gf.add(grad_a, la.matrix_transpose(grad_a)), -1, 0)
    return (la.set_diag(grad_a, gf.multiply(la.diag_part(grad_a), 0.5)),)


def _safe_reciprocal(x, eps=1e-20):
    return gf.multiply(x, gf.reciprocal(gf.add(gf.multiply(x, x), eps)))


@set_gradient("Svd")
def _svd_grad(op, grad_s, grad_u=None, grad_v=None):
    a = op.inputs[0]
    if not op.attrs.get("compute_uv", True):
        s, u, v = la.svd(gf.stop_gradient(a), full_matrices=False)
        return (gf.matmul(u, gf.matmul(la.diag(grad_s), v, transpose_b=True)),)
    s, u, v = op.outputs
    m, n = a.shape.dims[-2:] if a.shape.dims is not None else (None, None)
    if m is None or n is None:
        raise NotImplementedError("The gradient of svd needs the static matrix size")
    full = op.attrs.get("full_matrices", False)
    if full and abs(m - n) > 1:
        raise NotImplementedError("The gradient of svd with full_matrices=True is defined only when the "
                                  "numbers of rows and columns differ by at most one (as in TensorFlow)")
    use_adjoint = m > n
    if use_adjoint:         # differentiate A^T = V S U^T and transpose at the end
        m, n, u, v, grad_u, grad_v = n, m, v, u, grad_v, grad_u
    if full and m != n:
        u = u[..., :, :m]
        grad_u = grad_u[..., :, :m]
    s_mat = la.diag(s)
    s2 = gf.square(s)
    f = la.set_diag(_safe_reciprocal(gf.subtract(gf.expand_dims(s2, -2), gf.expand_dims(s2, -1))), gf.zeros_like(s))
    v1 = v[..., :, :m]
    grad_v1 = grad_v[..., :, :m]
    f_u = gf.multiply(f, gf.matmul(u, grad_u, transpose_a=True))
    f_v = gf.multiply(f, gf.matmul(v1, grad_v1, transpose_a=True))
    term1_nouv = gf.add_n([la.diag(grad_s), gf.matmul(gf.add(f_u, la.matrix_transpose(f_u)), s_mat),
                           gf.matmul(s_mat, gf.add(f_v, la.matrix_transpose(f_v)))])
    grad = gf.matmul(u, gf.matmul(term1_nouv, v1, transpose_b=True))
    if m != n:
        gv1t = la.matrix_transpose(grad_v1)
        term2_nous = gf.subtract(gv1t, gf.matmul(gf.matmul(gv1t, v1), v1, transpose_b=True))
        if full:
            v2, grad_v2 = v[..., :, m:n], grad_v[..., :, m:n]
            term2_nous = gf.subtract(term2_nous, gf.matmul(gf.matmul(v1, grad_v2, transpose_a=True), v2,
                                                           transpose_b=True))
        u_s_inv = gf.matmul(u, la.diag(_safe_reciprocal(s)))
        grad = gf.add(grad, gf.matmul(u_s_inv, term2_nous))
    return (la.matrix_transpose(grad) if use_adjoint else grad,)


@set_gradient("MatrixExponential")
def _expm_grad(op, g):
    # the Frechet derivative's adjoint is the upper-right block of expm([[A^T, G], [0, A^T]])
    at = la.matrix_transpose(op.inputs[0])
    n = at.shape.dims[-1]
    block = gf.concat([gf.concat([at, g], -1), gf.concat([gf.zeros_like(at), at], -1)], -2)
    return (la.expm(block)[..., :n, n:],)


@set_gradient("MatrixSquareRoot")
def _sqrtm_grad(op, g):
    # S = sqrtm(A) solves S S = A: the gradient X solves the Sylvester equation S^T X + X S^T = G,
    # as one linear system over vec(X) (row-major: kron(S^T, I) + kron(I, S))
    s = op.outputs[0]
    dims = s.shape.dims
    if dims is None or None in dims:
        raise NotImplementedError("The gradient of sqrtm needs the static shape of its input")
    n, batch = dims[-1], list(dims[:-2])
    eye = gf.eye(n, dtype=s.dtype)
    st = la.matrix_transpose(s)
    k = gf.add(gf.einsum("...ik,jl->...ijkl", st, eye), gf.einsum("ik,...lj->...ijkl", eye, st))
    k = gf.reshape(k, batch + [n * n, n * n])
    x = la.solve(k, gf.reshape(g, batch + [n * n, 1]))
    return (gf.reshape(x, batch + [n, n]),)


@set_gradient("MatrixBandPart")
def _band_part_grad(op, g):
    return (la.band_part(g, op.attrs.get("num_lower", -1), op.attrs.get("num_upper", -1)),)


@set_gradient("MatrixDiagV3")
def _diag_grad(op, g):
    return (la.diag_part(g, k=op.attrs.get("k", 0)),)


@set_gradient("MatrixDiagPartV3")
def _diag_part_grad(op, g):
    return (la.set_diag(gf.zeros_like(op.inputs[0]), g, k=op.attrs.get("k", 0)),)


@set_gradient("MatrixSetDiagV3")
def _set_diag_grad(op, g):
    k = op.attrs.get("k", 0)
    return la.set_diag(g, gf.zeros_like(op.inputs[1]), k=k), la.diag_part(g, k=k)
