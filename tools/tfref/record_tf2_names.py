"""Record the public names of TensorFlow 2.21's TF2 namespaces (dir(), no underscores).

    /work/tfvenv/bin/python tools/tfref/record_tf2_names.py

Writes tests/data/api_names/tf2_names.json: {"tensorflow": version, "namespaces": {namespace: sorted
names}, "submodules": {namespace: names that are modules}}. tools/api_coverage_tf2.py measures
graphflow against it (no TensorFlow import there).
"""
import json
import os
import tempfile
import types

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "data", "api_names", "tf2_names.json")
NAMESPACES = ["", "math", "linalg", "nn", "random", "image", "signal", "debugging", "nest"]


def main():
    out = {"tensorflow": tf.__version__, "namespaces": {}, "submodules": {}}
    for ns in NAMESPACES:
        module = tf
        for part in filter(None, ns.split(".")):
            module = getattr(module, part)
        names = sorted(n for n in dir(module) if not n.startswith("_"))
        key = ns or "tf"
        out["namespaces"][key] = names
        out["submodules"][key] = [n for n in names if isinstance(getattr(module, n), types.ModuleType)]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(OUT), suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(out, f, indent=0, sort_keys=True)
        f.write("\n")
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, OUT)
    print({k: len(v) for k, v in out["namespaces"].items()})


if __name__ == "__main__":
    main()
