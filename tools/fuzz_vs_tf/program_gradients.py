"""Gradients of ops_programs.py's programs (tape gradients of a real loss of their outputs) under
one framework, saved for compare.py (errors as `<seed>_err`):

    python program_gradients.py graphflow 0 400
    /path/to/tf/python program_gradients.py tensorflow 0 400
"""

import os
import random
import sys

import numpy as np
from _common import OUT, load_programs

modname, s0, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ns = load_programs("ops_programs", modname)
tf = ns["tf"]
ns["UN"][:] = [u for u in ns["UN"] if u not in ("floor", "sign")]  # gradients of steps are zero
res = {}
for seed in range(s0, s0 + n):
    rng = random.Random(seed)
    shape = [rng.choice([1, 3, 5, 64]), rng.choice([1, 4, 7, 130])]
    r = np.random.RandomState(seed)
    a_np = r.standard_normal(shape).astype(np.float32)
    b_np = r.standard_normal(shape).astype(np.float32)
    steps = ns["build"](rng, rng.randint(2, 8))
    a, b = tf.constant(a_np), tf.constant(b_np)
    try:
        with tf.GradientTape() as t:
            t.watch(a)
            t.watch(b)
            outs = ns["run"](steps, a, b)
            loss = tf.add_n([tf.reduce_sum(o * tf.cos(o)) for o in outs[:-1]])
        g = t.gradient(loss, [a, b])
        for i, x in enumerate(g):
            res["%d_%d" % (seed, i)] = np.zeros(shape, np.float32) if x is None else x.numpy()
    except Exception as ex:
        res["%d_err" % seed] = np.array(type(ex).__name__ + ": " + str(ex)[:150])
np.savez(os.path.join(OUT, "program_gradients_%s.npz" % modname), **res)
