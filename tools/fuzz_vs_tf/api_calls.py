"""Random calls of indexing / shape / reduction APIs, eager, saved for comparison against TF."""

import importlib
import os
import random
import sys

import numpy as np
from _common import OUT

modname, s0, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tf = importlib.import_module(modname)


def call(rng, r):
    shape = [rng.randint(1, 5) for _ in range(rng.randint(1, 4))]
    x = r.standard_normal(shape).astype(rng.choice([np.float32, np.float64]))
    xi = r.randint(-5, 5, shape).astype(rng.choice([np.int32, np.int64]))
    ax = rng.randrange(-len(shape), len(shape))
    k = rng.choice(
        [
            "slice",
            "gather",
            "gather_nd",
            "scatter_nd",
            "tscatter_add",
            "pad",
            "one_hot",
            "segment_sum",
            "unsorted_segment_max",
            "top_k",
            "sort",
            "argsort",
            "unique",
            "boolean_mask",
            "reduce_logsumexp",
            "reduce_prod",
            "reduce_any",
            "cumprod",
            "roll",
            "split",
            "squeeze",
            "tile",
            "repeat",
            "where1",
            "math_bincount",
            "clip_norm",
            "moments",
            "matrix_band",
            "einsum",
            "tensordot",
            "broadcast_to",
            "searchsorted",
            "reverse_seq",
            "space_to_depth",
            "meshgrid",
            "linspace",
            "range_neg",
            "histogram",
            "unique_counts",
            "argmin",
            "reduce_euclid",
            "l2_loss",
            "log_sum",
            "segment_mean",
            "gather_batch",
            "unstack",
            "diag_part",
            "trace",
            "cross",
            "cumsum_excl_rev",
            "strided_neg",
            "ellipsis",
        ]
    )
    X = tf.constant(x)
    XI = tf.constant(xi)
    if k == "slice":
        sl = tuple(
            slice(rng.choice([None, 0, 1, -1]), rng.choice([None, -1, 3]), rng.choice([None, 1, 2, -1])) for _ in shape
        )
        return k, X[sl]
    if k == "strided_neg":
        return k, X[::-1] if len(shape) == 1 else X[::-2, 1::-1]
    if k == "ellipsis":
        return k, X[..., :1] if len(shape) > 1 else X[..., None]
    if k == "gather":
        idx = r.randint(0, shape[ax], size=rng.randint(0, 4))
        return k, tf.gather(X, idx, axis=ax)
    if k == "gather_batch" and len(shape) >= 2:
        idx = r.randint(0, shape[1], size=(shape[0], 3))
        return k, tf.gather(X, idx, axis=1, batch_dims=1)
    if k == "gather_nd":
        d = rng.randint(1, len(shape))
        idx = np.stack([r.randint(0, shape[i], size=3) for i in range(d)], -1)
        return k, tf.gather_nd(X, idx)
    if k == "scatter_nd":
        idx = r.randint(0, shape[0], size=(4, 1))
        upd = r.standard_normal([4] + shape[1:]).astype(x.dtype)
        return k, tf.scatter_nd(idx, upd, shape)
    if k == "tscatter_add":
        idx = r.randint(0, shape[0], size=(3, 1))
        upd = r.standard_normal([3] + shape[1:]).astype(x.dtype)
        return k, tf.tensor_scatter_nd_add(X, idx, upd)
    if k == "pad":
        mode = rng.choice(["CONSTANT", "REFLECT", "SYMMETRIC"])
        p = [
            [
                rng.randint(0, max(0, s - (1 if mode == "REFLECT" else 0))),
                rng.randint(0, max(0, s - (1 if mode == "REFLECT" else 0))),
            ]
            for s in shape
        ]
        return k, tf.pad(X, p, mode=mode, constant_values=1.5 if mode == "CONSTANT" else 0)
    if k == "one_hot":
        return k, tf.one_hot(XI, 4, on_value=2.0, off_value=-1.0, axis=rng.choice([-1, 0]))
    if k == "segment_sum":
        ids = np.sort(r.randint(0, 3, size=shape[0]))
        return k, tf.math.segment_sum(X, ids)
    if k == "segment_mean":
        ids = np.sort(r.randint(0, 3, size=shape[0]))
        return k, tf.math.segment_mean(X, ids)
    if k == "unsorted_segment_max":
        ids = r.randint(-1, 3, size=shape[0])
        return k, tf.math.unsorted_segment_max(X, ids, 4)
    if k == "top_k":
        return k, tf.math.top_k(X, k=rng.randint(0, shape[-1]))[0]
    if k == "sort":
        return k, tf.sort(X, axis=ax, direction=rng.choice(["ASCENDING", "DESCENDING"]))
    if k == "argsort":
        return k, tf.argsort(XI, axis=ax, stable=True, direction=rng.choice(["ASCENDING", "DESCENDING"]))
    if k == "unique":
        return k, tf.unique(tf.reshape(XI, [-1]))[1]
    if k == "unique_counts":
        return k, tf.unique_with_counts(tf.reshape(XI, [-1]))[2]
    if k == "boolean_mask":
        return k, tf.boolean_mask(X, X > 0)
    if k == "reduce_logsumexp":
        return k, tf.reduce_logsumexp(X, axis=ax)
    if k == "reduce_prod":
        return k, tf.reduce_prod(XI, axis=ax)
    if k == "reduce_any":
        return k, tf.cast(tf.reduce_any(X > 1, axis=ax), tf.int32)
    if k == "cumprod":
        return k, tf.math.cumprod(X, axis=ax, exclusive=rng.random() < 0.5, reverse=rng.random() < 0.5)
    if k == "cumsum_excl_rev":
        return k, tf.cumsum(XI, axis=ax, exclusive=True, reverse=True)
    if k == "roll":
        return k, tf.roll(X, shift=rng.randint(-5, 5), axis=ax)
    if k == "split":
        return k, tf.split(X, [1, shape[ax] - 1], axis=ax)[1]
    if k == "squeeze":
        return k, tf.squeeze(tf.expand_dims(X, ax))
    if k == "tile":
        return k, tf.tile(X, [rng.randint(0, 2) for _ in shape])
    if k == "repeat":
        return k, tf.repeat(X, rng.randint(0, 3), axis=ax)
    if k == "where1":
        return k, tf.where(X > 0.2)
    if k == "math_bincount":
        return k, tf.math.bincount(tf.abs(tf.reshape(XI, [-1])), minlength=3)
    if k == "clip_norm":
        return k, tf.clip_by_norm(X, 0.7, axes=[ax])
    if k == "moments":
        return k, tf.nn.moments(X, axes=[ax])[1]
    if k == "matrix_band" and len(shape) >= 2:
        return k, tf.linalg.band_part(X, rng.randint(-1, 2), rng.randint(-1, 2))
    if k == "diag_part" and len(shape) >= 2:
        return k, tf.linalg.diag_part(X)
    if k == "trace" and len(shape) >= 2:
        return k, tf.linalg.trace(X)
    if k == "einsum" and len(shape) == 2:
        return k, tf.einsum("ij,kj->ik", X, X)
    if k == "tensordot":
        return k, tf.tensordot(X, X, axes=[[ax], [ax]])
    if k == "broadcast_to":
        return k, tf.broadcast_to(X, [2] + shape)
    if k == "searchsorted":
        s = np.sort(x.reshape(-1))
        return k, tf.searchsorted(
            tf.constant(s[None]), tf.constant(x.reshape(1, -1)), side=rng.choice(["left", "right"])
        )
    if k == "reverse_seq" and len(shape) >= 2:
        lens = r.randint(0, shape[1] + 1, size=shape[0])
        return k, tf.reverse_sequence(X, lens.astype(np.int64), seq_axis=1, batch_axis=0)
    if k == "space_to_depth":
        y = r.standard_normal([1, 4, 4, 2]).astype(np.float32)
        return k, tf.nn.space_to_depth(tf.constant(y), 2)
    if k == "meshgrid":
        return k, tf.meshgrid(tf.range(3), tf.range(rng.randint(1, 4)), indexing=rng.choice(["xy", "ij"]))[0]
    if k == "linspace":
        return k, tf.linspace(-1.5, 2.5, rng.randint(1, 6))
    if k == "range_neg":
        return k, tf.range(rng.randint(-3, 3), rng.randint(-9, 9), rng.choice([-2, -1, 1, 3]))
    if k == "histogram":
        return k, tf.histogram_fixed_width(X, [-1.0, 1.0], nbins=5)
    if k == "argmin":
        return k, tf.argmin(XI, axis=ax)
    if k == "reduce_euclid":
        return k, tf.math.reduce_euclidean_norm(X, axis=ax)
    if k == "l2_loss":
        return k, tf.nn.l2_loss(X)
    if k == "log_sum":
        return k, tf.math.reduce_variance(X, axis=ax)
    if k == "unstack":
        return k, tf.unstack(X, axis=ax)[0]
    if k == "cross":
        y = r.standard_normal([2, 3]).astype(np.float32)
        return k, tf.linalg.cross(tf.constant(y), tf.constant(y[::-1].copy()))
    return k, X


res = {}
for seed in range(s0, s0 + n):
    rng = random.Random(seed)
    r = np.random.RandomState(seed)
    try:
        k, y = call(rng, r)
        res["%d_%s" % (seed, k)] = y.numpy()
    except Exception as ex:
        res["%d_err" % seed] = np.array(type(ex).__name__ + ": " + str(ex)[:200])
np.savez(os.path.join(OUT, "api_calls_%s.npz" % modname), **res)
