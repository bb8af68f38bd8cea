"""Write small checkpoints with real TensorFlow into tests/data/tf_checkpoints/, for graphflow's
reader of TF's TensorBundle format (graphflow/checkpoint/tf_bundle.py), and `values.json`: what
each checkpoint holds, key -> {"dtype", "shape", "value"} (strings as UTF-8 text).

    /work/tfvenv/bin/python tools/tfref/tf_checkpoints.py

Checkpoints written:
* `module/ckpt-1`: tf.train.Checkpoint(module=m) of a tf.Module with one variable of each dtype
  graphflow reads (float16/32/64, int8-64, uint8, bool, string) and a sub-module; saved through
  a CheckpointManager, so `module/checkpoint` is TF's state file.
* `keras/ckpt-1`: tf.train.Checkpoint(model=..., optimizer=...) of a Sequential Dense(3)-Dense(2)
  model on 4 inputs and its Adam optimizer after one training step (so the slots exist).
* `functional/ckpt-1`: tf.train.Checkpoint(model=...).write of a functional model with two
  branches (values.json's `functional_layers` maps each layer's name to its `_operations/N` path).
* `tf1/model.ckpt`: tf.compat.v1.train.Saver in a TF1 graph, variables `dense/kernel`, `dense/bias`,
  `step` (int64) and `label` (string).
"""
from __future__ import annotations

import json
import os
import shutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "data", "tf_checkpoints")


def describe(path: str) -> dict:
    reader = tf.train.load_checkpoint(path)
    out = {}
    for key, dtype in sorted(reader.get_variable_to_dtype_map().items()):
        if key == "_CHECKPOINTABLE_OBJECT_GRAPH":
            continue
        value = np.asarray(reader.get_tensor(key))
        if dtype == tf.string:
            listed = np.vectorize(lambda b: b.decode("utf-8"), otypes=[object])(value).tolist() if value.size else []
        else:
            listed = value.tolist()
        out[key] = {"dtype": dtype.name, "shape": list(value.shape), "value": listed}
    return out


class Sub(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3) / 4, name="w")


class Holder(tf.Module):
    def __init__(self):
        super().__init__()
        self.f16 = tf.Variable(np.array([0.5, -1.25, 3.0], np.float16))
        self.f32 = tf.Variable(np.array([[1.5, -2.0], [0.25, 7.0]], np.float32))
        self.f64 = tf.Variable(np.float64(np.pi))
        self.i8 = tf.Variable(np.array([-128, 0, 127], np.int8))
        self.i16 = tf.Variable(np.array([-30000, 5], np.int16))
        self.i32 = tf.Variable(np.array([[1, -2, 3]], np.int32))
        self.i64 = tf.Variable(np.array([2**40, -7], np.int64))
        self.u8 = tf.Variable(np.array([0, 200, 255], np.uint8))
        self.flag = tf.Variable(np.array([True, False, True]))
        self.text = tf.Variable(["hello", "wörld", ""])
        self.sub = Sub()


def module_checkpoint() -> None:
    m = Holder()
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(module=m), os.path.join(OUT, "module"), max_to_keep=1)
    manager.save()


def keras_checkpoint() -> None:
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3, activation="relu"),
                                 tf.keras.layers.Dense(2)])
    opt = tf.keras.optimizers.Adam(0.01)
    x = np.linspace(-1, 1, 20, dtype=np.float32).reshape(5, 4)
    y = np.linspace(0, 1, 10, dtype=np.float32).reshape(5, 2)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(x) - y) ** 2)
    opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
    tf.train.Checkpoint(model=model, optimizer=opt).save(os.path.join(OUT, "keras", "ckpt"))


def functional_checkpoint() -> dict:
    tf.keras.utils.set_random_seed(1)
    inp = tf.keras.Input((4,), name="x")
    a = tf.keras.layers.Dense(3, name="a")(inp)
    b = tf.keras.layers.Dense(3, name="b")(inp)
    out = tf.keras.layers.Dense(2, name="c")(tf.keras.layers.Concatenate(name="cat")([b, a]))
    model = tf.keras.Model(inp, out)
    tf.train.Checkpoint(model=model).write(os.path.join(OUT, "functional", "ckpt-1"))
    return {op.name: f"model/_operations/{i}" for i, op in enumerate(model._operations) if op.weights}


def tf1_checkpoint() -> None:
    with tf.Graph().as_default():
        v1 = tf.compat.v1
        kernel = v1.get_variable("dense/kernel", initializer=np.arange(6, dtype=np.float32).reshape(3, 2) - 2)
        bias = v1.get_variable("dense/bias", initializer=np.array([0.5, -0.5], np.float32))
        step = v1.get_variable("step", initializer=np.int64(42))
        label = v1.get_variable("label", initializer=tf.constant("tf1 saver"), dtype=tf.string)
        saver = v1.train.Saver([kernel, bias, step, label], save_relative_paths=True)   # a state file that survives a move
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            saver.save(sess, os.path.join(OUT, "tf1", "model.ckpt"), write_meta_graph=False)


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    module_checkpoint()
    keras_checkpoint()
    functional_layers = functional_checkpoint()
    tf1_checkpoint()
    values = {"module/ckpt-1": describe(os.path.join(OUT, "module", "ckpt-1")),
              "keras/ckpt-1": describe(os.path.join(OUT, "keras", "ckpt-1")),
              "functional/ckpt-1": describe(os.path.join(OUT, "functional", "ckpt-1")),
              "functional_layers": functional_layers,
              "tf1/model.ckpt": describe(os.path.join(OUT, "tf1", "model.ckpt")),
              "tensorflow_version": tf.__version__}
    with open(os.path.join(OUT, "values.json"), "w", encoding="utf-8") as f:
        json.dump(values, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
