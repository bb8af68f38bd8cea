"""Write the sub-layer models (sublayer_models.py) with graphflow, for real Keras to load:

    PYTHONPATH=$PWD python tools/tfref/write_graphflow_sublayer_files.py
    /work/tfvenv/bin/python tools/tfref/record_keras_sublayer_files.py --read-graphflow

The first writes tests/data/keras_files/sublayers/from_graphflow/NAME.keras, NAME.h5 (legacy) and NAME.weights.h5
and graphflow_predictions.npz (graphflow's predictions on sublayer_models.INPUTS, `NAME/y`); the
second records what real Keras predicts from those files in keras_predictions.json.
"""
from __future__ import annotations

import io
import os
import sys

import numpy as np

sys.path.insert(0, os.getcwd())
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sublayer_models as spec  # noqa: E402

import graphflow as gf  # noqa: E402
from graphflow.atomic_file import write_atomic  # noqa: E402

OUT = os.path.join("tests", "data", "keras_files", "sublayers", "from_graphflow")


def main():
    keras = gf.keras
    os.makedirs(OUT, exist_ok=True)
    arrays = {}
    for i, (name, build) in enumerate(spec.MODELS.items()):
        keras.backend.clear_session()       # layer names as in a fresh process
        model = build(keras)
        spec.randomise(model, seed=100 + i)
        model.compile(optimizer="adam", loss="mse")
        arrays[f"{name}/y"] = spec.predict(model, name)
        model.save(os.path.join(OUT, f"{name}.keras"))
        model.save(os.path.join(OUT, f"{name}.h5"))
        model.save_weights(os.path.join(OUT, f"{name}.weights.h5"))
        print(name, arrays[f"{name}/y"].shape)
    buf = io.BytesIO()
    np.savez(buf, **{k: arrays[k] for k in sorted(arrays)})
    write_atomic(os.path.join(OUT, "graphflow_predictions.npz"), buf.getvalue())


if __name__ == "__main__":
    main()
