"""Random programs over int32, int64 and float64 (integer division, bitwise ops, casts, scans...):
`run(seed, a, b, c)`. As a script, graphflow's eager, gf.function and Session results must agree
(`python int_programs.py START COUNT`); run_programs.py runs them under TensorFlow for compare.py."""

import random
import sys

import numpy as np

import graphflow as tf


def step(rng, vals):
    x = rng.choice(vals)
    y = rng.choice([v for v in vals if v.dtype == x.dtype] or [x])
    dt = x.dtype
    isint = dt.is_integer
    choices = [
        "add",
        "sub",
        "mul",
        "max",
        "min",
        "abs",
        "neg",
        "sum",
        "cumsum",
        "cast_f64",
        "cast_i32",
        "cast_i64",
        "eq_where",
        "sq",
        "rev",
        "argmax",
        "clip",
        "prod_small",
        "mean",
    ]
    if isint:
        choices += ["floordiv", "floormod", "bitand", "bitxor", "shift"]
    else:
        choices += ["floor", "round", "truediv", "exp_clip", "floordiv_f", "floormod_f"]
    c = rng.choice(choices)
    nz = lambda t: tf.where(tf.equal(t, tf.zeros_like(t)), tf.ones_like(t), t)
    if c == "add":
        return x + y
    if c == "sub":
        return x - y
    if c == "mul":
        return x * y
    if c == "max":
        return tf.maximum(x, y)
    if c == "min":
        return tf.minimum(x, y)
    if c == "abs":
        return tf.abs(x)
    if c == "neg":
        return -x
    if c == "sum":
        return tf.reduce_sum(x, axis=rng.randrange(2), keepdims=True) + tf.zeros_like(x)
    if c == "cumsum":
        return tf.cumsum(x, axis=rng.randrange(2), exclusive=rng.random() < 0.5, reverse=rng.random() < 0.5)
    if c == "cast_f64":
        return tf.cast(x, tf.float64)
    if c == "cast_i32":
        return tf.cast(tf.clip_by_value(x, -1000, 1000) if not isint else x, tf.int32)
    if c == "cast_i64":
        return tf.cast(tf.clip_by_value(x, -1000, 1000) if not isint else x, tf.int64)
    if c == "eq_where":
        return tf.where(x >= y, x, y)
    if c == "sq":
        return tf.square(tf.clip_by_value(x, -100, 100) if True else x)
    if c == "rev":
        return tf.reverse(x, [rng.randrange(2)])
    if c == "argmax":
        return tf.cast(tf.argmax(x, axis=1), dt)[:, None] + tf.zeros_like(x)
    if c == "clip":
        return tf.clip_by_value(x, tf.cast(-3, dt), tf.cast(5, dt))
    if c == "prod_small":
        return tf.reduce_prod(
            tf.clip_by_value(x, tf.cast(-2, dt), tf.cast(2, dt)), axis=0, keepdims=True
        ) + tf.zeros_like(x)
    if c == "mean":
        return tf.reduce_mean(x, axis=1, keepdims=True) + tf.zeros_like(x)
    if c == "floordiv":
        return tf.math.floordiv(x, nz(y))
    if c == "floormod":
        return tf.math.floormod(x, nz(y))
    if c == "bitand":
        return tf.bitwise.bitwise_and(x, y)
    if c == "bitxor":
        return tf.bitwise.bitwise_xor(x, y)
    if c == "shift":
        return tf.bitwise.left_shift(
            tf.clip_by_value(x, tf.cast(-100, dt), tf.cast(100, dt)), tf.cast(2, dt) + tf.zeros_like(x)
        )
    if c == "floor":
        return tf.floor(x)
    if c == "round":
        return tf.round(x)
    if c == "truediv":
        return x / (tf.abs(y) + 0.5)
    if c == "exp_clip":
        return tf.exp(tf.clip_by_value(x, -5.0, 5.0))
    if c == "floordiv_f":
        return tf.math.floordiv(x, tf.abs(y) + 0.5)
    if c == "floormod_f":
        return tf.math.floormod(x, tf.abs(y) + 0.5)


def run(rng_seed, a, b, c):
    rng = random.Random(rng_seed)
    vals = [a, b, c]
    for _ in range(rng.randint(2, 10)):
        vals.append(step(rng, vals))
    return vals[3:]


def self_check(s0, n):
    bad = 0
    for seed in range(s0, s0 + n):
        r = np.random.RandomState(seed)
        shape = [int(r.choice([1, 3, 64])), int(r.choice([1, 5, 130]))]
        a_np = r.randint(-20, 20, shape).astype(np.int32)
        b_np = r.randint(-20, 20, shape).astype(np.int64)
        c_np = (r.standard_normal(shape) * 5).astype(np.float64)
        try:
            e = [t.numpy() for t in run(seed, tf.constant(a_np), tf.constant(b_np), tf.constant(c_np))]
        except Exception as ex:
            print(seed, "eager error", type(ex).__name__, str(ex)[:150])
            bad += 1
            continue
        try:
            f = tf.function(lambda a, b, c, seed=seed: run(seed, a, b, c))
            g = [t.numpy() for t in f(tf.constant(a_np), tf.constant(b_np), tf.constant(c_np))]
            graph = tf.Graph()
            with graph.as_default():
                pa = tf.compat.v1.placeholder(tf.int32, shape)
                pb = tf.compat.v1.placeholder(tf.int64, shape)
                pc = tf.compat.v1.placeholder(tf.float64, shape)
                outs = run(seed, pa, pb, pc)
            sess = tf.compat.v1.Session(graph=graph)
            s = sess.run(outs, {pa: a_np, pb: b_np, pc: c_np})
            s = sess.run(outs, {pa: a_np, pb: b_np, pc: c_np})
            s = sess.run(outs, {pa: a_np, pb: b_np, pc: c_np})
        except Exception as ex:
            print(seed, "graph error", type(ex).__name__, str(ex)[:200])
            bad += 1
            continue
        for label, got in (("function", g), ("session", s)):
            for i, (x, y) in enumerate(zip(e, got)):
                if (
                    x.dtype != y.dtype
                    or x.shape != y.shape
                    or not np.allclose(x, y, rtol=1e-6, atol=1e-6, equal_nan=True)
                ):
                    print(seed, label, "MISMATCH", i, x.dtype, y.dtype, x.shape, y.shape)
                    bad += 1
                    break
    print("done", n, "bad", bad)


if __name__ == "__main__":
    self_check(int(sys.argv[1]), int(sys.argv[2]))
