"""Record Keras 3's activations (activation_programs.py) under TF 2.21: values and gradients
through a Dense layer, and the `activation` entry of Dense(activation="name")'s config.

Run with the oracle venv: /work/tfvenv/bin/python tools/tfref/record_keras_activations.py
Writes tests/data/keras_activations.json.
"""
import json
import os
import pathlib
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import activation_programs as programs  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "keras_activations.json"


def main():
    record = {"keras": tf.keras.__version__, "cases": {c: programs.run(tf, c) for c in programs.CASES}}
    OUT.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
