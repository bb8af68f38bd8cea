"""TensorFlow's implementation of the BENCHMARKS.md workloads (run by `graphflow bench --peers`).

Standalone: imports only numpy, TensorFlow and peer_common. Modes: eager, tf.function,
tf.function(jit_compile=True) (XLA), TF1 Session.run, Keras fit compiled and run_eagerly.
"""
from __future__ import annotations

import os
import time
from functools import partial

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cnn_reference as cnn  # noqa: E402
import numpy as np  # noqa: E402
import peer_common as pc  # noqa: E402
import tensorflow as tf  # noqa: E402

FW = "tensorflow"


def w1(case, args):
    x_np = pc.gelu_input(case)
    x = tf.constant(x_np)
    gelu = pc.gelu_of(tf.tanh)
    fn = tf.function(gelu)
    xla = tf.function(gelu, jit_compile=True)
    modes = [(f"{FW} eager", lambda: gelu(x).numpy(), False),
             (f"{FW} tf.function", lambda: fn(x).numpy(), True),
             (f"{FW} tf.function(jit_compile)", lambda: xla(x).numpy(), True)]
    return pc.time_gelu(case, modes, x_np, args, lambda o: [o])


def w2(case, args):
    k = pc.case_value(case, "chain", 100)
    chain = pc.add_chain(k)
    x = tf.constant(1.0)
    fn = tf.function(chain)
    g = tf.Graph()
    with g.as_default():
        p = tf.compat.v1.placeholder(tf.float32, [])
        y = chain(p)
    sess = tf.compat.v1.Session(graph=g)
    expected = [np.float32(1.0 + k)]
    modes = [(f"{FW} eager", lambda: chain(x).numpy(), False),
             (f"{FW} tf.function", lambda: fn(x).numpy(), True),
             (f"{FW} TF1 Session.run", lambda: sess.run(y, {p: 1.0}), True)]
    rows = pc.time_modes("W2", case, modes, expected, args.repeat or 30, to_numpy=lambda o: [o])
    return pc.dispatch_notes(rows, k)


def _variables(init):
    """tf.Variables holding `init` (numpy arrays), and a function that puts `init` back."""
    variables = [tf.Variable(p) for p in init]

    def reset():
        for v, p in zip(variables, init):
            v.assign(p)
    return variables, reset


def _dense(h, w, b):
    return tf.matmul(h, w) + b


def _mlp_case(workload, case, args):
    """W3/W4: one SGD step of the MLP: eager, tf.function, XLA and a TF1 graph."""
    data = pc.mlp_case(workload, case)
    init, x_np, y_np, sizes, batch = data.init, data.x, data.y, data.sizes, data.batch
    x, y = tf.constant(x_np), tf.constant(y_np)
    variables, reset = _variables(init)

    def step(x, y):
        with tf.GradientTape() as tape:
            h = pc.mlp_forward(variables, x, tf.nn.relu, _dense)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h))
        grads = tape.gradient(loss, variables)
        for v, g in zip(variables, grads):
            v.assign_sub(0.1 * g)
        return loss

    fn, xla = tf.function(step), tf.function(step, jit_compile=True)

    def first(f):
        def run():
            loss = f(x, y)
            return [loss.numpy()] + [v.numpy() for v in variables]
        return run

    # TF1: the same step as a graph with placeholders and GradientDescentOptimizer
    g = tf.Graph()
    with g.as_default():
        px = tf.compat.v1.placeholder(tf.float32, [batch, sizes[0]])
        py = tf.compat.v1.placeholder(tf.int32, [batch])
        vs = [tf.compat.v1.Variable(p) for p in init]
        h = pc.mlp_forward(vs, px, tf.nn.relu, _dense)
        gloss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=py, logits=h))
        train = tf.compat.v1.train.GradientDescentOptimizer(0.1).minimize(gloss)
        init_op = tf.compat.v1.global_variables_initializer()
    sess = tf.compat.v1.Session(graph=g)
    feed = {px: x_np, py: y_np}

    def tf1_first():
        loss, _ = sess.run([gloss, train], feed)
        return [loss] + sess.run(vs)

    # each mode: the first step from the initial weights is checked, later steps are timed
    modes = [(f"{FW} eager", first(step), False, lambda: step(x, y).numpy(), reset),
             (f"{FW} tf.function", first(fn), True, lambda: fn(x, y).numpy(), reset),
             (f"{FW} XLA", first(xla), True, lambda: xla(x, y).numpy(), reset),
             (f"{FW} TF1 Session.run", tf1_first, True, lambda: sess.run(train, feed), lambda: sess.run(init_op))]
    return pc.time_training(workload, case, modes, data.expected, args)


def w5(case, args):
    (xtr, ytr), (xte, yte) = pc.load_digits(args.digits)
    epochs = pc.epochs_for(args, case)
    model_name = pc.model_of(case)
    rows = []
    modes = [("keras-compiled", False)] + ([("keras-eager", True)] if model_name == "MLP" else [])
    for mode, eager in modes:
        tf.keras.utils.set_random_seed(0)
        if model_name == "MLP":
            xa, xb = xtr.reshape(-1, 64), xte.reshape(-1, 64)
            model = tf.keras.Sequential([tf.keras.Input((64,)), tf.keras.layers.Dense(128, activation="relu"),
                                         tf.keras.layers.Dense(10)])
        else:
            xa, xb = xtr[..., None], xte[..., None]
            model = tf.keras.Sequential([tf.keras.Input((8, 8, 1)),
                                         tf.keras.layers.Conv2D(16, 3, activation="relu", padding="same"),
                                         tf.keras.layers.MaxPooling2D(2), tf.keras.layers.Flatten(),
                                         tf.keras.layers.Dense(10)])
        model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"], run_eagerly=eager)
        clock = EpochClock()
        model.fit(xa, ytr, batch_size=32, epochs=epochs, verbose=0, callbacks=[clock])
        acc = float(model.evaluate(xb, yte, verbose=0)[1])
        rows.append(pc.epoch_rows("W5", f"{FW} {mode}", case, clock.times, acc, epochs, compiles=not eager))
    return rows


class EpochClock(tf.keras.callbacks.Callback):
    """Wall time of each epoch of fit."""

    def __init__(self):
        super().__init__()
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self.t0 = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self.t0)


def w6(case, args):
    k = pc.case_value(case, "K", 10)
    x_np = np.random.RandomState(0).standard_normal(1024).astype(np.float32)
    x = tf.constant(x_np)
    tf.function(lambda v: v + 1.0)(x)   # TF's one-time start-up is not the graph's cost

    def make():
        def chain(v):
            for i in range(k):
                v = v * 1.0001 if i % 2 == 0 else v + 0.5
            return v
        return tf.function(chain)
    fn = make()
    modes = [(f"{FW} tf.function", lambda: fn(x).numpy(), True)]
    rows = pc.time_modes("W6", case, modes, [pc.chain_numpy(x_np, k)], args.repeat or 20, rtol=1e-5, atol=1e-5,
                         to_numpy=lambda o: [o])
    return rows


def w9(case, args):
    """Batch-1 inference: tf.function (TF's fastest call) and a Keras model called as model(x)."""
    sizes = pc.MLP_SIZES["W9"]
    params, x_np = pc.infer_case(case)
    weights = [tf.constant(p) for p in params]
    x = tf.constant(x_np)

    fn = tf.function(lambda v: pc.mlp_forward(weights, v, tf.nn.relu, _dense))
    model = tf.keras.Sequential([tf.keras.Input((sizes[0],)), tf.keras.layers.Dense(sizes[1], activation="relu"),
                                 tf.keras.layers.Dense(sizes[2], activation="relu"), tf.keras.layers.Dense(sizes[3])])
    model.set_weights(params)
    modes = [(f"{FW} tf.function", lambda: fn(x).numpy(), True),
             (f"{FW} keras __call__", lambda: model(x_np).numpy(), False)]
    return pc.time_inference(case, modes, params, x_np, args, lambda o: [o])


def w8(case, args):
    t = pc.case_value(case, "T", 50)
    params, x_np = pc.lstm_params(), pc.lstm_input(t)
    layer = tf.keras.layers.LSTM(pc.LSTM_UNITS)
    layer.build((pc.LSTM_BATCH, t, pc.LSTM_FEATURES))
    layer.set_weights(params)
    x = tf.constant(x_np)

    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(x))
        return [loss] + tape.gradient(loss, layer.trainable_weights)
    fn = tf.function(step)

    def run(f):
        return lambda: [v.numpy() for v in f(x)]
    modes = [(f"{FW} eager", run(step), False), (f"{FW} tf.function", run(fn), True)]
    return pc.time_modes("W8", case, modes, pc.lstm_numpy(params, x_np), args.repeat or 20, pc.LSTM_RTOL,
                         pc.LSTM_ATOL)


def _cnn_keras_model():
    layers = tf.keras.layers
    return tf.keras.Sequential([tf.keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
                                layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"),
                                layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(128, activation="relu"),
                                layers.Dense(10)])


def cnn_step(variables):
    """The W7 step over tf.Variables [k1, b1, k2, b2, w3, b3, w4, b4]: step(x, y) -> loss, SGD applied
    (also timed by benchmarks/w7_cpu_time.py)."""
    def step(x, y):
        k1, b1, k2, b2, w3, b3, w4, b4 = variables
        with tf.GradientTape() as tape:
            h = tf.nn.max_pool2d(tf.nn.relu(tf.nn.conv2d(x, k1, 1, "VALID") + b1), 2, 2, "VALID")
            h = tf.nn.max_pool2d(tf.nn.relu(tf.nn.conv2d(h, k2, 1, "VALID") + b2), 2, 2, "VALID")
            h = tf.nn.relu(tf.reshape(h, [tf.shape(h)[0], -1]) @ w3 + b3)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h @ w4 + b4))
        for v, g in zip(variables, tape.gradient(loss, variables)):
            v.assign_sub(cnn.LR * g)
        return loss
    return step


def w7(case, args):
    """The CNN training step (cnn_reference.py): eager, tf.function, and Keras train_on_batch."""
    batch = pc.case_value(case, "batch", cnn.BATCH)
    x_np, y_np = cnn.cnn_batch(batch)
    init = cnn.cnn_params()
    exp_loss, exp_params = cnn.cnn_step_numpy(init, x_np, y_np)
    x, y = tf.constant(x_np), tf.constant(y_np)
    variables, reset = _variables(init)

    step = cnn_step(variables)
    fn = tf.function(step)

    def first(f):
        def run():
            return [f(x, y).numpy()] + [v.numpy() for v in variables]
        return run

    model = _cnn_keras_model()
    model.compile(optimizer=tf.keras.optimizers.SGD(cnn.LR),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))

    def keras_reset():
        model.set_weights(init)

    def keras_first():
        loss = model.train_on_batch(x_np, y_np)
        return [np.float32(loss)] + model.get_weights()

    modes = [(f"{FW} eager", first(step), False, lambda: step(x, y).numpy(), reset),
             (f"{FW} tf.function", first(fn), True, lambda: fn(x, y).numpy(), reset),
             (f"{FW} keras train_on_batch", keras_first, True, lambda: model.train_on_batch(x_np, y_np), keras_reset)]
    return pc.time_training("W7", case, modes, [exp_loss] + exp_params, args)


if __name__ == "__main__":
    handlers = {"W1": w1, "W2": w2, "W3": partial(_mlp_case, "W3"), "W4": partial(_mlp_case, "W4"),
                "W5": w5, "W6": w6, "W7": w7, "W8": w8, "W9": w9}
    raise SystemExit(pc.main(handlers, FW, tf.__version__))
