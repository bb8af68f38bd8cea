"""Record the public names of TensorFlow 2.21's tf.compat.v1 namespaces (dir(), no underscores).

    /work/tfvenv/bin/python tools/tfref/record_v1_names.py

Writes tests/data/compat_v1/tf_names.json: namespace -> sorted names (submodules listed too).
tools/api_coverage_v1.py reads it to measure which of them graphflow has and tests.
"""
import json
import os
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["TF_USE_LEGACY_KERAS"] = "1"   # tf.compat.v1.layers needs Keras 2 (pip install tf-keras==2.21.0)

import tensorflow.compat.v1 as tf  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "data", "compat_v1", "tf_names.json")
NAMESPACES = ["", "nn", "train", "losses", "layers", "metrics", "initializers", "math", "random", "linalg"]


def names(module):
    return sorted(n for n in dir(module) if not n.startswith("_"))


def main():
    out = {"tensorflow": tf.__version__, "namespaces": {}}
    for ns in NAMESPACES:
        module = tf
        for part in filter(None, ns.split(".")):
            module = getattr(module, part)
        out["namespaces"][ns or "compat.v1"] = names(module)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(OUT), suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(out, f, indent=0, sort_keys=True)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, OUT)
    print({k: len(v) for k, v in out["namespaces"].items()})


if __name__ == "__main__":
    main()
