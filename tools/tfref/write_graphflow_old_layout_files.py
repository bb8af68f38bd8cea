"""Files in the layout graphflow wrote before it walked layers as Keras 3 does, for
tests/keras_api/models/test_keras_sublayer_files.py (they must still load). Run once with
graphflow at commit bc1cd7d (the last one with that layout), e.g. from a worktree of it:

    PYTHONPATH=<worktree at bc1cd7d> python tools/tfref/write_graphflow_old_layout_files.py

It writes tests/data/keras_files/sublayers/graphflow_before/: subclassed.weights.h5, the same
weights as a checkpoint (subclassed_checkpoint/w), functional_mha.keras and predictions.npz
(graphflow's predictions then, on old_layout_models.X).
"""
from __future__ import annotations

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "keras_api", "models"))

from old_layout_models import Sub, X, functional  # noqa: E402

import graphflow as gf  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "keras_files", "sublayers", "graphflow_before")


def main():
    keras = gf.keras
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(5)
    rng = np.random.default_rng(5)
    subclassed = Sub()
    subclassed(X)
    subclassed.set_weights([rng.normal(size=w.shape).astype("float32") * 0.5 for w in subclassed.get_weights()])
    subclassed.save_weights(os.path.join(OUT, "subclassed.weights.h5"))
    subclassed.save_weights(os.path.join(OUT, "subclassed_checkpoint", "w"))     # a gf.train checkpoint
    model = functional(keras)
    model.set_weights([rng.normal(size=w.shape).astype("float32") * 0.5 for w in model.get_weights()])
    model.save(os.path.join(OUT, "functional_mha.keras"))
    np.savez(os.path.join(OUT, "predictions.npz"), subclassed=subclassed.predict(X, verbose=0),
             functional_mha=model.predict(X, verbose=0))


if __name__ == "__main__":
    main()
