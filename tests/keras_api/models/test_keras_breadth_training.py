"""Whole programs that train with fit on synthetic data: a Conv1D sequence classifier, and a
transformer-style token classifier (Embedding(mask_zero) -> MultiHeadAttention -> pooling ->
Dense) whose padding must not change the answer."""
import numpy as np

import graphflow as gf

keras = gf.keras
layers = keras.layers


def wave_data(n, steps=24, seed=0):
    """Class 1: a sine of high frequency; class 0: low frequency; both noisy, random phase."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    t = np.arange(steps)
    freq = np.where(y == 1, 0.8, 0.2)[:, None]
    x = np.sin(freq * t + rng.uniform(0, 6.3, (n, 1))) + 0.3 * rng.standard_normal((n, steps))
    return x[..., None].astype("float32"), y


def test_conv1d_sequence_model_learns_to_tell_frequencies_apart():
    x, y = wave_data(192)
    x_val, y_val = wave_data(64, seed=1)
    model = keras.Sequential([
        keras.Input((24, 1)),
        layers.Conv1D(8, 3, activation="relu", padding="causal"),
        layers.MaxPooling1D(2),
        layers.Conv1D(8, 3, activation="relu"),
        layers.GlobalAveragePooling1D(),
        layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=8, validation_data=(x_val, y_val), verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] >= 0.9


def token_data(n, length=12, vocab=20, seed=0):
    """Sequences of ids 2..vocab-1, right-padded with 0; label 1 when token 5 occurs."""
    rng = np.random.default_rng(seed)
    ids = np.zeros((n, length), "int32")
    y = rng.integers(0, 2, n)
    for i in range(n):
        size = rng.integers(3, length + 1)
        row = rng.choice(np.r_[2:5, 6:vocab], size)
        if y[i]:
            row[rng.integers(0, size)] = 5
        ids[i, :size] = row
    return ids, y.astype("float32")


def attention_classifier(vocab=20):
    ids = keras.Input((None,), dtype="int32")
    x = layers.Embedding(vocab, 16, mask_zero=True)(ids)
    x = layers.MultiHeadAttention(num_heads=2, key_dim=8)(x, x)
    x = layers.GlobalAveragePooling1D()(x)
    out = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(ids, out)


def test_masked_attention_classifier_learns_and_ignores_padding():
    x, y = token_data(256)
    x_val, y_val = token_data(64, seed=1)
    model = attention_classifier()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=10, validation_data=(x_val, y_val), verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] >= 0.9
    # the padding is masked: more trailing zeros do not change a prediction
    short = x_val[:4, :8]
    longer = np.concatenate([short, np.zeros((4, 10), "int32")], axis=1)
    np.testing.assert_allclose(model.predict(short, verbose=0), model.predict(longer, verbose=0), rtol=1e-5,
                               atol=1e-6)
