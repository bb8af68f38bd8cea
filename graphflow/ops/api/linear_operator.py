"""tf.linalg.LinearOperator and its dense-backed family: each operator says what matrix it stands for
(`_to_dense`, built from public ops) and the base class answers matmul, solve, determinants,
adjoint, inverse, diag_part, trace... from that matrix, with a few closed forms where they are
cheaper and as exact (diagonal, identity, triangular determinants). Gradients flow through the
ops that build the matrix."""
from __future__ import annotations

import numpy as np

from ... import dtypes
from ...shapes import TensorShape
from ..convert import convert_to_tensor, python_value
from . import matrix as la
from .construct import constant, eye, zeros
from .linalg import einsum, matmul
from .math import abs, add, divide, log, multiply, subtract
from .reduce import reduce_prod, reduce_sum
from .shape import concat, expand_dims, gather, one_hot, pad, reshape, shape


class LinearOperator:
    """A batch of [M, N] linear maps, known by the dense matrix a subclass builds in `_to_dense`."""

    def __init__(self, dtype=None, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None, graph_parents=None, parameters=None):
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self.is_non_singular = is_non_singular
        self.is_self_adjoint = is_self_adjoint
        self.is_positive_definite = is_positive_definite
        self._is_square = is_square
        self.name = name or type(self).__name__
        self.parameters = dict(parameters or {})

    # ---- what the operator is -------------------------------------------------------------------
    def _to_dense(self):
        raise NotImplementedError(f"{type(self).__name__} must define _to_dense")

    def to_dense(self, name="to_dense"):
        return self._to_dense()

    @property
    def dtype(self):
        return self._dtype if self._dtype is not None else self.to_dense().dtype

    @property
    def shape(self):
        return TensorShape(self.to_dense().shape.dims)

    def shape_tensor(self, name="shape_tensor"):
        return shape(self.to_dense())

    @property
    def batch_shape(self):
        return TensorShape(self.shape.dims[:-2])

    def batch_shape_tensor(self, name="batch_shape_tensor"):
        return self.shape_tensor()[:-2]

    @property
    def tensor_rank(self):
        return self.shape.rank

    @property
    def range_dimension(self):
        return self.shape.dims[-2]

    @property
    def domain_dimension(self):
        return self.shape.dims[-1]

    def range_dimension_tensor(self, name=None):
        return self.shape_tensor()[-2]

    def domain_dimension_tensor(self, name=None):
        return self.shape_tensor()[-1]

    @property
    def is_square(self):
        if self._is_square is not None:
            return self._is_square
        m, n = self.shape.dims[-2:]
        return None if None in (m, n) else m == n

    # ---- applying it ----------------------------------------------------------------------------
    def matmul(self, x, adjoint=False, adjoint_arg=False, name="matmul"):
        if isinstance(x, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = x.adjoint() if adjoint_arg else x
            return LinearOperatorComposition([left, right])
        return matmul(self.to_dense(), x, transpose_a=adjoint, transpose_b=adjoint_arg)

    def __matmul__(self, other):
        return self.matmul(other)

    def matvec(self, x, adjoint=False, name="matvec"):
        return la.matvec(self.to_dense(), x, transpose_a=adjoint)

    def solve(self, rhs, adjoint=False, adjoint_arg=False, name="solve"):
        if isinstance(rhs, LinearOperator):
            left = self.inverse()
            return LinearOperatorComposition([left.adjoint() if adjoint else left,
                                              rhs.adjoint() if adjoint_arg else rhs])
        rhs = convert_to_tensor(rhs)
        if adjoint_arg:
            rhs = la.matrix_transpose(rhs)
        return la.solve(self.to_dense(), rhs, adjoint=adjoint)

    def solvevec(self, rhs, adjoint=False, name="solve"):
        return reshape(self.solve(expand_dims(convert_to_tensor(rhs), -1), adjoint=adjoint),
                       shape(convert_to_tensor(rhs)))

    def add_to_tensor(self, x, name="add_to_tensor"):
        return add(self.to_dense(), x)

    # ---- its numbers ------------------------------------------------------------------------------
    def determinant(self, name="det"):
        return la.det(self.to_dense())

    def log_abs_determinant(self, name="log_abs_det"):
        return la.slogdet(self.to_dense())[1]

    def diag_part(self, name="diag_part"):
        return la.diag_part(self.to_dense())

    def trace(self, name="trace"):
        return reduce_sum(self.diag_part(), -1)

    def eigvals(self, name="eigvals"):
        if not self.is_self_adjoint:
            raise NotImplementedError("eigvals needs a self-adjoint operator (complex eigenvalues are not "
                                      "supported)")
        return la.eigvalsh(self.to_dense())

    def cond(self, name="cond"):
        s = la.svd(self.to_dense(), compute_uv=False)
        from .reduce import reduce_max, reduce_min
        return reduce_max(s, -1) / reduce_min(s, -1)

    # ---- derived operators ----------------------------------------------------------------------
    def adjoint(self, name="adjoint"):
        return self if self.is_self_adjoint else LinearOperatorAdjoint(self)

    H = property(adjoint)

    def inverse(self, name="inverse"):
        return LinearOperatorInversion(self)

    def cholesky(self, name="cholesky"):
        return LinearOperatorLowerTriangular(la.cholesky(self.to_dense()), is_non_singular=True)

    def __repr__(self):
        return f"<{type(self).__name__} shape={self.shape} dtype={self.dtype.name}>"


class LinearOperatorFullMatrix(LinearOperator):
    """The operator of a dense matrix [..., M, N]."""

    def __init__(self, matrix, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorFullMatrix"):
        self.matrix = convert_to_tensor(matrix)
        super().__init__(self.matrix.dtype, is_non_singular, is_self_adjoint, is_positive_definite, is_square, name)

    def _to_dense(self):
        return self.matrix


class LinearOperatorDiag(LinearOperator):
    """diag(d) for a batch of diagonals [..., N]."""

    def __init__(self, diag, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=True, name="LinearOperatorDiag"):
        self.diag = convert_to_tensor(diag)
        super().__init__(self.diag.dtype, is_non_singular, True if is_self_adjoint is None else is_self_adjoint,
                         is_positive_definite, True, name)

    def _to_dense(self):
        return la.diag(self.diag)

    def determinant(self, name="det"):
        return reduce_prod(self.diag, -1)

    def log_abs_determinant(self, name="log_abs_det"):
        return reduce_sum(log(abs(self.diag)), -1)

    def diag_part(self, name="diag_part"):
        return self.diag


class LinearOperatorIdentity(LinearOperator):
    def __init__(self, num_rows, batch_shape=None, dtype=None, is_non_singular=True, is_self_adjoint=True,
                 is_positive_definite=True, is_square=True, assert_proper_shapes=False, name="LinearOperatorIdentity"):
        self.num_rows = int(python_value(num_rows))
        self.batch_shape_ = list(batch_shape or [])
        super().__init__(dtype or dtypes.float32, is_non_singular, is_self_adjoint, is_positive_definite, True, name)

    def _to_dense(self):
        return eye(self.num_rows, batch_shape=self.batch_shape_ or None, dtype=self._dtype)


class LinearOperatorScaledIdentity(LinearOperator):
    """multiplier * I, one multiplier per batch member."""

    def __init__(self, num_rows, multiplier, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, assert_proper_shapes=False,
                 name="LinearOperatorScaledIdentity"):
        self.num_rows = int(python_value(num_rows))
        self.multiplier = convert_to_tensor(multiplier)
        super().__init__(self.multiplier.dtype, is_non_singular, True, is_positive_definite, True, name)

    def _to_dense(self):
        scale = expand_dims(expand_dims(self.multiplier, -1), -1)
        return multiply(scale, eye(self.num_rows, dtype=self.multiplier.dtype))


class LinearOperatorZeros(LinearOperator):
    def __init__(self, num_rows, num_columns=None, batch_shape=None, dtype=None, is_non_singular=False,
                 is_self_adjoint=True, is_positive_definite=False, is_square=True, assert_proper_shapes=False,
                 name="LinearOperatorZeros"):
        self.rows = int(python_value(num_rows))
        self.cols = self.rows if num_columns is None else int(python_value(num_columns))
        self.batch = list(batch_shape or [])
        super().__init__(dtype or dtypes.float32, False, is_self_adjoint, False, self.rows == self.cols, name)

    def _to_dense(self):
        return zeros(self.batch + [self.rows, self.cols], self._dtype)


class LinearOperatorLowerTriangular(LinearOperator):
    """The lower triangle of a matrix (the strictly upper part is ignored)."""

    def __init__(self, tril, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorLowerTriangular"):
        self.tril = convert_to_tensor(tril)
        super().__init__(self.tril.dtype, is_non_singular, is_self_adjoint, is_positive_definite, True, name)

    def _to_dense(self):
        return la.band_part(self.tril, -1, 0)

    def determinant(self, name="det"):
        return reduce_prod(la.diag_part(self.tril), -1)

    def log_abs_determinant(self, name="log_abs_det"):
        return reduce_sum(log(abs(la.diag_part(self.tril))), -1)

    def solve(self, rhs, adjoint=False, adjoint_arg=False, name="solve"):
        if isinstance(rhs, LinearOperator):
            return super().solve(rhs, adjoint, adjoint_arg)
        rhs = convert_to_tensor(rhs)
        if adjoint_arg:
            rhs = la.matrix_transpose(rhs)
        return la.triangular_solve(self.to_dense(), rhs, lower=True, adjoint=adjoint)


class LinearOperatorAdjoint(LinearOperator):
    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None):
        self.operator = operator
        super().__init__(operator.dtype, operator.is_non_singular, operator.is_self_adjoint,
                         operator.is_positive_definite, operator.is_square, name or operator.name + "_adjoint")

    def _to_dense(self):
        return la.matrix_transpose(self.operator.to_dense())

    def adjoint(self, name="adjoint"):
        return self.operator


class LinearOperatorInversion(LinearOperator):
    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None):
        if operator.is_non_singular is False:
            raise ValueError("LinearOperatorInversion: the operator is singular")
        self.operator = operator
        super().__init__(operator.dtype, True, operator.is_self_adjoint, operator.is_positive_definite, True,
                         name or operator.name + "_inv")

    def _to_dense(self):
        return la.inv(self.operator.to_dense())

    def inverse(self, name="inverse"):
        return self.operator

    def matmul(self, x, adjoint=False, adjoint_arg=False, name="matmul"):
        if isinstance(x, LinearOperator):
            return super().matmul(x, adjoint, adjoint_arg)
        return self.operator.solve(x, adjoint=adjoint, adjoint_arg=adjoint_arg)


class LinearOperatorComposition(LinearOperator):
    """operators[0] @ operators[1] @ ..."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None):
        if not operators:
            raise ValueError("LinearOperatorComposition needs at least one operator")
        self.operators = list(operators)
        super().__init__(self.operators[0].dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name or "_o_".join(o.name for o in self.operators))

    def _to_dense(self):
        out = self.operators[-1].to_dense()
        for op in reversed(self.operators[:-1]):
            out = op.matmul(out)
        return out


def _kron(a, b):
    m, n = a.shape.dims[-2:]
    p, q = b.shape.dims[-2:]
    prod = einsum("...ij,...kl->...ikjl", a, b)
    lead = [d if d is not None else -1 for d in prod.shape.dims[:-4]] if prod.shape.dims is not None else []
    return reshape(prod, lead + [m * p, n * q])


class LinearOperatorKronecker(LinearOperator):
    """The Kronecker product of the operators, the first outermost."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None):
        self.operators = list(operators)
        super().__init__(self.operators[0].dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name or "_x_".join(o.name for o in self.operators))

    def _to_dense(self):
        out = self.operators[0].to_dense()
        for op in self.operators[1:]:
            out = _kron(out, op.to_dense())
        return out


def _rows(blocks_row, widths):
    """One block row: the given blocks, then zeros up to the full width."""
    row = concat([b.to_dense() for b in blocks_row], -1) if len(blocks_row) > 1 else blocks_row[0].to_dense()
    used = sum(widths[:len(blocks_row)])
    rest = sum(widths) - used
    if rest:
        rank = row.shape.rank
        row = pad(row, [[0, 0]] * (rank - 1) + [[0, rest]])
    return row


class LinearOperatorBlockDiag(LinearOperator):
    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=True, name=None):
        self.operators = list(operators)
        super().__init__(self.operators[0].dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name or "_ds_".join(o.name for o in self.operators))

    def _to_dense(self):
        widths = [o.domain_dimension for o in self.operators]
        rows = []
        for i, op in enumerate(self.operators):
            dense = op.to_dense()
            rank = dense.shape.rank
            rows.append(pad(dense, [[0, 0]] * (rank - 1) + [[sum(widths[:i]), sum(widths[i + 1:])]]))
        return concat(rows, -2)


class LinearOperatorBlockLowerTriangular(LinearOperator):
    """operators[i] is the i-th block row: i + 1 operators, the last one on the diagonal."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorBlockLowerTriangular"):
        self.operators = [list(r) for r in operators]
        super().__init__(self.operators[0][0].dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name)

    def _to_dense(self):
        widths = [row[-1].domain_dimension for row in self.operators]
        return concat([_rows(row, widths) for row in self.operators], -2)


class LinearOperatorPermutation(LinearOperator):
    """The permutation matrix with a one at (i, perm[i])."""

    def __init__(self, perm, dtype=dtypes.float32, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorPermutation"):
        self.perm = convert_to_tensor(perm)
        super().__init__(dtype, True, is_self_adjoint, is_positive_definite, True, name)

    def _to_dense(self):
        return one_hot(self.perm, self.perm.shape.dims[-1], dtype=self._dtype)


class LinearOperatorHouseholder(LinearOperator):
    """I - 2 v v^T / (v^T v): the reflection about the hyperplane orthogonal to v."""

    def __init__(self, reflection_axis, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorHouseholder"):
        self.reflection_axis = convert_to_tensor(reflection_axis)
        super().__init__(self.reflection_axis.dtype, True, True, False, True, name)

    def _to_dense(self):
        v = self.reflection_axis
        n = v.shape.dims[-1]
        outer = multiply(expand_dims(v, -1), expand_dims(v, -2))
        norm = expand_dims(expand_dims(reduce_sum(multiply(v, v), -1), -1), -1)
        return subtract(eye(n, dtype=v.dtype), multiply(outer, divide(2.0, norm)))


class LinearOperatorLowRankUpdate(LinearOperator):
    """base + U diag(d) V^T (V defaults to U, d to ones)."""

    def __init__(self, base_operator, u, diag_update=None, v=None, is_diag_update_positive=None,
                 is_non_singular=None, is_self_adjoint=None, is_positive_definite=None, is_square=None,
                 name="LinearOperatorLowRankUpdate"):
        self.base_operator = base_operator
        self.u = convert_to_tensor(u)
        self.v = self.u if v is None else convert_to_tensor(v)
        self.diag_update = None if diag_update is None else convert_to_tensor(diag_update)
        super().__init__(base_operator.dtype, is_non_singular, is_self_adjoint, is_positive_definite, is_square,
                         name)

    def _to_dense(self):
        u = self.u if self.diag_update is None else multiply(self.u, expand_dims(self.diag_update, -2))
        return add(self.base_operator.to_dense(), matmul(u, self.v, transpose_b=True))


class LinearOperatorToeplitz(LinearOperator):
    """T[i, j] = col[i - j] below the diagonal, row[j - i] above (the diagonal from col)."""

    def __init__(self, col, row, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorToeplitz"):
        self.col = convert_to_tensor(col)
        self.row = convert_to_tensor(row, dtype_hint=self.col.dtype)
        super().__init__(self.col.dtype, is_non_singular, is_self_adjoint, is_positive_definite, True, name)

    def _to_dense(self):
        n = self.col.shape.dims[-1]
        i, j = np.arange(n)[:, None], np.arange(n)[None, :]
        index = np.where(i >= j, i - j, n + j - i).astype(np.int32)
        both = concat([self.col, self.row], -1)
        return gather(both, constant(index), axis=both.shape.rank - 1)


class LinearOperatorTridiag(LinearOperator):
    def __init__(self, diagonals, diagonals_format="compact", is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorTridiag"):
        self.diagonals = diagonals
        self.diagonals_format = diagonals_format
        dense = la._tridiagonal_dense(diagonals, diagonals_format)
        self._dense = dense
        super().__init__(dense.dtype, is_non_singular, is_self_adjoint, is_positive_definite, True, name)

    def _to_dense(self):
        return self._dense

