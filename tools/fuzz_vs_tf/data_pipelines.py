"""Random tf.data pipelines (map, filter, batch, window, interleave, scan, zip, ...) under one
framework; each element list is saved for compare.py:

    python data_pipelines.py graphflow 0 300; /path/to/tf/python data_pipelines.py tensorflow 0 300
"""

import importlib
import json
import os
import random
import sys

import numpy as np
from _common import OUT

mod, s0, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tf = importlib.import_module(mod)
D = tf.data.Dataset


def pipeline(rng):
    k = rng.randint(5, 20)
    ds = D.range(k) if rng.random() < 0.5 else D.from_tensor_slices(np.arange(k * 2, dtype=np.float32).reshape(k, 2))
    steps = []
    for _ in range(rng.randint(1, 5)):
        c = rng.choice(
            [
                "map",
                "filter",
                "batch",
                "take",
                "skip",
                "repeat",
                "enumerate",
                "window",
                "scan",
                "zipself",
                "concat",
                "unbatch",
                "padded",
                "prefetch",
                "cache",
                "interleave",
                "flat_map",
                "shard",
                "rebatch",
                "map_tuple",
            ]
        )
        steps.append((c, rng.randint(1, 4), rng.random() < 0.5))
    return ds, steps


def apply(ds, steps):
    for c, a, flag in steps:
        spec = ds.element_spec
        is_tuple = isinstance(spec, tuple)
        if c == "map" and not is_tuple:
            ds = ds.map(lambda x: x * 2 + 1)
        elif c == "map_tuple" and is_tuple:
            ds = ds.map(lambda *xs: xs[-1])
        elif c == "filter" and not is_tuple and spec.shape.rank == 0:
            ds = ds.filter(lambda x: x % 3 != 1 if x.dtype.is_integer else x > 2.0)
        elif c == "batch":
            ds = ds.batch(a + 1, drop_remainder=flag)
        elif c == "take":
            ds = ds.take(a * 3)
        elif c == "skip":
            ds = ds.skip(a)
        elif c == "repeat":
            ds = ds.repeat(2)
        elif c == "enumerate" and not is_tuple:
            ds = ds.enumerate().map(lambda i, x: x)
        elif c == "window" and not is_tuple:
            ds = ds.window(a + 1, shift=a, drop_remainder=flag).flat_map(lambda w: w.batch(a + 1))  # noqa: B023  tf.data binds it when built
        elif c == "scan" and not is_tuple and spec.shape.rank == 0:
            ds = ds.scan(tf.constant(0, spec.dtype), lambda s, x: (s + x, s * 2))
        elif c == "zipself" and not is_tuple:
            ds = D.zip((ds, ds.skip(1)))
        elif c == "concat":
            ds = ds.concatenate(ds.take(2))
        elif c == "unbatch" and not is_tuple and spec.shape.rank and spec.shape.rank >= 1:
            ds = ds.unbatch()
        elif c == "padded" and not is_tuple and spec.shape.rank == 0:
            ds = ds.map(lambda x: tf.fill([tf.cast(x, tf.int32) % 3 + 1], x)).padded_batch(2)
        elif c == "prefetch":
            ds = ds.prefetch(2)
        elif c == "cache":
            ds = ds.cache()
        elif c == "interleave" and not is_tuple:
            ds = D.range(1, 3).interleave(lambda i: ds.take(i * 2), cycle_length=2, block_length=a)  # noqa: B023  as above
        elif c == "flat_map" and not is_tuple and spec.shape.rank == 0:
            ds = ds.flat_map(lambda x: D.from_tensors(x).repeat(2))
        elif c == "shard":
            ds = ds.shard(2, 1)
        elif c == "rebatch" and not is_tuple and spec.shape.rank and spec.shape.rank >= 1 and spec.shape[0] is not None:
            ds = ds.rebatch(1)
    return ds


out = {}
for seed in range(s0, s0 + n):
    rng = random.Random(seed)
    ds, steps = pipeline(rng)
    try:
        ds = apply(ds, steps)
        els = []
        for e in ds.take(60):
            els.append(json.dumps([np.asarray(t).tolist() for t in (e if isinstance(e, tuple) else (e,))]))
        out[str(seed)] = np.array(json.dumps(els) + " | " + str(ds.element_spec))
    except Exception as ex:
        out["%d_err" % seed] = np.array(type(ex).__name__ + ": " + str(ex)[:150] + " | " + json.dumps(steps))
np.savez(os.path.join(OUT, "data_pipelines_%s.npz" % mod), **out)
