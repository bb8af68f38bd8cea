"""Record TensorFlow 2.21's results for the TF1 programs in tests/compat/v1_programs.py.

    /work/tfvenv/bin/python tools/tfref/record_compat_v1.py

Each program runs with `tensorflow.compat.v1` and v2 behaviour disabled, as TF1 programs start.
Writes tests/data/compat_v1/programs.json (program -> name -> value; arrays as nested lists
with their dtype) atomically. Deterministic: the programs seed every random input.
"""
import json
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
os.environ["TF_USE_LEGACY_KERAS"] = "1"   # tf.compat.v1.layers needs Keras 2 (pip install tf-keras==2.21.0)

import numpy as np  # noqa: E402
import tensorflow.compat.v1 as tf  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "compat"))
from v1_programs import PROGRAMS  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "compat_v1", "programs.json")


def encode(value):
    """JSON for a program result: arrays keep their dtype so tests can check it."""
    if isinstance(value, (np.ndarray, np.generic)) and not isinstance(value, np.bool_):
        arr = np.asarray(value)
        return {"array": arr.tolist(), "dtype": str(arr.dtype)}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, bytes):
        return value.decode()
    return value


def main(names=None):
    tf.disable_v2_behavior()
    recorded = {}
    if os.path.exists(OUT) and names:     # re-record only the named programs
        with open(OUT) as f:
            recorded = json.load(f)["programs"]
    for name, fn in sorted(PROGRAMS.items()):
        if names and name not in names:
            continue
        recorded[name] = {k: encode(v) for k, v in sorted(fn(tf).items())}
        print(f"{name}: {len(recorded[name])} values")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(OUT), suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump({"tensorflow": tf.__version__, "programs": recorded}, f, indent=0, sort_keys=True)
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, OUT)
    print(f"wrote {OUT}")


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


if __name__ == "__main__":
    main(sys.argv[1:])
