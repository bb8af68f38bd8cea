"""Record TensorFlow 2.21 running dynamic_shape_programs.py for
tests/ops/test_dynamic_shape_programs.py: per program its output (and the gradient of
sum(y * y) for differentiable ones) eagerly, in a tf.function traced for [None, None] inputs and
in a TF1 graph fed through a [None, None] placeholder; per error program the error class and
message in each mode.

    /work/tfvenv/bin/python tools/tfref/record_dynamic_shapes.py

writes tests/data/dynamic_shapes/tf_dynamic_shapes.json.
"""
import json
import os
import pathlib
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
OUT = HERE.parents[1] / "tests" / "data" / "dynamic_shapes" / "tf_dynamic_shapes.json"

import dynamic_shape_programs as progs  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def with_grad(fn, grad):
    def run(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = fn(tf, x)
            loss = tf.reduce_sum(y * y)
        return [y, tape.gradient(loss, x)] if grad else [y]
    return run


def run_mode(fn, mode, grad=False):
    x = progs.X
    if mode == "eager":
        return [v.numpy() for v in with_grad(fn, grad)(tf.constant(x))]
    if mode == "function":
        f = tf.function(with_grad(fn, grad), input_signature=[tf.TensorSpec([None, None], tf.float32)])
        return [v.numpy() for v in f(tf.constant(x))]
    graph = tf.Graph()
    with graph.as_default():
        p = tf.compat.v1.placeholder(tf.float32, [None, None])
        y = fn(tf, p)
        outs = [y, tf.gradients(tf.reduce_sum(y * y), p)[0]] if grad else [y]
        with tf.compat.v1.Session(graph=graph) as sess:
            return sess.run(outs, {p: x})


def main():
    rec = {"tensorflow": tf.__version__, "x": progs.X.tolist(), "programs": {}, "errors": {}}
    for name, fn in progs.PROGRAMS.items():
        rec["programs"][name] = {}
        for mode in ("eager", "function", "session"):
            y, *g = run_mode(fn, mode, grad=name in progs.DIFFERENTIABLE)
            entry = {"y": np.asarray(y).tolist(), "dtype": np.asarray(y).dtype.name}
            if g:
                entry["grad"] = np.asarray(g[0]).tolist()
            rec["programs"][name][mode] = entry
    for name, fn in progs.ERRORS.items():
        rec["errors"][name] = {}
        for mode in ("eager", "function", "session"):
            try:
                run_mode(fn, mode)
                rec["errors"][name][mode] = None
            except Exception as e:  # noqa: BLE001  (the class is what is recorded)
                # the kernel's own words: without the function-node prefix, the "[Op:...]" suffix and
                # graph execution's traceback lines
                text = getattr(e, "message", str(e))
                line = next((ln for ln in text.split("\n") if ln.startswith("{{")), text.split("\n")[0])
                message = line.split("}}", 1)[-1].split("[Op:")[0].strip()
                rec["errors"][name][mode] = {"class": type(e).__name__, "message": message}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(rec, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, OUT)


if __name__ == "__main__":
    main()
