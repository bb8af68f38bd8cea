"""Random float32 programs of elementwise, reduction and shape ops (`build` draws one, `run` runs it
with whichever module is bound to `tf`). Run as a script: graphflow's eager, gf.function and TF1
Session results of each program must agree (`python ops_programs.py START COUNT`).
run_programs.py runs the same programs under TensorFlow for compare.py."""

import random
import sys
from contextlib import nullcontext

import numpy as np

import graphflow as tf

UN = [
    "exp",
    "log1p_abs",
    "sqrt_abs",
    "tanh",
    "sigmoid",
    "neg",
    "square",
    "relu",
    "abs",
    "sin",
    "floor",
    "sign",
    "reciprocal_safe",
    "softplus",
    "erf",
    "rsqrt_safe",
]
BIN = ["add", "sub", "mul", "div_safe", "maximum", "minimum", "pow_safe", "sqdiff", "where_gt"]
RED = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "cumsum", "softmax", "log_softmax", "l2norm"]
SHAPE = ["transpose", "reshape_flat", "slice", "concat_self", "tile2", "expand_reduce", "reverse", "gather0"]


def un(name, x):
    return {
        "exp": lambda: tf.exp(tf.clip_by_value(x, -10.0, 10.0)),
        "log1p_abs": lambda: tf.math.log1p(tf.abs(x)),
        "sqrt_abs": lambda: tf.sqrt(tf.abs(x) + 1e-3),
        "tanh": lambda: tf.tanh(x),
        "sigmoid": lambda: tf.sigmoid(x),
        "neg": lambda: -x,
        "square": lambda: tf.square(x),
        "relu": lambda: tf.nn.relu(x),
        "abs": lambda: tf.abs(x),
        "sin": lambda: tf.sin(x),
        "floor": lambda: tf.floor(x),
        "sign": lambda: tf.sign(x),
        "reciprocal_safe": lambda: 1.0 / (tf.abs(x) + 0.5),
        "softplus": lambda: tf.nn.softplus(x),
        "erf": lambda: tf.math.erf(x),
        "rsqrt_safe": lambda: tf.math.rsqrt(tf.abs(x) + 0.25),
    }[name]()


def bi(name, x, y):
    return {
        "add": lambda: x + y,
        "sub": lambda: x - y,
        "mul": lambda: x * y,
        "div_safe": lambda: x / (tf.abs(y) + 0.5),
        "maximum": lambda: tf.maximum(x, y),
        "minimum": lambda: tf.minimum(x, y),
        "pow_safe": lambda: tf.pow(tf.abs(x) + 0.1, tf.clip_by_value(y, -2.0, 2.0)),
        "sqdiff": lambda: tf.math.squared_difference(x, y),
        "where_gt": lambda: tf.where(x > y, x, y * 2.0),
    }[name]()


def red(name, x, ax):
    return {
        "reduce_sum": lambda: tf.reduce_sum(x, axis=ax, keepdims=True),
        "reduce_mean": lambda: tf.reduce_mean(x, axis=ax, keepdims=True),
        "reduce_max": lambda: tf.reduce_max(x, axis=ax, keepdims=True),
        "reduce_min": lambda: tf.reduce_min(x, axis=ax, keepdims=True),
        "cumsum": lambda: tf.cumsum(x, axis=ax),
        "softmax": lambda: tf.nn.softmax(x, axis=ax),
        "log_softmax": lambda: tf.nn.log_softmax(x, axis=ax),
        "l2norm": lambda: tf.math.l2_normalize(x, axis=ax),
    }[name]()


def shp(name, x):
    if name == "transpose":
        return tf.transpose(x)
    if name == "reshape_flat":
        return tf.reshape(tf.reshape(x, [-1]), x.shape)
    if name == "slice":
        return tf.concat([x[:, 1:], x[:, :1]], axis=1)
    if name == "concat_self":
        return tf.concat([x, x * 0.5], axis=0)[: x.shape[0]]
    if name == "tile2":
        return tf.tile(x, [1, 2])[:, : x.shape[1]]
    if name == "expand_reduce":
        return tf.reduce_sum(tf.expand_dims(x, 0) * tf.ones([2, 1, 1]), axis=0)
    if name == "reverse":
        return tf.reverse(x, [0])
    if name == "gather0":
        return tf.gather(x, [x.shape[0] - 1] + list(range(x.shape[0] - 1)))


def build(rng, depth):
    steps = []
    for _ in range(depth):
        k = rng.random()
        if k < 0.35:
            steps.append(("un", rng.choice(UN), rng.randrange(100)))
        elif k < 0.65:
            steps.append(("bi", rng.choice(BIN), rng.randrange(100)))
        elif k < 0.8:
            steps.append(("red", rng.choice(RED), rng.randrange(2)))
        else:
            steps.append(("shp", rng.choice(SHAPE), 0))
    return steps


def run(steps, a, b):
    vals = [a, b]
    for kind, name, arg in steps:
        x = vals[arg % len(vals)]
        if kind == "un":
            v = un(name, x)
        elif kind == "bi":
            y = vals[(arg * 7 + 1) % len(vals)]
            if y.shape != x.shape:
                y = tf.reduce_mean(y) if arg % 2 else y[..., :1] if y.shape[0] == x.shape[0] else tf.reduce_mean(y)
            v = bi(name, x, y)
        elif kind == "red":
            v = red(name, x, arg)
        else:
            v = shp(name, x)
        if v.shape.as_list() != list(x.shape) and kind != "red":
            v = v  # shapes kept by construction
        vals.append(v)
    outs = vals[2:]
    return [o for o in outs[-3:]] + [tf.reduce_sum(outs[-1])]


def self_check(seed0, n):
    bad = 0
    for seed in range(seed0, seed0 + n):
        rng = random.Random(seed)
        shape = [rng.choice([1, 3, 5, 64]), rng.choice([1, 4, 7, 130])]
        r = np.random.RandomState(seed)
        a_np = r.standard_normal(shape).astype(np.float32)
        b_np = r.standard_normal(shape).astype(np.float32)
        steps = build(rng, rng.randint(2, 9))
        try:
            with tf.eager_mode() if hasattr(tf, "eager_mode") else nullcontext():
                e = [t.numpy() for t in run(steps, tf.constant(a_np), tf.constant(b_np))]
        except Exception as ex:
            print(seed, "eager error", type(ex).__name__, str(ex)[:100])
            bad += 1
            continue
        try:
            f = tf.function(lambda a, b, steps=steps: run(steps, a, b))
            g = [t.numpy() for t in f(tf.constant(a_np), tf.constant(b_np))]
            g2 = [t.numpy() for t in f(tf.constant(a_np), tf.constant(b_np))]
        except Exception as ex:
            print(seed, "function error", type(ex).__name__, str(ex)[:200], steps)
            bad += 1
            continue
        try:
            graph = tf.Graph()
            with graph.as_default():
                pa = tf.compat.v1.placeholder(tf.float32, shape)
                pb = tf.compat.v1.placeholder(tf.float32, shape)
                outs = run(steps, pa, pb)
            sess = tf.compat.v1.Session(graph=graph)
            s1 = sess.run(outs, {pa: a_np, pb: b_np})
            s2 = sess.run(outs, {pa: a_np, pb: b_np})
            s3 = sess.run(outs, {pa: a_np, pb: b_np})
        except Exception as ex:
            print(seed, "session error", type(ex).__name__, str(ex)[:200], steps)
            bad += 1
            continue
        for label, got in (("function", g), ("function2", g2), ("sess1", s1), ("sess2", s2), ("sess3", s3)):
            for i, (x, y) in enumerate(zip(e, got)):
                if x.shape != np.shape(y) or not np.allclose(
                    x, y, rtol=2e-4, atol=2e-4 * max(1, np.abs(x).max() if x.size else 1), equal_nan=True
                ):
                    print(
                        seed,
                        label,
                        "MISMATCH out",
                        i,
                        steps,
                        shape,
                        np.max(np.abs(x - y)) if x.shape == np.shape(y) else (x.shape, np.shape(y)),
                    )
                    bad += 1
                    break
            else:
                continue
            break
    print("done", n, "bad", bad)


if __name__ == "__main__":
    self_check(int(sys.argv[1]), int(sys.argv[2]))
