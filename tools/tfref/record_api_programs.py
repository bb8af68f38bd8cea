"""Record what TensorFlow 2.21 returns for the programs of tests/api/programs.py (the tf, tf.debugging,
tf.nest and tf.random names issue 12 added).

    /work/tfvenv/bin/python tools/tfref/record_api_programs.py

Runs every program eagerly and writes tests/data/api_programs/programs.json: program -> output ->
list of encoded leaves (programs.encode), and for PROGRAMS_RAISING the exception class TensorFlow
raised. Written atomically, deterministic.
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
from programs import MODES, PROGRAMS, PROGRAMS_RAISING, encode  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "api_programs", "programs.json")


def in_graph(fn):
    """A graph-only program: built in a TF1 graph, its tensors fetched with a Session."""
    graph = tf.Graph()
    with graph.as_default():
        outputs = fn(tf)
        flat = {k: tf.nest.flatten(v) for k, v in outputs.items()}
        tensors = [x for leaves in flat.values() for x in leaves if isinstance(x, tf.Tensor)]
    with tf.compat.v1.Session(graph=graph) as sess:
        values = iter(sess.run(tensors))
    return {k: [next(values) if isinstance(x, tf.Tensor) else x for x in leaves] for k, leaves in flat.items()}


def main():
    record = {"tensorflow": tf.__version__, "programs": {}, "raising": {}}
    for name, fn in sorted(PROGRAMS.items()):
        outputs = fn(tf) if "eager" in MODES[name] else in_graph(fn)
        record["programs"][name] = {k: [encode(x) for x in tf.nest.flatten(v, expand_composites=False)]
                                    for k, v in outputs.items()}
    for name, fn in sorted(PROGRAMS_RAISING.items()):
        try:
            fn(tf)
        except Exception as e:  # noqa: BLE001  (the class is what we record)
            record["raising"][name] = type(e).__name__
        else:
            raise AssertionError(f"{name}: TensorFlow did not raise")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(OUT), suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)
        f.write("\n")
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, OUT)
    print(f"wrote {OUT}: {len(record['programs'])} programs, {len(record['raising'])} raising")


if __name__ == "__main__":
    main()
