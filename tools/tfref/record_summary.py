"""Record what real TensorFlow writes for tf.summary (TF2) and tf.compat.v1.summary (TF1) histograms,
scalars and images, as JSON under tests/data/summary/ (run with the TF venv's python).

    /work/tfvenv/bin/python tools/tfref/record_summary.py
"""
import json
import pathlib
import tempfile

import numpy as np
import tensorflow as tf
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "summary" / "tf_summaries.json"


def data():
    rng = np.random.RandomState(0)
    return {"normal": rng.standard_normal(1000).astype(np.float32),
            "mixed": np.concatenate([rng.uniform(-3, 5, 200), [0.0, 0.0, 1e-3, -7.5]]).astype(np.float32),
            "constant": np.full(10, 2.5, np.float32)}


def tensor_values(proto):
    return tf.make_ndarray(proto).tolist()


def record_v2(root):
    writer = tf.summary.create_file_writer(root)
    with writer.as_default():
        for i, (name, x) in enumerate(data().items()):
            tf.summary.histogram(name, x, step=i)
            tf.summary.histogram(name + "_b7", x, step=i, buckets=7)
        tf.summary.scalar("loss", 0.25, step=3)
        tf.summary.image("img", np.random.RandomState(2).uniform(size=(2, 5, 4, 3)).astype(np.float32), step=1)
    writer.close()
    acc = EventAccumulator(root, size_guidance={"tensors": 0})
    acc.Reload()
    out = {}
    for tag in acc.Tags()["tensors"]:
        ev = acc.Tensors(tag)[0]
        arr = tf.make_ndarray(ev.tensor_proto)
        out[tag] = {"step": ev.step, "dtype": str(arr.dtype), "shape": list(arr.shape),
                    "value": arr.tolist() if arr.dtype != object else [len(b) for b in arr.ravel()]}
    return out


def record_v1(root):
    graph = tf.Graph()
    with graph.as_default():
        summaries = [tf.compat.v1.summary.histogram(name, tf.constant(x)) for name, x in data().items()]
        merged = tf.compat.v1.summary.merge_all()
        with tf.compat.v1.Session() as sess:
            s = sess.run(merged)
    summary = tf.compat.v1.Summary.FromString(s)
    out = {}
    for v in summary.value:
        h = v.histo
        out[v.tag] = {"min": h.min, "max": h.max, "num": h.num, "sum": h.sum, "sum_squares": h.sum_squares,
                      "bucket_limit": list(h.bucket_limit), "bucket": list(h.bucket)}
    del summaries
    return out


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        result = {"tf_version": tf.__version__, "v2": record_v2(d + "/v2"), "v1_histograms": record_v1(d)}
    OUT.write_text(json.dumps(result, indent=1))
    print("wrote", OUT)
