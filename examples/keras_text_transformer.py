"""A transformer-style text classifier trained with fit on raw strings:
TextVectorization -> Embedding(mask_zero=True) -> MultiHeadAttention -> GlobalAveragePooling1D -> Dense.

The task: does the word "keyword" occur in a sentence of random words? TextVectorization learns the
vocabulary with adapt and pads each batch of token ids with 0; the padding is masked, so the
attention and the pooling never see it (the example checks that extra padding leaves the
predictions unchanged).

    python examples/keras_text_transformer.py
    python examples/keras_text_transformer.py --backend tensorflow    # the same program on real Keras
"""
from __future__ import annotations

import argparse

import numpy as np

VOCAB, LENGTH, KEYWORD = 50, 16, 5


def sentences(n, seed=0):
    """(texts, labels): sentences of 3..LENGTH random words; label 1 when "keyword" occurs."""
    rng = np.random.default_rng(seed)
    words = [f"word{i}" for i in range(1, VOCAB - 2)]
    texts, y = [], rng.integers(0, 2, n)
    for i in range(n):
        size = rng.integers(3, LENGTH + 1)
        row = list(rng.choice(words, size))
        if y[i]:
            row[rng.integers(0, size)] = "Keyword!"        # standardize lowercases and strips the "!"
        texts.append(" ".join(row))
    return np.array(texts, dtype=object), y.astype("float32")     # Keras 3 takes text arrays as objects


def build(keras, vectorize):
    layers = keras.layers
    text = keras.Input((1,), dtype="string")
    ids = vectorize(text)
    x = layers.Embedding(VOCAB, 32, mask_zero=True)(ids)
    attended = layers.MultiHeadAttention(num_heads=4, key_dim=8)(x, x)
    x = layers.LayerNormalization()(layers.Add()([x, attended]))
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dense(16, activation="relu")(x)
    return keras.Model(text, layers.Dense(1, activation="sigmoid")(x))


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
    x, y = sentences(args.samples)
    x_val, y_val = sentences(256, seed=1)
    vectorize = keras.layers.TextVectorization(max_tokens=VOCAB, output_sequence_length=LENGTH)
    vectorize.adapt(x)
    model = build(keras, vectorize)
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=args.epochs, validation_data=(x_val, y_val), verbose=0)
    for epoch, (loss, acc) in enumerate(zip(history.history["loss"], history.history["val_accuracy"]), 1):
        print(f"epoch {epoch}: loss={loss:.4f} val_accuracy={acc:.3f}")
    ids = vectorize(x_val[:8])
    print(f"token ids of the first sentence: {np.asarray(ids)[0].tolist()}")
    embed = keras.Model(model.inputs, model.layers[2].output)       # the embedding of the same ids
    padded_text = np.array([t + " " for t in x_val[:8]], dtype=object)   # trailing space: same tokens and padding
    same = np.allclose(model.predict(x_val[:8], verbose=0), model.predict(padded_text, verbose=0), atol=1e-5)
    shape = embed.predict(x_val[:2], verbose=0).shape
    print(f"extra padding changes predictions: {not same}; embedding shape: {shape}")


if __name__ == "__main__":
    main()
