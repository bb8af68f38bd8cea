"""Record what real Keras 3 computes for the mask programs of tests/keras_api/layers/mask_programs.py:
the predictions, the (masked) evaluate loss, and the weights after one SGD step of fit.

    /work/tfvenv/bin/python tools/tfref/record_keras_masks.py
"""
from __future__ import annotations

import os
import sys

import numpy as np
from keras_record_io import ROOT, import_keras, write


def main():
    _, keras = import_keras()
    sys.path.insert(0, os.path.join(ROOT, "tests", "keras_api", "layers"))
    import mask_programs
    meta, arrays = {}, {}
    for program in mask_programs.PROGRAMS:
        keras.utils.set_random_seed(0)
        model, x, y = program(keras)
        mask_programs.set_weights(model)
        name = program.__name__
        arrays[f"{name}/predict"] = model.predict(x, verbose=0)
        loss = float(model.evaluate(x, y, verbose=0))
        model.fit(x, y, epochs=1, batch_size=len(x), shuffle=False, verbose=0)
        for i, w in enumerate(model.get_weights()):
            arrays[f"{name}/trained_{i}"] = w
        meta[name] = {"loss": loss, "weight_shapes": [list(w.shape) for w in model.weights]}
        print(f"{name:45s} loss {loss:.6f}")
    write("masks", meta, arrays)


if __name__ == "__main__":
    main()
