"""Record TensorFlow's gradients through the untaken branch of `where` at special values.

    /work/tfvenv/bin/python tools/tfref/record_untaken_branch_gradients.py

Reads CASES and SPECIAL from tests/ops/untaken_branch_cases.py (plain numpy, shared with the
graphflow test) and writes tests/data/tf_untaken_branch_gradients.npz: `<name>/<dtype>/value` and
`<name>/<dtype>/grad` for every case in float32 and float64. Deterministic; oneDNN off.
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "ops"))
from untaken_branch_cases import CASES, SPECIAL  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "tf_untaken_branch_gradients.npz")


def main():
    arrays = {}
    for name, fn in sorted(CASES.items()):
        for dtype in ("float32", "float64"):
            x = tf.constant(SPECIAL.astype(dtype))
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = fn(tf, x)
            arrays[f"{name}/{dtype}/value"] = y.numpy()
            arrays[f"{name}/{dtype}/grad"] = tape.gradient(y, x).numpy()
    tmp = OUT + ".tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, OUT)
    print(f"wrote {len(CASES)} cases to {OUT}")


if __name__ == "__main__":
    main()
