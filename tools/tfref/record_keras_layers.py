"""Record Keras 3 layer outputs for the layer harness (tests/keras_api/layers/test_layer_harness.py).

Each case of tests/keras_api/layers/breadth_cases.py is built under real Keras, called on the
harness's inputs (numpy seed 0, batch 2), given the harness's random weights (seed 1, in
Keras's weight order) and called again; the output is written to
tests/data/keras_breadth/layers.npz, the weight shapes, get_config and whether the layer is
built at construction to layers.json.

    /work/tfvenv/bin/python tools/tfref/record_keras_layers.py
"""
from __future__ import annotations

import json

import numpy as np
from keras_record_io import case_tables, import_keras, write


def make_inputs(case, batch=2, seed=0):
    rng = np.random.default_rng(seed)
    if case.int_input:
        return rng.integers(0, case.int_input, (batch,) + tuple(case.input_shape))
    if isinstance(case.input_shape, list):
        return [rng.standard_normal((batch,) + s) for s in case.input_shape]
    return rng.standard_normal((batch,) + tuple(case.input_shape))


def randomize_weights(layer, seed=1):
    rng = np.random.default_rng(seed)
    values = []
    for w in layer.weights:
        v = np.abs(rng.standard_normal(w.shape)) + 0.5 if "variance" in w.path else rng.standard_normal(w.shape)
        values.append(v.astype(w.dtype))
    layer.set_weights(values)
    if hasattr(layer, "finalize_state"):     # Normalization caches its statistics outside the weights
        layer.finalize_state()


def run(layer, x, unpack, training_false=False):
    kwargs = {"training": False} if training_false else {}
    return layer(*x, **kwargs) if unpack else layer(x, **kwargs)


def main():
    _, keras = import_keras()
    cases = case_tables().CASES
    meta, arrays = {}, {}
    for case in cases:
        layer = case.make(keras.layers)
        config = json.loads(json.dumps(layer.get_config(), default=repr))
        built_at_init = bool(layer.built)
        if case.tf_float32:
            layer = type(layer).from_config({**layer.get_config(), "dtype": "float32"})
        x = make_inputs(case)
        if case.tf_float32:
            x = x.astype(np.float32)
        run(layer, x, case.unpack, case.keras_training_false)
        randomize_weights(layer)
        out = np.asarray(run(layer, x, case.unpack, case.keras_training_false))
        if case.tf_float32:
            out = out.astype(np.float64)
        arrays[f"{case.id}/output"] = out
        meta[case.id] = {"weight_shapes": [list(w.shape) for w in layer.weights], "output_dtype": str(out.dtype),
                         "class_name": type(layer).__name__, "config": config, "built_at_init": built_at_init}
        print(f"{case.id:40s} {out.shape} {out.dtype}")
    write("layers", meta, arrays)


if __name__ == "__main__":
    main()
