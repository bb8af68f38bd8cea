"""Write the text-assets models (text_assets_model.py) with graphflow, for real Keras to load:

    PYTHONPATH=$PWD python tools/tfref/write_graphflow_text_assets.py
    /work/tfvenv/bin/python tools/tfref/record_keras_text_assets.py --read-graphflow

The first writes tests/data/keras_text_assets/graphflow_NAME.keras and graphflow_NAME.json
(graphflow's predictions, vocabularies and the zip's entries); the second records what real Keras
predicts from those files in keras_read_graphflow.json.
"""
from __future__ import annotations

import json
import os
import sys
import zipfile

sys.path.insert(0, os.getcwd())
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import graphflow as gf  # noqa: E402
from graphflow.atomic_file import write_atomic  # noqa: E402

import text_assets_model as spec  # noqa: E402

OUT = os.path.join("tests", "data", "keras_text_assets")


def main():
    keras = gf.keras
    for name, build in spec.MODELS.items():
        keras.backend.clear_session()       # layer paths as in a fresh process
        model = build(keras)
        path = os.path.join(OUT, f"graphflow_{name}.keras")
        model.save(path)
        rec = {"entries": sorted(zipfile.ZipFile(path).namelist()),
               "predictions": model({k: gf.constant(v) for k, v in spec.inputs_of(model).items()}).numpy().tolist(),
               "vocabularies": spec.vocabularies(model)}
        write_atomic(os.path.join(OUT, f"graphflow_{name}.json"), json.dumps(rec, indent=1) + "\n")
        print(name, rec["entries"], rec["predictions"])


if __name__ == "__main__":
    main()
