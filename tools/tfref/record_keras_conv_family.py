"""Record Keras 3 references for tests/keras_api/layers/test_conv_family_vs_keras.py.

For each case of tests/keras_api/layers/conv_family_cases.py: the output on the harness's inputs
after the harness's random weights, the weight names and shapes and the layer config; for the fit
cases, a model (Dense over the channels -> layer -> Flatten -> Dense(1)) with seeded weights
trained one SGD epoch: the loss and the weights after it. One fit model is also saved as a real .keras file. Writes
tests/data/keras_breadth/conv_family.{json,npz} and conv_family_model.keras.

    /work/tfvenv/bin/python tools/tfref/record_keras_conv_family.py
"""
from __future__ import annotations

import os
import sys

import numpy as np
from keras_record_io import OUT_DIR, ROOT, import_keras, write
from record_keras_layers import make_inputs, randomize_weights, run

sys.path.insert(0, os.path.join(ROOT, "tests", "keras_api", "layers"))
import conv_family_cases  # noqa: E402


def main():
    _, keras = import_keras()
    meta, arrays = {}, {}
    for case in conv_family_cases.CASES:
        layer = case.make(keras.layers)
        config = layer.get_config()
        x = make_inputs(case)
        if case.tf_float32:          # TensorFlow lacks the float64 kernel
            layer = type(layer).from_config({**config, "dtype": "float32"})
            x = x.astype(np.float32)
        run(layer, x, case.unpack)
        randomize_weights(layer)
        out = np.asarray(run(layer, x, case.unpack)).astype(np.float64)
        arrays[f"{case.id}/output"] = out
        config.pop("dtype")
        meta[case.id] = {"weight_names": [w.name for w in layer.weights],
                         "weight_shapes": [list(w.shape) for w in layer.weights],
                         "class_name": type(layer).__name__, "config": config}
        if case.id in conv_family_cases.FIT_CASES:
            model = conv_family_cases.fit_model(keras, case)
            xs, ys = conv_family_cases.fit_data(case)
            history = model.fit(xs, ys, batch_size=2, epochs=1, shuffle=False, verbose=0)
            meta[case.id]["fit_loss"] = float(history.history["loss"][0])
            for i, w in enumerate(model.get_weights()):
                arrays[f"{case.id}/fit_weight_{i}"] = w
            arrays[f"{case.id}/fit_prediction"] = model.predict(xs, verbose=0)
            if case.id == conv_family_cases.KERAS_FILE_CASE:
                model.save(os.path.join(OUT_DIR, "conv_family_model.keras"))
        print(f"{case.id:40s} {out.shape}")
    write("conv_family", meta, arrays)


if __name__ == "__main__":
    main()
