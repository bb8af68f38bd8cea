"""Record TensorFlow's tf.range for tests/ops/test_range_programs.py: values and dtypes for Python,
numpy and tensor bounds (dtype inference: each Python bound converted on its own, then cast to the
widest), the wrong-direction errors, and programs whose bounds are only known when the graph runs.

Run with TF 2.21: `/path/to/tf/bin/python tools/tfref/record_range.py`; writes
tests/data/range/tf_range.json.
"""
import json
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "range" / "tf_range.json"

# (arguments, keyword arguments); an argument ["int64", v] is tf.constant(v, tf.int64), ["f64", v] np.float64(v)
CALLS = [
    ([5], {}), ([2, 9, 3], {}), ([9, 2, -2], {}), ([0.0, 1.0, 0.1], {}), ([-3.3, 7.1, 0.37], {}),
    ([2.5], {}), ([["f64", 0.1], 3.0, 0.07], {}), ([0.1, 3.0, 0.07], {"dtype": "float64"}),
    ([["int64", 7]], {}), ([1, ["int64", 7], 2], {}), ([1, 4.5], {}), ([4], {"dtype": "float32"}),
    ([3, 3], {}), ([0.5, -2.0, -0.3], {}),
]
ERRORS = [([3, 0], {}), ([1, 5, -1], {}), ([0, 5, 0], {})]


def arg(v):
    if isinstance(v, list):
        return tf.constant(v[1], tf.int64) if v[0] == "int64" else np.float64(v[1])
    return v


def call(args, kwargs):
    return tf.range(*[arg(a) for a in args], **kwargs)


def programs():
    """Bounds that are graph tensors inside tf.function (unknown shapes), recorded by value."""
    out = {}

    @tf.function(input_signature=[tf.TensorSpec([None, 3])])
    def positions(x):
        n = tf.shape(x)[0]
        pos = tf.cast(tf.range(n), tf.float32)[:, None]
        return x * tf.sin(pos / 2.0) + tf.cast(tf.range(n - 1, -1, -1), tf.float32)[:, None]

    x = np.arange(15, dtype=np.float32).reshape(5, 3) / 7.0
    out["positions"] = {"x": x.tolist(), "y": positions(x).numpy().tolist()}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.int32)])
    def count_down(v):
        total = tf.constant(0)
        for i in tf.range(tf.reduce_max(v), 0, -1):
            total += i * tf.reduce_sum(tf.cast(v >= i, tf.int32))
        return total

    out["count_down"] = {"x": [3, 1, 4, 1, 5], "y": int(count_down(tf.constant([3, 1, 4, 1, 5])).numpy())}

    @tf.function(input_signature=[tf.TensorSpec([None, None])])
    def last_columns(x):
        cols = tf.range(tf.shape(x)[1] - 2, tf.shape(x)[1])
        return tf.gather(x, cols, axis=1)

    x2 = np.arange(12, dtype=np.float32).reshape(3, 4)
    out["last_columns"] = {"x": x2.tolist(), "y": last_columns(x2).numpy().tolist()}
    return out


def main():
    rec = {"tensorflow": tf.__version__, "calls": [], "errors": []}
    for args, kwargs in CALLS:
        y = call(args, kwargs)
        rec["calls"].append({"args": args, "kwargs": kwargs, "dtype": y.dtype.name, "value": y.numpy().tolist()})
    for args, kwargs in ERRORS:
        try:
            call(args, kwargs)
            message = None
        except tf.errors.InvalidArgumentError as e:
            message = e.message.split("[Op:")[0].split("}}")[-1].strip()
        rec["errors"].append({"args": args, "kwargs": kwargs, "message": message})
    rec["programs"] = programs()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(rec, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, OUT)


if __name__ == "__main__":
    main()
