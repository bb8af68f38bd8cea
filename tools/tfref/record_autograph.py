"""Record what TensorFlow computes for the AutoGraph programs of tests/autograph/programs.py.

    /work/tfvenv/bin/python tools/tfref/record_autograph.py

Runs every program (Python control flow on tensors inside tf.function) under TensorFlow 2.21
and writes tests/data/autograph/programs.json: program -> output name -> list of leaves, each
`{"dtype", "shape", "value"}` (the leaves of a tuple/list output in order). Also records, per
program, that running the same Python functions eagerly (tf.config.run_functions_eagerly) gives
the same outputs. The file is written atomically (temp file + os.replace).
"""
import json
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "autograph"))
from programs import PROGRAMS  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "autograph", "programs.json")


def leaves(value):
    out = []
    for t in tf.nest.flatten(value):
        a = np.asarray(t.numpy() if hasattr(t, "numpy") else t)
        out.append({"dtype": a.dtype.name, "shape": list(a.shape), "value": a.tolist()})
    return out


def main():
    record = {"tensorflow": tf.__version__, "programs": {}}
    for name, fn in sorted(PROGRAMS.items()):
        outputs = {k: leaves(v) for k, v in fn(tf).items()}
        tf.config.run_functions_eagerly(True)
        try:
            eager = {k: leaves(v) for k, v in fn(tf).items()}
        finally:
            tf.config.run_functions_eagerly(False)
        for k in outputs:
            for a, b in zip(outputs[k], eager[k]):
                if not np.allclose(a["value"], b["value"], rtol=1e-5, atol=1e-6):
                    raise AssertionError(f"{name}/{k}: tf.function and eager disagree in TensorFlow itself")
        record["programs"][name] = outputs
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(OUT), suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)
        f.write("\n")
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, OUT)
    print(f"wrote {OUT} ({len(record['programs'])} programs)")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


if __name__ == "__main__":
    main()
