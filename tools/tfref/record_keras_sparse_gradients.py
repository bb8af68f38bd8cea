"""Record what Keras 3 on TensorFlow does with the sparse (IndexedSlices) gradient of an embedding,
for tests/keras_api/optimizers/test_sparse_gradient_parity.py: the issue's Adam case, three fit
steps of a small Embedding -> Dense model with duplicate ids for every optimizer configuration,
the same fit under the mixed_float16 policy (the LossScaleOptimizer keeps the slices through the
unscale and the finite check), and the structure of tape gradients of gathers (values, indices,
and when they are dense).

    /work/tfvenv/bin/python tools/tfref/record_keras_sparse_gradients.py
"""
from __future__ import annotations

import numpy as np
from keras_record_io import import_keras, write

rng = np.random.default_rng(16)
F = np.float32
TABLE = rng.standard_normal((5, 3)).astype(F)
KERNEL = rng.standard_normal((3, 2)).astype(F)
BIAS = np.zeros((2,), F)
IDS = np.array([[0, 0, 2], [1, 0, 2], [4, 4, 4], [2, 0, 1]], np.int32)   # duplicates in every batch
TARGETS = rng.standard_normal((4, 3, 2)).astype(F)

# (id, class, kwargs). Not here: loss_scale_factor, which Keras on TF cannot apply to IndexedSlices
# (`g / scale` raises TypeError); graphflow densifies them first.
CASES = [
    ("sgd", "SGD", {"learning_rate": 0.1}),
    ("sgd_momentum", "SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("sgd_nesterov", "SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("adam", "Adam", {"learning_rate": 0.1}),
    ("adam_amsgrad", "Adam", {"learning_rate": 0.1, "amsgrad": True}),
    ("adamw", "AdamW", {"learning_rate": 0.1, "weight_decay": 0.1}),
    ("rmsprop", "RMSprop", {"learning_rate": 0.1}),
    ("rmsprop_centered_momentum", "RMSprop", {"learning_rate": 0.1, "momentum": 0.5, "centered": True}),
    ("adagrad", "Adagrad", {"learning_rate": 0.1}),
    ("adadelta", "Adadelta", {"learning_rate": 1.0}),
    ("adamax", "Adamax", {"learning_rate": 0.1}),
    ("nadam", "Nadam", {"learning_rate": 0.1}),
    ("ftrl", "Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.01, "l2_regularization_strength": 0.02,
                      "l2_shrinkage_regularization_strength": 0.03, "beta": 0.5}),
    ("lion", "Lion", {"learning_rate": 0.1}),
    ("adam_clipnorm", "Adam", {"learning_rate": 0.1, "clipnorm": 0.5}),
    ("adam_global_clipnorm", "Adam", {"learning_rate": 0.1, "global_clipnorm": 0.5}),
    ("adam_clipvalue", "Adam", {"learning_rate": 0.1, "clipvalue": 0.05}),
    ("adam_accumulation", "Adam", {"learning_rate": 0.1, "gradient_accumulation_steps": 2}),
]


def model_for(keras):
    model = keras.Sequential([keras.Input((3,), dtype="int32"), keras.layers.Embedding(5, 3),
                              keras.layers.Dense(2)])
    model.set_weights([TABLE, KERNEL, BIAS])
    return model


def issue_case(keras):
    """Adam(0.1), Embedding(4, 1) of ones, mse fit on [[0, 0], [0, 1]] -> [[0, 2], [0, 0]], 2 epochs."""
    model = keras.Sequential([keras.Input((2,), dtype="int32"),
                              keras.layers.Embedding(4, 1, embeddings_initializer="ones")])
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="mse")
    x = np.array([[0, 0], [0, 1]], np.int32)
    y = np.array([[[0.0], [2.0]], [[0.0], [0.0]]], F)
    model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0)
    return model.get_weights()[0]


# under mixed_float16: the float16 gather's gradient is cast back to float32 slices, unscaled by
# the loss scale (2**15) and applied row-wise; summing duplicates in float16 would overflow
MIXED = [("sgd", "SGD", {"learning_rate": 0.1}), ("adam", "Adam", {"learning_rate": 0.1}),
         ("adagrad", "Adagrad", {"learning_rate": 0.1})]


def mixed_precision_cases(keras):
    out, meta = {}, []
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        for case_id, cls, kwargs in MIXED:
            model = keras.Sequential([keras.Input((3,), dtype="int32"), keras.layers.Embedding(5, 3),
                                      keras.layers.Dense(2, dtype="float32")])
            model.set_weights([TABLE, KERNEL, BIAS])
            model.compile(optimizer=getattr(keras.optimizers, cls)(**kwargs), loss="mse")
            history = model.fit(IDS, TARGETS, batch_size=2, epochs=3, shuffle=False, verbose=0)
            out[f"mixed/{case_id}/table"], out[f"mixed/{case_id}/kernel"] = model.get_weights()[:2]
            out[f"mixed/{case_id}/loss"] = np.array(history.history["loss"], np.float64)
            meta.append({"id": case_id, "class": cls, "kwargs": kwargs, "optimizer": type(model.optimizer).__name__,
                         "scale": float(model.optimizer.dynamic_scale.numpy()),
                         "iterations": int(model.optimizer.iterations.numpy())})
            print(f"mixed {case_id:22s} {out[f'mixed/{case_id}/table'].ravel()[:4]} {meta[-1]}")
    finally:
        keras.mixed_precision.set_global_policy("float32")
    return meta, out


def gradient_structure(tf):
    """Tape gradients of gathers of one variable: one gather, two gathers, a gather plus a dense use."""
    v = tf.Variable(TABLE)
    out = {}
    with tf.GradientTape(persistent=True) as tape:
        one = tf.reduce_sum(tf.gather(v, IDS[0]) * 2.0)
        two = tf.reduce_sum(tf.gather(v, [3, 0]) * 3.0) + tf.reduce_sum(tf.gather(v, IDS[1]))
        mixed = tf.reduce_sum(tf.gather(v, [1, 1])) + tf.reduce_sum(v * 0.5)
    for name, loss in (("one", one), ("two", two), ("mixed", mixed)):
        g = tape.gradient(loss, v)
        out[f"{name}/type"] = type(g).__name__
        if isinstance(g, tf.IndexedSlices):
            out[f"{name}/values"], out[f"{name}/indices"] = g.values.numpy(), g.indices.numpy()
            out[f"{name}/dense_shape"] = g.dense_shape.numpy()
        out[f"{name}/dense"] = tf.convert_to_tensor(g).numpy()
    return out


def main():
    tf, keras = import_keras()
    meta, arrays = {"cases": []}, {}
    arrays["issue/row0"] = issue_case(keras)
    print("issue", arrays["issue/row0"].ravel())
    for case_id, cls, kwargs in CASES:
        model = model_for(keras)
        model.compile(optimizer=getattr(keras.optimizers, cls)(**kwargs), loss="mse")
        model.fit(IDS, TARGETS, batch_size=2, epochs=3, shuffle=False, verbose=0)   # 6 steps
        table, kernel, bias = model.get_weights()
        arrays[f"{case_id}/table"], arrays[f"{case_id}/kernel"], arrays[f"{case_id}/bias"] = table, kernel, bias
        meta["cases"].append({"id": case_id, "class": cls, "kwargs": kwargs})
        print(f"{case_id:28s} {table.ravel()[:4]}")
    meta["mixed_float16"], mixed = mixed_precision_cases(keras)
    arrays.update(mixed)
    structure = gradient_structure(tf)
    meta["structure"] = {k: v for k, v in structure.items() if isinstance(v, str)}
    arrays.update({f"structure/{k}": v for k, v in structure.items() if not isinstance(v, str)})
    arrays.update({"table": TABLE, "kernel": KERNEL, "bias": BIAS, "ids": IDS, "targets": TARGETS})
    write("sparse_gradients", meta, arrays)


if __name__ == "__main__":
    main()
