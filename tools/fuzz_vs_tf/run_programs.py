"""Run the random programs of ops_programs.py or int_programs.py eagerly under one framework and
save every output (errors as `<seed>_err`) for compare.py:

    python run_programs.py graphflow ops_programs 0 300
    /path/to/tf/python run_programs.py tensorflow ops_programs 0 300
    python compare.py $FUZZ_OUT/ops_programs_tensorflow.npz $FUZZ_OUT/ops_programs_graphflow.npz
"""

import os
import random
import sys

import numpy as np
from _common import OUT, load_programs

module, which, s0, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ns = load_programs(which, module)
tf = ns["tf"]
res = {}
for seed in range(s0, s0 + n):
    try:
        if which == "ops_programs":
            rng = random.Random(seed)
            shape = [rng.choice([1, 3, 5, 64]), rng.choice([1, 4, 7, 130])]
            r = np.random.RandomState(seed)
            a_np = r.standard_normal(shape).astype(np.float32)
            b_np = r.standard_normal(shape).astype(np.float32)
            steps = ns["build"](rng, rng.randint(2, 9))
            outs = ns["run"](steps, tf.constant(a_np), tf.constant(b_np))
        else:
            r = np.random.RandomState(seed)
            shape = [int(r.choice([1, 3, 64])), int(r.choice([1, 5, 130]))]
            a_np = r.randint(-20, 20, shape).astype(np.int32)
            b_np = r.randint(-20, 20, shape).astype(np.int64)
            c_np = (r.standard_normal(shape) * 5).astype(np.float64)
            outs = ns["run"](seed, tf.constant(a_np), tf.constant(b_np), tf.constant(c_np))
        for i, o in enumerate(outs):
            res["%d_%d" % (seed, i)] = o.numpy()
    except Exception as ex:  # noqa: BLE001  recorded for comparison
        res["%d_err" % seed] = np.array(type(ex).__name__ + ": " + str(ex)[:150])
np.savez(os.path.join(OUT, "%s_%s.npz" % (which, module)), **res)
