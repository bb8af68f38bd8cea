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
