"""The models of tests/data/keras_files/sublayers/graphflow_before/, files graphflow wrote before
it walked layers as Keras 3 does (commit bc1cd7d): a subclassed model with attributes sorting
after `layers` (then saved by attribute name, now under `layers/` as Keras saves them) and a
MultiHeadAttention (then with its 8 weights in its own group, now in sub-layers)."""
import numpy as np

import graphflow as gf

keras = gf.keras
L = keras.layers
X = np.random.default_rng(3).normal(size=(2, 4, 3)).astype("float32")


class Sub(keras.Model):
    def __init__(self):
        super().__init__()
        self.encoder = L.Dense(3)
        self.blocks = [L.Dense(2), L.Dense(3)]
        self.mha = L.MultiHeadAttention(2, 2)
        self.out = L.Dense(1)

    def call(self, x):
        h = self.blocks[1](self.blocks[0](self.encoder(x)))
        return self.out(self.mha(h, h))


def functional(keras):
    x = keras.Input((4, 3))
    return keras.Model(x, L.Dense(2)(L.MultiHeadAttention(2, 2)(x, x)))
