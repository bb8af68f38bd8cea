"""A functional model through the regularization, Dot, AdditiveAttention, normalization and
EinsumDense layers (and, for the masked-attention program, AdditiveAttention alone), built the same way
under real Keras (tools/tfref/record_keras_misc_layers.py) and graphflow
(tests/keras_api/models/test_keras_misc_layer_programs.py). Imports neither framework."""
from __future__ import annotations

import numpy as np

QUERY, VALUE = (3, 4), (5, 4)


def build(keras, noise: bool = True):
    """[query, value] -> 2 outputs. With noise=False the training-only layers are left out, so
    a fit step is deterministic and comparable with Keras's."""
    layers = keras.layers
    q, v = keras.Input(QUERY, name="query"), keras.Input(VALUE, name="value")
    x = layers.AdditiveAttention(name="additive")([q, v])
    x = layers.GroupNormalization(groups=2, name="group_norm")(x)
    x = layers.RMSNormalization(name="rms_norm")(x)
    x = layers.ActivityRegularization(l2=0.05, name="activity")(x)
    if noise:
        for layer in (layers.GaussianNoise(0.1), layers.SpatialDropout1D(0.2), layers.GaussianDropout(0.1),
                      layers.AlphaDropout(0.1), layers.Identity()):
            x = layer(x)
    x = layers.UnitNormalization(name="unit_norm")(x)
    x = layers.EinsumDense("...b,bc->...c", 4, bias_axes="c", activation="tanh", name="einsum")(x)
    x = layers.Dot(axes=(2, 2), normalize=True, name="cosine")([x, v])
    x = layers.Flatten()(x)
    out = layers.Dense(2, name="head")(x)
    return keras.Model([q, v], out)


def build_image(keras):
    """Images (6, 5, 2) through the image size layers to 2 outputs."""
    layers = keras.layers
    return keras.Sequential([keras.Input((6, 5, 2)), layers.RandomBrightness(0.1, value_range=(0, 1)),
                             layers.Resizing(4, 4, crop_to_aspect_ratio=True), layers.CenterCrop(3, 3),
                             layers.Flatten(), layers.Dense(2)])


def image_inputs(n: int = 3, seed: int = 4):
    return np.random.default_rng(seed).uniform(0, 1, (n, 6, 5, 2)).astype("float32")


def inputs(n: int = 4, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((n,) + QUERY).astype("float32"), rng.standard_normal((n,) + VALUE).astype("float32")]


def targets(n: int = 4, seed: int = 1):
    return np.random.default_rng(seed).standard_normal((n, 2)).astype("float32")


def fixed_weights(model, seed: int = 3) -> list:
    rng = np.random.default_rng(seed)
    return [(0.5 * rng.standard_normal(w.shape) + (1.0 if "scale" in w.name or "gamma" in w.name else 0.0))
            .astype("float32") for w in model.weights]


def masks(n: int = 4):
    """Query and value masks for the masked-attention program (every row keeps a value step)."""
    query_mask = np.ones((n, QUERY[0]), bool)
    query_mask[:, -1] = False
    value_mask = np.ones((n, VALUE[0]), bool)
    value_mask[0, 3:] = False
    value_mask[1, :2] = False
    return query_mask, value_mask


# Hashing: (layer arguments, inputs) pairs; string inputs as lists of str
HASHING_CASES = {
    "strings": ({"num_bins": 7}, [["A"], ["B"], ["C"], ["dog"], [""], ["a longer string of more than 64 bytes, " * 2]]),
    "strings_mask": ({"num_bins": 5, "mask_value": "B"}, [["A"], ["B"], ["C"], ["B"]]),
    "strings_salt_int": ({"num_bins": 11, "salt": 133}, [["A"], ["B"], ["C"], ["dog"]]),
    "strings_salt_pair": ({"num_bins": 11, "salt": [7, 9]}, [["A"], ["B"], ["C"], ["dog"]]),
    "ints": ({"num_bins": 13}, [[1, -2, 30], [400, 0, 7]]),
    "ints_mask": ({"num_bins": 13, "mask_value": 0}, [[1, -2, 30], [400, 0, 7]]),
    "floats": ({"num_bins": 13}, [[1.5, -2.0], [3.9, 0.0]]),
    "multi_hot": ({"num_bins": 6, "output_mode": "multi_hot"}, [["a", "b", "c"], ["c", "c", "d"]]),
    "count": ({"num_bins": 6, "output_mode": "count"}, [["a", "b", "c"], ["c", "c", "d"]]),
    "one_hot": ({"num_bins": 6, "output_mode": "one_hot"}, [["a"], ["b"], ["c"]]),
}
