"""Record TensorFlow's results for tests/ops/test_dynamic_size_programs.py: programs that pass sizes
known only when the graph runs (tensors from tf.shape) to top_k, unsorted_segment_*, bincount,
linspace, image.resize, map_fn and TensorArray, run in tf.function with None-dim input
signatures, with the gradient of sum(sin(y)) to x where TF has one, and the errors of bad
run-time sizes.

Run with TF 2.21: `/path/to/tf/bin/python tools/tfref/record_dynamic_sizes.py`; writes
tests/data/dynamic_sizes/tf_dynamic_sizes.json. The programs are tests/ops/dynamic_size_programs.py,
written against a module `tf` so that the same source runs under TensorFlow and graphflow.
"""
import json
import os
import pathlib
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "ops"))
import dynamic_size_programs as programs  # noqa: E402

OUT = ROOT / "tests" / "data" / "dynamic_sizes" / "tf_dynamic_sizes.json"


def record(name):
    fn, shape, differentiable = programs.PROGRAMS[name] if name in programs.PROGRAMS else (programs.LOOPS[name],
                                                                                          [None, None], True)
    x = programs.INPUT
    spec = tf.TensorSpec([None] * len(shape), tf.float32)
    y = tf.function(lambda t: fn(tf, t), input_signature=[spec])(tf.constant(x))
    out = {"y": y.numpy().tolist(), "dtype": y.dtype.name, "shape": list(y.shape)}
    if differentiable:
        @tf.function(input_signature=[spec])
        def grad(t):
            with tf.GradientTape() as tape:
                tape.watch(t)
                loss = tf.reduce_sum(tf.sin(tf.cast(fn(tf, t), tf.float32)))
            return tape.gradient(loss, t)
        out["dx"] = grad(tf.constant(x)).numpy().tolist()
    return out


def error(name):
    """TensorFlow's message (without its function-node prefix and op suffix) for a bad run-time size."""
    fn = tf.function(lambda t: programs.FAILING[name](tf, t), input_signature=[tf.TensorSpec([None, None])])
    try:
        fn(tf.constant(programs.INPUT))
    except tf.errors.InvalidArgumentError as e:
        return e.message.split("\n")[0].split("}}")[-1].strip()
    raise AssertionError(f"{name} did not fail")


def main():
    rec = {"tensorflow": tf.__version__, "x": programs.INPUT.tolist(),
           "programs": {name: record(name) for name in [*programs.PROGRAMS, *programs.LOOPS]},
           "errors": {name: error(name) for name in programs.FAILING}}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(rec, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, OUT)


if __name__ == "__main__":
    main()
