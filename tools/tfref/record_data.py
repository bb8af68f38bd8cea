"""Record tf.data's behaviour under TensorFlow 2.21 for graphflow's gf.data tests.

    /work/tfvenv/bin/python tools/tfref/record_data.py

Writes tests/data/data/tf_data.json: per program of data_programs.py its element_spec,
cardinality and elements (values, dtypes, shapes); per seeded shuffle TF's order; per error
program the exception class and whether it came when building or when iterating.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
OUT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests", "data", "data", "tf_data.json")

import data_programs  # noqa: E402


def encode_spec(spec):
    if isinstance(spec, dict):
        return {"dict": {k: encode_spec(v) for k, v in spec.items()}}
    if isinstance(spec, tuple):
        return {"tuple": [encode_spec(v) for v in spec]}
    return {"shape": None if spec.shape.rank is None else list(spec.shape.as_list()), "dtype": spec.dtype.name}


def encode_value(v):
    if isinstance(v, dict):
        return {"dict": {k: encode_value(x) for k, x in v.items()}}
    if isinstance(v, tuple):
        return {"tuple": [encode_value(x) for x in v]}
    a = np.asarray(v)
    return {"value": a.tolist(), "dtype": a.dtype.name, "shape": list(a.shape)}


def main():
    import tensorflow as tf
    out = {"tensorflow": tf.__version__, "programs": {}, "cardinality": {}, "shuffles": {}, "errors": {}}
    for name, fn in data_programs.PROGRAMS.items():
        ds = fn(tf)
        out["programs"][name] = {"element_spec": encode_spec(ds.element_spec),
                                 "cardinality": int(ds.cardinality()),
                                 "elements": [encode_value(e) for e in ds.as_numpy_iterator()]}
    for name, fn in data_programs.CARDINALITY_ONLY.items():
        out["cardinality"][name] = int(fn(tf).cardinality())
    for name, fn in data_programs.SHUFFLES.items():
        out["shuffles"][name] = [int(x) for x in fn(tf).as_numpy_iterator()]
    for name, fn in data_programs.ERRORS.items():
        stage = "build"
        try:
            ds = fn(tf)
            stage = "iterate"
            if isinstance(ds, tf.data.Dataset):
                list(ds.as_numpy_iterator())
            out["errors"][name] = {"stage": None, "error": None}
        except Exception as e:  # noqa: BLE001  the class is what is recorded
            out["errors"][name] = {"stage": stage, "error": type(e).__name__, "message": str(e)[:300]}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
    print(f"wrote {OUT}: {len(out['programs'])} programs, {len(out['errors'])} errors")


if __name__ == "__main__":
    main()
