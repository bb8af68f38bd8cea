"""Small models whose answers depend on Keras masks, shared by the recorder
(tools/tfref/record_keras_masks.py, under real Keras) and test_masking.py (under graphflow).

`build(keras)` returns a compiled model; weights are then drawn by `set_weights` (numpy seed 1,
Keras's weight order), so both frameworks start equal. Each program is evaluated, predicted,
and trained one SGD step on `data()`.
"""
from __future__ import annotations

import numpy as np

IDS = np.array([[3, 1, 4, 0, 0], [2, 5, 0, 0, 0], [1, 2, 3, 4, 5], [5, 0, 0, 0, 0]])   # 0 is padding
TARGET_SEQ = np.random.default_rng(7).standard_normal((4, 5, 1)).astype("float32")
TARGET = np.random.default_rng(8).standard_normal((4, 1)).astype("float32")
STEPS = np.random.default_rng(9).standard_normal((4, 5, 2)).astype("float32")
STEPS[0, 3:] = 0.0
STEPS[1, 1] = 0.0          # a masked step in the middle
STEPS[3, 4:] = 0.0


def _compile(keras, model):
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model


def embedding_lstm(keras):
    L = keras.layers
    ids = keras.Input((5,), dtype="int32")
    x = L.Embedding(6, 3, mask_zero=True)(ids)
    return _compile(keras, keras.Model(ids, L.Dense(1)(L.LSTM(2)(x)))), IDS, TARGET


def embedding_gru_sequences_pooled(keras):
    L = keras.layers
    ids = keras.Input((5,), dtype="int32")
    x = L.Embedding(6, 3, mask_zero=True)(ids)
    x = L.GRU(2, return_sequences=True)(x)
    return _compile(keras, keras.Model(ids, L.Dense(1)(L.GlobalAveragePooling1D()(x)))), IDS, TARGET


def masking_simple_rnn_sequences(keras):
    L = keras.layers
    inp = keras.Input((5, 2))
    x = L.Masking(0.0)(inp)
    x = L.SimpleRNN(3, return_sequences=True)(x)
    return _compile(keras, keras.Model(inp, L.Dense(1)(x))), STEPS, TARGET_SEQ


def embedding_attention_pooled(keras):
    L = keras.layers
    ids = keras.Input((5,), dtype="int32")
    x = L.Embedding(6, 4, mask_zero=True)(ids)
    x = L.MultiHeadAttention(2, 2)(x, x)
    return _compile(keras, keras.Model(ids, L.Dense(1)(L.GlobalAveragePooling1D()(x)))), IDS, TARGET


def embedding_attention_residual_pooled(keras):
    """A transformer block: the residual Add keeps the padding mask (Keras's functional behaviour)."""
    L = keras.layers
    ids = keras.Input((5,), dtype="int32")
    x = L.Embedding(6, 4, mask_zero=True)(ids)
    x = L.LayerNormalization()(L.Add()([x, L.MultiHeadAttention(2, 2)(x, x)]))
    return _compile(keras, keras.Model(ids, L.Dense(1)(L.GlobalAveragePooling1D()(x)))), IDS, TARGET


def embedding_bidirectional_sequence_loss(keras):
    L = keras.layers
    ids = keras.Input((5,), dtype="int32")
    x = L.Embedding(6, 3, mask_zero=True)(ids)
    x = L.Bidirectional(L.LSTM(2, return_sequences=True))(x)
    return _compile(keras, keras.Model(ids, L.TimeDistributed(L.Dense(1))(x))), IDS, TARGET_SEQ


def embedding_dense_sequence_loss(keras):
    L = keras.layers
    model = keras.Sequential([keras.Input((5,), dtype="int32"), L.Embedding(6, 2, mask_zero=True),
                              L.Dense(3, activation="tanh"), L.Dense(1)])
    return _compile(keras, model), IDS, TARGET_SEQ


PROGRAMS = [embedding_lstm, embedding_gru_sequences_pooled, masking_simple_rnn_sequences, embedding_attention_pooled,
            embedding_attention_residual_pooled, embedding_bidirectional_sequence_loss, embedding_dense_sequence_loss]


def set_weights(model, seed=1):
    rng = np.random.default_rng(seed)
    model.set_weights([(0.5 * rng.standard_normal(w.shape)).astype("float32") for w in model.weights])
