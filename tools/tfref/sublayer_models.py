"""Small models of layers whose weights Keras 3 keeps in sub-layers (MultiHeadAttention's
`query_dense` ... and `_softmax`/`_dropout_layer`, Bidirectional's `forward_layer`/`backward_layer`
and their `cell`, TimeDistributed's `layer`) or as their own state (Attention's scores, LayerNorm,
BatchNorm statistics, an adapted Normalization, RandomFlip/RandomRotation), functional and
Sequential. Both sides of the `.keras` interchange build them: real Keras in
record_keras_sublayer_files.py, graphflow in write_graphflow_sublayer_files.py. `keras` is the
module of either side; INPUTS are the fixed inputs both predict on.
"""
from __future__ import annotations

import numpy as np

_rng = np.random.default_rng(2026)
INPUTS = {
    "mha_self": [_rng.normal(size=(2, 4, 6)).astype("float32")],
    "mha_cross": [_rng.normal(size=(2, 3, 4)).astype("float32"), _rng.normal(size=(2, 5, 6)).astype("float32")],
    "bidirectional": [_rng.normal(size=(2, 5, 3)).astype("float32")],
    "time_distributed": [_rng.normal(size=(2, 4, 3)).astype("float32")],
    "td_bidirectional": [_rng.normal(size=(2, 4, 3)).astype("float32")],
    "attention_norms": [_rng.normal(size=(2, 3, 4)).astype("float32"), _rng.normal(size=(2, 5, 4)).astype("float32")],
    "preprocessing": [_rng.normal(size=(2, 4, 4, 1)).astype("float32")],
}
ADAPT = _rng.normal(loc=2.0, scale=3.0, size=(8, 4, 4, 1)).astype("float32")


def mha_self(keras):
    """A self-attention block: x + MHA(x, x), LayerNormalization, Dense."""
    L = keras.layers
    x = keras.Input((4, 6), name="tokens")
    attended = L.MultiHeadAttention(num_heads=2, key_dim=3, name="self_attention")(x, x)
    y = L.LayerNormalization()(L.Add()([x, attended]))
    return keras.Model(x, L.Dense(2)(y), name="mha_self")


def mha_cross(keras):
    """Cross-attention with value_dim, output_shape and no biases (EinsumDense without bias), causal."""
    L = keras.layers
    q = keras.Input((3, 4), name="query")
    v = keras.Input((5, 6), name="value")
    out = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2, output_shape=5, use_bias=False)(
        q, v, use_causal_mask=True)
    return keras.Model([q, v], out, name="mha_cross")


def bidirectional(keras):
    L = keras.layers
    return keras.Sequential([keras.Input((5, 3)), L.Bidirectional(L.LSTM(3, return_sequences=True)),
                             L.Bidirectional(L.GRU(2), merge_mode="sum"), L.Dense(1)], name="bidirectional")


def time_distributed(keras):
    return keras.Sequential([keras.Input((4, 3)), keras.layers.TimeDistributed(keras.layers.Dense(2)),
                             keras.layers.TimeDistributed(keras.layers.Dense(3, activation="tanh"))],
                            name="time_distributed")


def td_bidirectional(keras):
    """Functional: TimeDistributed(Dense) into Bidirectional(SimpleRNN), both merged outputs."""
    L = keras.layers
    x = keras.Input((4, 3), name="steps")
    h = L.TimeDistributed(L.Dense(4, activation="relu"))(x)
    y = L.Bidirectional(L.SimpleRNN(2))(h)
    return keras.Model(x, L.Dense(2)(y), name="td_bidirectional")


def attention_norms(keras):
    """Attention (scaled, concat scores) and BatchNormalization statistics."""
    L = keras.layers
    q = keras.Input((3, 4), name="query")
    v = keras.Input((5, 4), name="value")
    a = L.Attention(use_scale=True, score_mode="concat")([q, v])
    a = L.BatchNormalization()(a)
    return keras.Model([q, v], L.Dense(2)(a), name="attention_norms")


def preprocessing(keras):
    """Sequential: an adapted Normalization (its mean, variance, count are weights), random
    augmentation (identity at inference; Keras keeps no state for it) and a convolution."""
    L = keras.layers
    norm = L.Normalization()
    norm.adapt(ADAPT)
    return keras.Sequential([keras.Input((4, 4, 1)), norm, L.RandomFlip(seed=1), L.RandomRotation(0.1, seed=2),
                             L.Conv2D(2, 3), L.Flatten(), L.Dense(1)], name="preprocessing")


MODELS = {"mha_self": mha_self, "mha_cross": mha_cross, "bidirectional": bidirectional,
          "time_distributed": time_distributed, "td_bidirectional": td_bidirectional,
          "attention_norms": attention_norms, "preprocessing": preprocessing}


def randomise(model, seed):
    """Every float weight away from its initial value (biases, scales and BatchNormalization's
    statistics too), variances positive."""
    rng = np.random.default_rng(seed)
    values = []
    for w in model.weights:
        name = w.name.split(":")[0].rsplit("/", 1)[-1]
        shape = tuple(w.shape)
        if name in ("mean", "variance", "count"):
            # an adapted Normalization's statistics stay: real Keras computes with the values
            # `adapt` cached, not with what set_weights puts in the variables (a reload uses those)
            values.append(np.asarray(w.numpy()))
        elif name == "moving_variance":
            values.append(rng.uniform(0.5, 1.5, size=shape).astype("float32"))
        elif not np.issubdtype(np.asarray(w.numpy()).dtype, np.floating):
            values.append(np.asarray(w.numpy()))          # seed states stay
        else:
            values.append((rng.normal(size=shape) * 0.5).astype("float32"))
    model.set_weights(values)


def predict(model, name):
    x = INPUTS[name]
    return np.asarray(model.predict(x if len(x) > 1 else x[0], verbose=0))
