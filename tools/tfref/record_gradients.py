"""Record TensorFlow's gradients of the composite API functions at their kinks.

    /tmp/tfref/bin/python tools/tfref/record_gradients.py

Reads COMPOSITE_CASES from tests/ops/op_cases.py (plain numpy, shared with the graphflow test)
and writes tests/data/tf_gradients.npz: for each case, `<name>/value` (the forward value) and
`<name>/grad<i>` for every input TensorFlow differentiates (absent where TF returns None), plus
an `index` entry (JSON: case name -> description). Everything runs in float64, oneDNN off.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "ops"))
from op_cases import COMPOSITE_CASES  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "tf_gradients.npz")


def main():
    arrays, index = {}, {}
    for name, (fn, inputs, desc) in sorted(COMPOSITE_CASES.items()):
        xs = [tf.constant(np.asarray(a, np.float64)) for a in inputs]
        with tf.GradientTape() as tape:
            tape.watch(xs)
            y = fn(tf, *xs)
        grads = tape.gradient(y, xs)
        arrays[f"{name}/value"] = y.numpy()
        for i, g in enumerate(grads):
            if g is not None:
                arrays[f"{name}/grad{i}"] = g.numpy()
        index[name] = desc
    arrays["index"] = np.asarray(json.dumps(index, sort_keys=True))
    tmp = OUT + ".tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, OUT)
    print(f"wrote {len(index)} cases to {OUT}")


if __name__ == "__main__":
    main()
