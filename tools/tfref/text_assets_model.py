"""The text models both sides of the `.keras` asset interchange build (real Keras in
record_keras_text_assets.py, graphflow in write_graphflow_text_assets.py). "text":
TextVectorization, StringLookup and IntegerLookup with adapted vocabularies (saved as assets) and
one StringLookup with a given vocabulary (saved in the config), feeding Embedding -> pooling and
Dense. "tfidf": adapted TF-IDF lookups, whose weights Keras keeps in the weights file.
`keras` is the module of either side.
"""
from __future__ import annotations

import numpy as np

CORPUS = ["the cat sat on the mat", "the dog ran", "a cat and a dog", "Dogs ran fast!", "the end"]
TAGS = [["red"], ["blue"], ["red"], ["green"], ["red"], ["blue"]]
CODES = [[7], [3], [7], [9], [3], [7], [11]]
INPUTS = {"text": np.array([["the cat ran"], ["a dog sat on a mat"], ["unknown words here"]]),
          "tag": np.array([["red"], ["green"], ["purple"]]),
          "code": np.array([[7], [9], [5]], dtype=np.int64),
          "size": np.array([["small"], ["large"], ["huge"]])}


def build(keras):
    L = keras.layers
    text = keras.Input((1,), dtype="string", name="text")
    tag = keras.Input((1,), dtype="string", name="tag")
    code = keras.Input((1,), dtype="int64", name="code")
    size = keras.Input((1,), dtype="string", name="size")
    vectorizer = L.TextVectorization(max_tokens=12, output_sequence_length=5, name="vectorizer")
    vectorizer.adapt(CORPUS)
    tag_lookup = L.StringLookup(output_mode="multi_hot", name="tag_lookup")
    tag_lookup.adapt(np.array(TAGS))
    code_lookup = L.IntegerLookup(output_mode="multi_hot", name="code_lookup")
    code_lookup.adapt(np.array(CODES, dtype=np.int64))
    size_lookup = L.StringLookup(vocabulary=["small", "large"], output_mode="multi_hot", name="size_lookup")
    words = L.GlobalAveragePooling1D(name="pool")(L.Embedding(12, 3, name="embed")(vectorizer(text)))
    x = L.Concatenate(name="features")([words, tag_lookup(tag), code_lookup(code), size_lookup(size)])
    model = keras.Model({"text": text, "tag": tag, "code": code, "size": size}, L.Dense(2, name="head")(x),
                        name="text_assets")
    rng = np.random.default_rng(16)
    model.set_weights([rng.standard_normal(w.shape).astype("float32") * 0.5 for w in model.get_weights()])
    return model


def build_tf_idf(keras):
    L = keras.layers
    text = keras.Input((1,), dtype="string", name="text")
    tag = keras.Input((1,), dtype="string", name="tag")
    vectorizer = L.TextVectorization(max_tokens=10, output_mode="tf_idf", name="vectorizer")
    vectorizer.adapt(CORPUS)
    tag_lookup = L.StringLookup(output_mode="tf_idf", name="tag_lookup")
    tag_lookup.adapt(np.array(TAGS))
    words = L.Reshape((10,), name="bag")(vectorizer(text))    # Keras infers (None, 1, 10) from (None, 1)
    x = L.Concatenate(name="features")([words, tag_lookup(tag)])
    model = keras.Model({"text": text, "tag": tag}, L.Dense(2, name="head")(x), name="tf_idf_assets")
    rng = np.random.default_rng(17)
    model.set_weights([rng.standard_normal(w.shape).astype("float32") * 0.5 for w in model.get_weights()])
    return model


MODELS = {"text": build, "tfidf": build_tf_idf}


def inputs_of(model) -> dict:
    return {k: v for k, v in INPUTS.items() if k in model.input}


def vocabularies(model) -> dict:
    return {layer.name: [str(t) for t in layer.get_vocabulary()] for layer in model.layers
            if hasattr(layer, "get_vocabulary")}
