"""Real Keras 3 files of layers with sub-layers (tools/tfref/sublayer_models.py), both ways, for
tests/keras_api/models/test_keras_sublayer_files.py:

    /work/tfvenv/bin/python tools/tfref/record_keras_sublayer_files.py
        writes, per model, tests/data/keras_files/sublayers/NAME.keras (model.save) and
        NAME.weights.h5 (model.save_weights), and predictions.npz with Keras's predictions on
        sublayer_models.INPUTS (`NAME/y`)
    /work/tfvenv/bin/python tools/tfref/record_keras_sublayer_files.py --read-graphflow
        loads the files graphflow wrote (write_graphflow_sublayer_files.py, in
        sublayers/from_graphflow/) in real Keras: the .keras and legacy .h5 files, and the
        .weights.h5 file into Keras's own build of the model; records Keras's predictions (or the error) in keras_predictions.json
"""
from __future__ import annotations

import io
import json
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sublayer_models as spec  # noqa: E402
from keras_record_io import ROOT, _atomic, import_keras  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "keras_files", "sublayers")


def _saved_bytes(save, filename) -> bytes:
    """What `save(path)` writes, read back (written to a temporary directory first)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, filename)
        save(path)
        with open(path, "rb") as f:
            return f.read()


def record(keras):
    keras.utils.set_random_seed(2026)
    arrays = {}
    for name, build in spec.MODELS.items():
        keras.backend.clear_session()
        model = build(keras)
        spec.randomise(model, seed=len(arrays) + 1)
        model.compile(optimizer="adam", loss="mse")
        arrays[f"{name}/y"] = spec.predict(model, name)
        for ext in (".keras", ".weights.h5"):
            data = _saved_bytes(model.save if ext == ".keras" else model.save_weights, name + ext)
            _atomic(os.path.join(OUT, name + ext), data)
        print(name, arrays[f"{name}/y"].shape, file=sys.stderr)
    buf = io.BytesIO()
    np.savez(buf, **{k: arrays[k] for k in sorted(arrays)})
    _atomic(os.path.join(OUT, "predictions.npz"), buf.getvalue())


def read_graphflow_files(keras):
    directory = os.path.join(OUT, "from_graphflow")
    recorded = {"keras_version": keras.__version__}
    for name in spec.MODELS:
        entry = {}
        for ext in (".keras", ".h5"):
            try:
                # Keras 3 cannot rebuild a legacy file's compile settings (its own included)
                model = keras.models.load_model(os.path.join(directory, name + ext), compile=ext == ".keras")
                entry[ext] = spec.predict(model, name).tolist()
            except Exception as e:  # noqa: BLE001  recorded, so the test shows what real Keras refused
                entry[ext] = {"error": f"{type(e).__name__}: {e}"}
        try:
            keras.backend.clear_session()
            fresh = spec.MODELS[name](keras)        # Keras's own build of the architecture
            fresh.load_weights(os.path.join(directory, name + ".weights.h5"))
            entry[".weights.h5"] = spec.predict(fresh, name).tolist()
        except Exception as e:  # noqa: BLE001
            entry[".weights.h5"] = {"error": f"{type(e).__name__}: {e}"}
        recorded[name] = entry
        print(name, {k: ("error: " + v["error"][:200] if isinstance(v, dict) else "ok") for k, v in entry.items()},
              file=sys.stderr)
    _atomic(os.path.join(directory, "keras_predictions.json"), (json.dumps(recorded, indent=1) + "\n").encode())


def main():
    _, keras = import_keras()
    if "--read-graphflow" in sys.argv[1:]:
        read_graphflow_files(keras)
    else:
        record(keras)


if __name__ == "__main__":
    main()
