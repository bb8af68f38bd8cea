"""A transformer-style classifier of integer token sequences trained with fit:
Embedding(mask_zero=True) -> MultiHeadAttention -> GlobalAveragePooling1D -> Dense.

The task: does keyword 5 occur in a sequence of random tokens, right-padded with 0? The
padding is masked, so the attention and the pooling never see it (the example checks that
extra padding leaves the predictions unchanged). Tokens stand in for TextVectorization's output.

    python examples/keras_token_attention.py
    python examples/keras_token_attention.py --backend tensorflow    # the same program on real Keras
"""
from __future__ import annotations

import argparse

import numpy as np

VOCAB, LENGTH, KEYWORD = 50, 16, 5


def sequences(n, seed=0):
    """(ids, labels): ids (n, LENGTH) with 3..LENGTH real tokens then zeros; label 1 when KEYWORD occurs."""
    rng = np.random.default_rng(seed)
    ids = np.zeros((n, LENGTH), "int32")
    y = rng.integers(0, 2, n)
    others = np.r_[1:KEYWORD, KEYWORD + 1:VOCAB]
    for i in range(n):
        size = rng.integers(3, LENGTH + 1)
        row = rng.choice(others, size)
        if y[i]:
            row[rng.integers(0, size)] = KEYWORD
        ids[i, :size] = row
    return ids, y.astype("float32")


def build(keras):
    layers = keras.layers
    ids = keras.Input((None,), dtype="int32")
    x = layers.Embedding(VOCAB, 32, mask_zero=True)(ids)
    attended = layers.MultiHeadAttention(num_heads=4, key_dim=8)(x, x)
    x = layers.LayerNormalization()(layers.Add()([x, attended]))
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dense(16, activation="relu")(x)
    return keras.Model(ids, layers.Dense(1, activation="sigmoid")(x))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["graphflow", "tensorflow"], default="graphflow")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--samples", type=int, default=1024)
    args = parser.parse_args()
    if args.backend == "tensorflow":
        import keras
    else:
        import graphflow as gf
        keras = gf.keras
    keras.utils.set_random_seed(0)
    x, y = sequences(args.samples)
    x_val, y_val = sequences(256, seed=1)
    model = build(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=args.epochs, validation_data=(x_val, y_val), verbose=0)
    for epoch, (loss, acc) in enumerate(zip(history.history["loss"], history.history["val_accuracy"]), 1):
        print(f"epoch {epoch}: loss={loss:.4f} val_accuracy={acc:.3f}")
    padded = np.concatenate([x_val[:8], np.zeros((8, 8), "int32")], axis=1)
    same = np.allclose(model.predict(x_val[:8], verbose=0), model.predict(padded, verbose=0), atol=1e-5)
    print(f"extra padding changes predictions: {not same}")


if __name__ == "__main__":
    main()
