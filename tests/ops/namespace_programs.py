"""Small programs over tf.linalg and tf.signal whose results need more than one recorded call, written
against a module argument `tf`: factors unique only up to signs (eigh's and svd's vectors) enter
through sign-free losses, the LU factors through a weighted sum (the pivots are integers), and
inverse_stft_window_fn returns a function. tools/tfref/record_linalg_nn_image_signal.py runs them
under TensorFlow 2.21 and writes tests/data/tf_reference/namespace_programs.json (inputs, value
and the gradient with respect to the input); test_namespace_programs.py replays them in graphflow.
Each program is (input shape or None, fn(tf, x) -> tensor)."""
from __future__ import annotations

import numpy as np

PROGRAMS = {}


def program(shape):
    def deco(fn):
        PROGRAMS[fn.__name__] = (shape, fn)
        return fn
    return deco


def _weights(*shape):
    """Fixed, distinct weights: every output element matters to the loss."""
    n = int(np.prod(shape))
    return np.linspace(0.3, 1.7, n).reshape(shape).astype(np.float32)


def _sign_free_svd(tf, x, full_matrices=False):
    s, u, v = tf.linalg.svd(x, full_matrices=full_matrices)
    return (tf.reduce_sum(s * _weights(*s.shape)) + tf.reduce_sum(tf.square(u) * _weights(*u.shape))
            + tf.reduce_sum(tf.square(v) * _weights(*v.shape)))


@program((4, 4))
def eigh_sign_free(tf, x):
    sym = (x + tf.transpose(x)) / 2.0
    e, v = tf.linalg.eigh(sym)
    return tf.reduce_sum(e * _weights(4)) + tf.reduce_sum(tf.square(v) * _weights(4, 4))


@program((2, 3, 3))
def eigh_reconstructs(tf, x):
    sym = x + tf.linalg.matrix_transpose(x)
    e, v = tf.linalg.eigh(sym)
    return tf.matmul(v * tf.expand_dims(e, -2), v, transpose_b=True)


@program((3, 3))
def svd_square_sign_free(tf, x):
    return _sign_free_svd(tf, x)


@program((4, 3))
def svd_tall_sign_free(tf, x):
    return _sign_free_svd(tf, x)


@program((2, 4))
def svd_wide_sign_free(tf, x):
    return _sign_free_svd(tf, x)


@program((4, 3))
def svd_full_sign_free(tf, x):
    return _sign_free_svd(tf, x, full_matrices=True)


@program((3, 4))
def svd_reconstructs(tf, x):
    s, u, v = tf.linalg.svd(x)
    return tf.matmul(u * tf.expand_dims(s, -2), v, transpose_b=True)


@program((4, 4))
def lu_weighted(tf, x):
    lu, perm = tf.linalg.lu(x)
    return tf.reduce_sum(lu * _weights(4, 4)) + tf.cast(tf.reduce_sum(perm), tf.float32)


@program((3, 3))
def sqrtm_of_square(tf, x):
    spd = tf.matmul(x, x, transpose_b=True) + 3.0 * tf.eye(3)
    return tf.linalg.sqrtm(spd)


@program(None)
def inverse_stft_window(tf, x):
    return tf.signal.inverse_stft_window_fn(3)(8, tf.float32)


@program(None)
def inverse_stft_window_vorbis(tf, x):
    return tf.signal.inverse_stft_window_fn(4, forward_window_fn=tf.signal.vorbis_window)(8, tf.float64)


# ---- tf.linalg.LinearOperator family: every query, through one summary vector ------------------------

def _summary(tf, op, solvable=True):
    n, m = op.domain_dimension, op.range_dimension
    batch = op.batch_shape.as_list()
    rhs = tf.constant(_weights(*batch, n, 2))
    parts = [op.to_dense(), op.matmul(rhs), op.matvec(rhs[..., 0]), op.adjoint().to_dense(), op.H.to_dense(),
             op.matmul(rhs, adjoint=True) if m == n else op.to_dense(),
             tf.cast(op.shape_tensor(), op.dtype), tf.constant([float(op.tensor_rank)], op.dtype)]
    if m == n:
        parts += [op.trace(), op.diag_part(), op.add_to_tensor(tf.ones(batch + [m, n], op.dtype))]
    if solvable:
        parts += [op.solve(rhs), op.solve(rhs, adjoint=True), op.solvevec(rhs[..., 1]), op.determinant(),
                  op.log_abs_determinant(), op.inverse().to_dense()]
    return tf.concat([tf.reshape(p, [-1]) for p in parts], 0)


@program((3, 3))
def lo_full_matrix(tf, x):
    return _summary(tf, tf.linalg.LinearOperatorFullMatrix(x + 3.0 * tf.eye(3)))


@program((2, 3))
def lo_full_matrix_rectangular(tf, x):
    return _summary(tf, tf.linalg.LinearOperatorFullMatrix(x), solvable=False)


@program((2, 3))
def lo_diag(tf, x):
    return _summary(tf, tf.linalg.LinearOperatorDiag(x + 2.0))


@program(None)
def lo_identity(tf, x):
    return _summary(tf, tf.linalg.LinearOperatorIdentity(3, batch_shape=[2]))


@program((2,))
def lo_scaled_identity(tf, x):
    return _summary(tf, tf.linalg.LinearOperatorScaledIdentity(3, x + 2.0))


@program(None)
def lo_zeros(tf, x):
    zeros = tf.linalg.LinearOperatorZeros(2, 3, is_square=False, is_self_adjoint=False)
    return _summary(tf, zeros, solvable=False)


@program((3, 3))
def lo_lower_triangular(tf, x):
    return _summary(tf, tf.linalg.LinearOperatorLowerTriangular(x + 2.0 * tf.eye(3)))


@program((3, 3))
def lo_adjoint(tf, x):
    return _summary(tf, tf.linalg.LinearOperatorAdjoint(tf.linalg.LinearOperatorFullMatrix(x + 3.0 * tf.eye(3))))


@program((3, 3))
def lo_inversion(tf, x):
    inner = tf.linalg.LinearOperatorFullMatrix(x + 3.0 * tf.eye(3), is_non_singular=True)
    return _summary(tf, tf.linalg.LinearOperatorInversion(inner))


@program((3, 3))
def lo_composition(tf, x):
    a = tf.linalg.LinearOperatorFullMatrix(x + 3.0 * tf.eye(3))
    d = tf.linalg.LinearOperatorDiag(tf.constant([1.0, 2.0, 3.0]))
    comp = tf.linalg.LinearOperatorComposition([a, d])
    return tf.concat([_summary(tf, comp), tf.reshape(a.matmul(d).to_dense(), [-1]),
                      tf.reshape(a.solve(d).to_dense(), [-1])], 0)


@program((2, 2))
def lo_kronecker(tf, x):
    a = tf.linalg.LinearOperatorFullMatrix(x + 2.0 * tf.eye(2))
    b = tf.linalg.LinearOperatorFullMatrix(tf.constant([[1.0, 0.5, 0.0], [0.2, 2.0, 0.1], [0.0, 0.3, 1.5]]))
    return _summary(tf, tf.linalg.LinearOperatorKronecker([a, b]))


@program((2, 2))
def lo_block_diag(tf, x):
    a = tf.linalg.LinearOperatorFullMatrix(x + 2.0 * tf.eye(2))
    d = tf.linalg.LinearOperatorDiag(tf.constant([1.0, 2.0, 3.0]))
    return _summary(tf, tf.linalg.LinearOperatorBlockDiag([a, d]))


@program((3, 2))
def lo_block_lower_triangular(tf, x):
    a = tf.linalg.LinearOperatorFullMatrix(tf.constant([[2.0, 0.5], [0.1, 3.0]]))
    b = tf.linalg.LinearOperatorFullMatrix(x)
    c = tf.linalg.LinearOperatorDiag(tf.constant([1.0, 2.0, 4.0]))
    return _summary(tf, tf.linalg.LinearOperatorBlockLowerTriangular([[a], [b, c]]))


@program(None)
def lo_permutation(tf, x):
    return _summary(tf, tf.linalg.LinearOperatorPermutation(tf.constant([2, 0, 1])))


@program((3,))
def lo_householder(tf, x):
    return _summary(tf, tf.linalg.LinearOperatorHouseholder(x + 1.0))


@program((3, 2))
def lo_low_rank_update(tf, x):
    base = tf.linalg.LinearOperatorDiag(tf.constant([2.0, 3.0, 4.0]))
    return _summary(tf, tf.linalg.LinearOperatorLowRankUpdate(base, x, diag_update=tf.constant([1.0, 0.5])))


@program((3,))
def lo_toeplitz(tf, x):
    col = x + tf.constant([3.0, 0.0, 0.0])
    return _summary(tf, tf.linalg.LinearOperatorToeplitz(col, tf.constant([9.0, 0.5, -0.25])))


@program((3, 4))
def lo_tridiag(tf, x):
    return _summary(tf, tf.linalg.LinearOperatorTridiag(x + tf.constant([[0.0], [3.0], [0.0]])))


# ---- tf.nn.with_space_to_batch: a dilated op from an undilated one ----------------------------------------

@program((2, 7, 6, 2))
def with_space_to_batch_same(tf, x):
    w = tf.constant(_weights(2, 2, 2, 3))
    return tf.nn.with_space_to_batch(x, [2, 2], "SAME", lambda inp, n, p: tf.nn.conv2d(inp, w, 1, p),
                                      filter_shape=[2, 2])


@program((1, 9, 8, 1))
def with_space_to_batch_valid(tf, x):
    return tf.nn.with_space_to_batch(x, [3, 2], "VALID", lambda inp, n, p: tf.nn.avg_pool2d(inp, 2, 1, p))


@program((1, 5, 5, 1))
def with_space_to_batch_rate_one(tf, x):
    return tf.nn.with_space_to_batch(x, [1, 1], "SAME", lambda inp, n, p: tf.nn.max_pool2d(inp, 3, 1, p))


# ---- tf.image over encoded images (the codecs are tf.io's) -------------------------------------------

@program(None)
def image_codecs_by_their_image_names(tf, x):
    rgb = tf.constant((np.arange(2 * 3 * 3).reshape(2, 3, 3) * 13).astype(np.uint8))
    png, jpeg = tf.image.encode_png(rgb), tf.image.encode_jpeg(rgb)
    flags = tf.cast(tf.stack([tf.image.is_jpeg(jpeg), tf.image.is_jpeg(png)]), tf.int32)
    # JPEG is lossy and encoders differ: its decoded shape is compared, PNG's pixels
    decoded = [tf.image.decode_png(png), tf.image.decode_image(png), tf.shape(tf.image.decode_jpeg(jpeg))]
    return tf.concat([flags] + [tf.reshape(tf.cast(d, tf.int32), [-1]) for d in decoded], 0)
