"""Record the programs of rnn_programs.py (keras.layers.RNN, the cells, a custom cell) under real
Keras 3 (TF 2.21): predictions from fixed weights, one SGD epoch's loss and weights, the RNN
layer's get_config and the weight paths/shapes; and the `.keras` file of two fitted models.

Run with the oracle venv: /work/tfvenv/bin/python tools/tfref/record_keras_rnn.py
Writes tests/data/keras_rnn/{record.json, NAME.keras}.
"""
import json
import os
import pathlib
import sys

import numpy as np

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnn_programs as programs  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "keras_rnn"
FILES = ("stacked_states", "gru_reset_before_backwards", "conv_lstm2d")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    record = {"keras": tf.keras.__version__, "tensorflow": tf.__version__, "programs": {}}
    for name in programs.programs(tf):
        tf.keras.backend.clear_session()
        record["programs"][name] = programs.run(tf, name)
        print(name, record["programs"][name]["loss"])
    for name in FILES:
        tf.keras.backend.clear_session()
        model = programs.programs(tf)[name]()
        model.set_weights(programs.fixed_weights(model))
        model.save(OUT / f"{name}.keras")
        record["programs"][name]["file_predict"] = np.asarray(model.predict(programs.inputs(name), verbose=0)).tolist()
    (OUT / "record.json").write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
