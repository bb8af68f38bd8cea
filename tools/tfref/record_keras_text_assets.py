"""The `.keras` layout of text layers' vocabularies, both ways, for tests/keras_api/test_keras_text_assets.py.

Real Keras 3 saves an adapted StringLookup/IntegerLookup/TextVectorization vocabulary as an asset
(`assets/<layer path>/vocabulary.txt` in the zip), a learnt TF-IDF weighting as `idf_weights` in
the weights file, and a given vocabulary in the config.

    /work/tfvenv/bin/python tools/tfref/record_keras_text_assets.py
        writes, per model of text_assets_model.MODELS, tests/data/keras_text_assets/keras_NAME.keras
        (saved by real Keras) and keras_NAME.json (Keras's predictions on text_assets_model.INPUTS,
        its vocabularies, the zip's entries)
    /work/tfvenv/bin/python tools/tfref/record_keras_text_assets.py --read-graphflow
        loads graphflow_NAME.keras (written by write_graphflow_text_assets.py) in real Keras and
        records what it predicts (or the error) in keras_read_graphflow.json
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import zipfile

from keras_record_io import ROOT, _atomic, import_keras

import text_assets_model as spec

OUT = os.path.join(ROOT, "tests", "data", "keras_text_assets")


def predict(model):
    import tensorflow as tf     # Keras's predict takes no numpy strings: call the model on tensors
    return model({k: tf.constant(v) for k, v in spec.inputs_of(model).items()}).numpy().tolist()


def record_keras_file(keras, name, build):
    model = build(keras)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"keras_{name}.keras")
        model.save(path)
        with open(path, "rb") as f:
            data = f.read()
        entries = sorted(zipfile.ZipFile(path).namelist())
    _atomic(os.path.join(OUT, f"keras_{name}.keras"), data)
    rec = {"keras_version": keras.__version__, "entries": entries, "predictions": predict(model),
           "vocabularies": spec.vocabularies(model)}
    _atomic(os.path.join(OUT, f"keras_{name}.json"), (json.dumps(rec, indent=1) + "\n").encode())
    print(name, rec["entries"], rec["predictions"])


def read_graphflow_file(keras, name) -> dict:
    rec = {"keras_version": keras.__version__, "file": f"graphflow_{name}.keras"}
    try:
        model = keras.models.load_model(os.path.join(OUT, rec["file"]))
        rec["predictions"], rec["vocabularies"] = predict(model), spec.vocabularies(model)
    except Exception as e:  # noqa: BLE001  the check's result, recorded for the test to read
        rec["error"] = f"{type(e).__name__}: {e}"
    print(name, rec.get("error"), rec.get("predictions"))
    return rec


def main():
    _, keras = import_keras()
    if "--read-graphflow" in sys.argv[1:]:
        results = {name: read_graphflow_file(keras, name) for name in spec.MODELS}
        _atomic(os.path.join(OUT, "keras_read_graphflow.json"), (json.dumps(results, indent=1) + "\n").encode())
    else:
        for name, build in spec.MODELS.items():
            record_keras_file(keras, name, build)


if __name__ == "__main__":
    main()
