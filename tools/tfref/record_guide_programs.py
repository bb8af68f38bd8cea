"""Record what TensorFlow 2.21 returns for the guide-style programs of tests/api/guide_programs.py.

    /work/tfvenv/bin/python tools/tfref/record_guide_programs.py [program ...]

Runs every program eagerly and writes tests/data/api_programs/guide_programs.json: program -> output
-> list of encoded leaves (programs.encode). Naming programs re-records only those. Written
atomically, deterministic.
"""
import json
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

import tensorflow as tf  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "api"))
from guide_programs import GUIDE_PROGRAMS  # noqa: E402
from programs import encode  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "api_programs", "guide_programs.json")


def record(fn):
    return {k: [encode(x) for x in tf.nest.flatten(v)] for k, v in fn(tf).items()}


def main(names):
    old = {}
    if names and os.path.exists(OUT):
        with open(OUT) as f:
            old = json.load(f)["programs"]
    programs = {name: old[name] for name in old if name in GUIDE_PROGRAMS}
    for name in names or sorted(GUIDE_PROGRAMS):
        programs[name] = record(GUIDE_PROGRAMS[name])
    out = {"tensorflow": tf.__version__, "programs": dict(sorted(programs.items()))}
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(OUT), suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, OUT)
    print(f"wrote {OUT}: {len(programs)} programs")


if __name__ == "__main__":
    main(sys.argv[1:])
