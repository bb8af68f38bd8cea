"""Record the subclassing programs of subclass_tracking_programs.py under real Keras 3 (TF 2.21):
for each, the layers and weights Keras tracks (names, shapes, order), the losses of `fit` and of
a GradientTape loop from fixed initial weights, and the `.weights.h5` file of the fitted model
(its layout: private sub-layers under the model's `layers`, dict items by class name).

Run with the oracle venv: /work/tfvenv/bin/python tools/tfref/record_keras_subclass_tracking.py
Writes tests/data/keras_subclass_tracking/{record.json, NAME.weights.h5}.
"""
import json
import os
import pathlib
import sys

import numpy as np
import tensorflow as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import subclass_tracking_programs as programs  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "keras_subclass_tracking"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    record = {"keras": tf.keras.__version__, "tensorflow": tf.__version__, "programs": {}}
    for name in programs.programs(tf):
        record["programs"][name] = programs.run(tf, name)
        # the file: the fixed weights after `fit`, so the test also checks a load predicts the same
        tf.keras.backend.clear_session()
        model = programs.programs(tf)[name]()
        model(programs.X[:2])
        model.set_weights(programs.fixed_weights(model))
        model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
        model.fit(programs.X, programs.Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        model.save_weights(OUT / f"{name}.weights.h5")
        record["programs"][name]["file_predict"] = np.asarray(model(programs.X[:4], training=False)).tolist()
    (OUT / "record.json").write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
