"""Keras 3's activations through a Dense layer, run the same way under real Keras
(tools/tfref/record_keras_activations.py) and graphflow (tests/keras_api/test_keras_activations.py):
the activation of x W + b, and the gradients of sum(out * weights) with respect to x and W.
`tf` is either module; nothing here imports either."""
import numpy as np

RNG = np.random.default_rng(0)
X = (2.0 * RNG.standard_normal((4, 5))).astype("float32")
KERNEL = RNG.standard_normal((5, 6)).astype("float32")
BIAS = (0.5 * RNG.standard_normal(6)).astype("float32")
SEEDS = RNG.standard_normal((4, 6)).astype("float32")

# name -> keyword arguments (None: the function's defaults, also used as Dense(activation="name"))
CASES = {
    "celu": None, "celu_alpha": ("celu", {"alpha": 0.5}),
    "glu": None, "hard_shrink": None, "hard_shrink_1": ("hard_shrink", {"threshold": 1.0}),
    "hard_silu": None, "hard_swish": None, "hard_tanh": None, "log_sigmoid": None, "mish": None,
    "soft_shrink": None, "soft_shrink_1": ("soft_shrink", {"threshold": 1.0}),
    "sparse_plus": None, "sparse_sigmoid": None, "sparsemax": None, "sparsemax_axis0": ("sparsemax", {"axis": 0}),
    "squareplus": None, "squareplus_b1": ("squareplus", {"b": 1}),
    "tanh_shrink": None, "threshold": ("threshold", {"threshold": 0.3, "default_value": -1.0}),
}


def activation(tf, case):
    spec = CASES[case]
    if spec is None:
        return case
    name, kwargs = spec
    fn = getattr(tf.keras.activations, name)
    return lambda t: fn(t, **kwargs)


def run(tf, case):
    dense = tf.keras.layers.Dense(6, activation=activation(tf, case))
    x = tf.constant(X)
    dense(x)
    dense.set_weights([KERNEL, BIAS])
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = dense(x)
        seeds = SEEDS[:, :out.shape[1]]
        loss = tf.reduce_sum(out * seeds)
    dx, dk = tape.gradient(loss, [x, dense.kernel])
    result = {"out": np.asarray(out).tolist(), "dx": np.asarray(dx).tolist(), "dkernel": np.asarray(dk).tolist()}
    if CASES[case] is None:
        result["config_activation"] = dense.get_config()["activation"]
    return result
