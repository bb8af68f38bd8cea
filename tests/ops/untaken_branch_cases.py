"""Functions differentiated through the untaken branch of `where`, at special values.

`where(x > 0, f(x), 0)` sends a zero upstream gradient to f wherever x <= 0, and there f's own
gradient formula may meet 0 * inf or 0 * nan. TensorFlow's SqrtGrad, RsqrtGrad and ReciprocalGrad
kernels return 0 for a zero upstream gradient (so the "safe sqrt" pattern has gradient 0); formulas
written with plain ops (log, pow, div) give NaN. tools/tfref/record_untaken_branch_gradients.py
records TensorFlow's gradients of these cases; tests/ops/test_untaken_branch_gradients.py replays
them. Plain Python (no graphflow import), so the TensorFlow-side recorder can load it too.
"""
from __future__ import annotations

import numpy as np

SPECIAL = np.array([-1.0, 0.0, 4.0, np.inf, -np.inf, np.nan, 1e-300, -0.0])

UNARY = {
    "sqrt": lambda tf, x: tf.sqrt(x),
    "rsqrt": lambda tf, x: tf.math.rsqrt(x),
    "reciprocal": lambda tf, x: tf.math.reciprocal(x),
    "log": lambda tf, x: tf.math.log(x),
    "log1p": lambda tf, x: tf.math.log1p(x),
    "exp": lambda tf, x: tf.exp(x),
    "expm1": lambda tf, x: tf.math.expm1(x),
    "tanh": lambda tf, x: tf.tanh(x),
    "sigmoid": lambda tf, x: tf.sigmoid(x),
    "sin": lambda tf, x: tf.sin(x),
    "cos": lambda tf, x: tf.cos(x),
    "erf": lambda tf, x: tf.math.erf(x),
    "softplus": lambda tf, x: tf.math.softplus(x),
    "abs": lambda tf, x: tf.abs(x),
    "square": lambda tf, x: tf.square(x),
    "negative": lambda tf, x: tf.negative(x),
    "relu": lambda tf, x: tf.nn.relu(x),
    "relu6": lambda tf, x: tf.nn.relu6(x),
    "elu": lambda tf, x: tf.nn.elu(x),
    "selu": lambda tf, x: tf.nn.selu(x),
    "leaky_relu": lambda tf, x: tf.nn.leaky_relu(x, alpha=0.25),
    "silu": lambda tf, x: tf.nn.silu(x),
    "gelu": lambda tf, x: tf.nn.gelu(x),
    "sign": lambda tf, x: tf.sign(x),
    "one_over_x": lambda tf, x: 1.0 / x,
    "x_over_x": lambda tf, x: x / x,
    "divide_no_nan": lambda tf, x: tf.math.divide_no_nan(tf.ones_like(x), x),
    "pow_x_half": lambda tf, x: tf.pow(x, 0.5),
    "pow_two_x": lambda tf, x: tf.pow(2.0, x),
    "pow_x_x": lambda tf, x: tf.pow(x, x),
    "squared_difference": lambda tf, x: tf.math.squared_difference(x, 1.0),
    "floormod": lambda tf, x: tf.math.floormod(1.0, x),
    "maximum": lambda tf, x: tf.maximum(x, 0.0),
    "minimum": lambda tf, x: tf.minimum(x, 1.0),
    "sqrt_of_square": lambda tf, x: tf.sqrt(tf.square(x)),
    "rsqrt_plus": lambda tf, x: tf.math.rsqrt(x + 1.0),
    "norm": lambda tf, x: tf.sqrt(tf.reduce_sum(tf.square(x), keepdims=True)) + 0.0 * x,
    "logsumexp": lambda tf, x: tf.reduce_logsumexp(tf.stack([x, -x]), axis=0),
    "reduce_prod": lambda tf, x: tf.reduce_prod(tf.stack([x, x + 1.0]), axis=0),
}


def safe(f):
    """The guarded form: f where x > 0, else 0."""
    return lambda tf, x: tf.where(x > 0, f(tf, x), tf.zeros_like(x))


CASES = {name: safe(f) for name, f in UNARY.items()}
