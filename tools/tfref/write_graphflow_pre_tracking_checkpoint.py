"""Write a gf.train checkpoint with graphflow from before it tracked sub-layers as Keras 3 does
(commit 8a04b88: only public attributes and the layers directly in their lists were sub-layers,
numbered `layer-N` in that order), of a model whose dict and private sub-layers come before its
public ones, so a test can check that such checkpoints still restore into the same layers.

Run with the old graphflow: git worktree add /tmp/gf-8a04b88 8a04b88 &&
PYTHONPATH=/tmp/gf-8a04b88 python tools/tfref/write_graphflow_pre_tracking_checkpoint.py
Writes tests/data/keras_subclass_tracking/graphflow_before/{ckpt.*, expected.npz}.
"""
import os

import numpy as np

import graphflow as gf

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data",
                   "keras_subclass_tracking", "graphflow_before")
X = np.linspace(-1.0, 1.0, 12, dtype="float32").reshape(4, 3)


class Before(gf.keras.Model):
    """Kept in step with tests/keras_api/models/test_keras_subclass_tracking.py."""

    def __init__(self):
        super().__init__()
        self.blocks = {"a": gf.keras.layers.Dense(3), "b": gf.keras.layers.Dense(3)}
        self._private = gf.keras.layers.Dense(3)
        self.first = gf.keras.layers.Dense(3)
        self.stack = [gf.keras.layers.Dense(3), [gf.keras.layers.Dense(3)]]

    def call(self, x):
        h = self.blocks["a"](x) + self.blocks["b"](x) + self._private(x)
        return self.stack[1][0](self.stack[0](self.first(h)))


def main():
    os.makedirs(OUT, exist_ok=True)
    gf.keras.backend.clear_session()
    model = Before()
    model(X)
    rng = np.random.default_rng(5)
    layers = [model.blocks["a"], model.blocks["b"], model._private, model.first, model.stack[0], model.stack[1][0]]
    for layer in layers:
        for w in layer.weights:
            w.assign(rng.normal(size=tuple(w.shape)).astype("float32"))
    gf.train.Checkpoint(model=model).write(os.path.join(OUT, "ckpt"))
    np.savez(os.path.join(OUT, "expected.npz"), y=model(X).numpy(),
             **{f"layer{i}": layer.weights[0].numpy() for i, layer in enumerate(layers)})
    print("wrote", OUT)


if __name__ == "__main__":
    main()
