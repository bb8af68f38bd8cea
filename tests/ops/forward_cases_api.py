"""Forward cases (tests/ops/forward_cases.py's format) for the ops issue 12 added, each against a
numpy/scipy reference written from the op's definition. Small shapes: the TF-recorded replays in
tests/test_tf_parity.py check the values against TensorFlow; these check every mode and inference.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.special as sp
from hypothesis import strategies as st

import graphflow as gf
from graphflow.ops import dispatch
from graphflow.ops.registry import get

from . import forward_cases as fc
from .forward_cases import FLOAT_DTYPES, binary, case, shape, unary, values


def _op(name, *xs, **attrs):
    return dispatch.apply(get(name), xs, attrs)


def _vec(fn):
    return lambda x: np.vectorize(fn, otypes=[x.dtype])(x) if x.size else x.copy()


def _f(fn):
    """A float64 reference cast back to the input's dtype."""
    return lambda *xs: np.asarray(fn(*[x.astype(np.float64) for x in xs])).astype(xs[-1].dtype)


unary("Tan", gf.math.tan, _f(np.tan), lo=-1.2, hi=1.2)
unary("Asin", gf.math.asin, _f(np.arcsin), lo=-1.0, hi=1.0)
unary("Acos", gf.math.acos, _f(np.arccos), lo=-1.0, hi=1.0)
unary("Atan", gf.math.atan, _f(np.arctan))
unary("Sinh", gf.math.sinh, _f(np.sinh))
unary("Cosh", gf.math.cosh, _f(np.cosh))
unary("Asinh", gf.math.asinh, _f(np.arcsinh))
unary("Acosh", gf.math.acosh, _f(np.arccosh), lo=1.0, hi=5.0)
unary("Atanh", gf.math.atanh, _f(np.arctanh), lo=-0.99, hi=0.99)
unary("Erfc", gf.math.erfc, _vec(math.erfc))
unary("Lgamma", gf.math.lgamma, _vec(math.lgamma), lo=0.1, hi=6.0, rtol=1e-4)
unary("Digamma", gf.math.digamma, _f(sp.psi), lo=0.1, hi=6.0, rtol=1e-4)
unary("Erfinv", gf.math.erfinv, _f(sp.erfinv), lo=-0.99, hi=0.99, rtol=1e-4)
unary("Ndtri", gf.math.ndtri, _f(sp.ndtri), lo=0.01, hi=0.99, rtol=1e-4)
unary("BesselI0", gf.math.bessel_i0, _f(np.i0))
unary("BesselI1", gf.math.bessel_i1, _f(sp.i1))
unary("BesselI0e", gf.math.bessel_i0e, _f(lambda x: np.exp(-np.abs(x)) * np.i0(x)))
unary("BesselI1e", gf.math.bessel_i1e, _f(sp.i1e))
binary("Atan2", gf.math.atan2, _f(np.arctan2))
binary("Xlogy", gf.math.xlogy, _f(lambda x, y: np.where(x == 0, 0, x * np.log(np.where(x == 0, 1, y)))),
       lo2=0.1, hi2=3.0)
binary("Xlog1py", gf.math.xlog1py, _f(lambda x, y: np.where(x == 0, 0, x * np.log1p(y))), lo2=-0.9, hi2=3.0)
binary("Xdivy", gf.math.xdivy, _f(lambda x, y: np.where(x == 0, 0, x / np.where(x == 0, 1, y))), lo2=0.5, hi2=3.0)
binary("MulNoNan", gf.math.multiply_no_nan, lambda x, y: np.where(y == 0, 0, x * y).astype(x.dtype))
binary("NextAfter", gf.math.nextafter, np.nextafter)
binary("Igamma", gf.math.igamma, _f(sp.gammainc), lo=0.1, hi=4.0, lo2=0.0, hi2=4.0)
binary("Igammac", gf.math.igammac, _f(sp.gammaincc), lo=0.1, hi=4.0, lo2=0.0, hi2=4.0)
binary("IgammaGradA", lambda a, x: _op("IgammaGradA", a, x),
       _f(lambda a, x: (sp.gammainc(a + 1e-6, x) - sp.gammainc(a - 1e-6, x)) / 2e-6), lo=0.5, hi=4.0, lo2=0.1,
       hi2=4.0)
binary("Zeta", gf.math.zeta, _f(sp.zeta), lo=1.5, hi=4.0, lo2=0.5, hi2=3.0)
binary("Polygamma", gf.math.polygamma, _f(lambda n, x: sp.polygamma(n.astype(int), x)), lo=0.0, hi=0.0, lo2=0.5,
       hi2=3.0)
binary("TruncateDiv", gf.truncatediv, lambda x, y: np.trunc(x / y).astype(x.dtype), fc.INT_DTYPES, lo2=1, hi2=4)
binary("TruncateMod", gf.truncatemod, lambda x, y: np.fmod(x, y).astype(x.dtype), fc.INT_DTYPES, lo2=1, hi2=4)
binary("LeftShift", gf.bitwise.left_shift, lambda x, y: np.left_shift(x, y), fc.INT_DTYPES, lo=-5, hi=5, lo2=0,
       hi2=3)
binary("RightShift", gf.bitwise.right_shift, lambda x, y: np.right_shift(x, y), fc.INT_DTYPES, lo=-50, hi=50, lo2=0,
       hi2=3)
unary("Invert", gf.bitwise.invert, np.invert, fc.INT_DTYPES)


def _draw_betainc(d):
    dt = d(st.sampled_from(FLOAT_DTYPES))
    s = shape(d, max_dims=2)
    return [values(d, s, dt, 0.5, 3.0), values(d, s, dt, 0.5, 3.0), values(d, s, dt, 0.0, 1.0)], {}


case("Betainc", _draw_betainc, gf.math.betainc, _f(sp.betainc), rtol=1e-4)


# ---- segments, cumulative, bincount ----------------------------------------------------------------

def _draw_segments(sorted_ids):
    def draw(d):
        n = d(st.integers(0, 5))
        rng = fc._rng(d)
        data = values(d, (n,) + shape(d, max_dims=1, max_side=3), d(st.sampled_from(FLOAT_DTYPES + fc.INT_DTYPES)))
        ids = np.sort(rng.integers(0, 4, n)) if sorted_ids else rng.integers(-1, 4, n)
        attrs = {"kind": d(st.sampled_from(["sum", "mean", "max", "min", "prod"]))}
        if not sorted_ids:
            attrs["num_segments"] = 4
        return [data, ids.astype(np.int32)], attrs
    return draw


def _segment_ref(data, ids, kind, num_segments=None):
    num = num_segments if num_segments is not None else (int(ids[-1]) + 1 if ids.size else 0)
    out = np.zeros((num,) + data.shape[1:], data.dtype)
    for s in range(num):
        rows = data[ids == s]
        if not len(rows):
            if num_segments is not None and kind in ("max", "min"):
                info = np.finfo(data.dtype) if data.dtype.kind == "f" else np.iinfo(data.dtype)
                out[s] = info.min if kind == "max" else info.max
            elif kind == "prod":
                out[s] = 1
            continue
        if kind == "mean" and data.dtype.kind in "iu":
            out[s] = np.sum(rows, 0) // len(rows)
        else:
            out[s] = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "prod": np.prod}[kind](rows, 0)
    return out


case("SegmentReduce", _draw_segments(True), lambda data, ids, kind: getattr(gf.math, f"segment_{kind}")(data, ids),
     _segment_ref)
case("UnsortedSegmentReduce", _draw_segments(False),
     lambda data, ids, kind, num_segments: getattr(gf.math, f"unsorted_segment_{kind}")(data, ids, num_segments),
     _segment_ref)


def _draw_cumulative(d):
    x = values(d, shape(d, min_dims=1, max_side=3), d(st.sampled_from(FLOAT_DTYPES + fc.INT_DTYPES)), -2, 2)
    return [x], {"axis": fc.axis_for(d, x.ndim), "exclusive": d(st.booleans()), "reverse": d(st.booleans())}


def _cumulative_ref(np_fn, ident):
    def ref(x, axis, exclusive, reverse):
        y = np.flip(x, axis) if reverse else x
        out = np_fn(y, axis=axis, dtype=x.dtype)
        if exclusive and out.shape[axis]:
            out = np.concatenate([np.full_like(np.take(out, [0], axis), ident), np.take(out, range(out.shape[axis] - 1),
                                                                                        axis)], axis)
        return np.flip(out, axis) if reverse else out
    return ref


case("Cumsum", _draw_cumulative, gf.math.cumsum, _cumulative_ref(np.cumsum, 0))
case("Cumprod", _draw_cumulative, gf.math.cumprod, _cumulative_ref(np.cumprod, 1))


def _draw_bincount(d):
    return [fc._rng(d).integers(0, 5, shape(d, max_dims=1)).astype(np.int32)], {"minlength": d(st.integers(0, 6))}


case("Bincount", _draw_bincount, lambda x, minlength: gf.math.bincount(x, minlength=minlength),
     lambda x, minlength: np.bincount(x.reshape(-1), minlength=minlength).astype(np.int32))


# ---- selection ---------------------------------------------------------------------------------------

def _draw_top_k(d):
    x = values(d, shape(d, min_dims=1, min_side=1, max_side=4), d(st.sampled_from(FLOAT_DTYPES + fc.INT_DTYPES)))
    return [x], {"k": d(st.integers(0, x.shape[-1]))}


def _top_k_ref(x, k):
    order = np.argsort(-x.astype(np.float64), axis=-1, kind="stable")[..., :k]
    return [np.take_along_axis(x, order, -1), order.astype(np.int32)]


case("TopKV2", _draw_top_k, lambda x, k: list(gf.math.top_k(x, k)), _top_k_ref)


def _draw_in_top_k(d):
    p = values(d, (d(st.integers(0, 3)), 4))
    return [p, fc._rng(d).integers(0, 4, len(p)).astype(np.int32)], {"k": d(st.integers(0, 4))}


case("InTopKV2", _draw_in_top_k, lambda p, t, k: gf.math.in_top_k(t, p, k),
     lambda p, t, k: np.array([np.sum(p[i] > p[i, t[i]]) < k for i in range(len(t))], bool))


def _draw_unique(d):
    return [fc._rng(d).integers(0, 4, shape(d, min_dims=1, max_dims=1)).astype(np.int32)], {}


def _unique_ref(x):
    firsts = list(dict.fromkeys(x.tolist()))
    return [np.array(firsts, np.int32), np.array([firsts.index(v) for v in x.tolist()], np.int32),
            np.array([x.tolist().count(v) for v in firsts], np.int32)]


case("Unique", _draw_unique, lambda x: list(gf.unique_with_counts(x)), _unique_ref)


def _draw_searchsorted(d):
    seq = np.sort(values(d, shape(d, min_dims=1, max_dims=1)))
    return [seq, values(d, (d(st.integers(0, 4)),))], {"side": d(st.sampled_from(["left", "right"]))}


case("SearchSorted", _draw_searchsorted, lambda s, v, side: gf.searchsorted(s, v, side=side),
     lambda s, v, side: np.searchsorted(s, v, side=side).astype(np.int32))
case("InvertPermutation", lambda d: ([fc._rng(d).permutation(d(st.integers(0, 5))).astype(np.int32)], {}),
     gf.math.invert_permutation, lambda x: np.argsort(x).astype(np.int32))


# ---- array ops -------------------------------------------------------------------------------------

def _draw_any(d, min_dims=1):
    return values(d, shape(d, min_dims=min_dims), d(st.sampled_from(FLOAT_DTYPES + fc.INT_DTYPES)))


def _draw_roll(d):
    x = _draw_any(d)
    return [x], {"shift": d(st.integers(-3, 3)), "axis": fc.axis_for(d, x.ndim)}


case("Roll", _draw_roll, gf.roll, lambda x, shift, axis: np.roll(x, shift, axis))


def _draw_reverse(d):
    x = _draw_any(d)
    return [x], {"axis": [fc.axis_for(d, x.ndim)]}


case("ReverseV2", _draw_reverse, gf.reverse, lambda x, axis: np.flip(x, axis))


def _draw_reverse_sequence(d):
    x = values(d, (3, d(st.integers(0, 4))))
    return [x, fc._rng(d).integers(0, x.shape[1] + 1, 3).astype(np.int32)], {}


def _reverse_sequence_ref(x, n):
    out = x.copy()
    for b in range(len(n)):
        out[b, :n[b]] = x[b, :n[b]][::-1]
    return out


case("ReverseSequence", _draw_reverse_sequence, lambda x, n: gf.reverse_sequence(x, n, seq_axis=1, batch_axis=0),
     _reverse_sequence_ref)


def _draw_scatter(d):
    t = values(d, (4, 2))
    idx = fc._rng(d).permutation(4)[:d(st.integers(0, 3))].astype(np.int32).reshape(-1, 1)
    return [t, idx, values(d, (len(idx), 2))], {"kind": d(st.sampled_from(["update", "add", "sub", "max", "min"]))}


def _scatter_ref(t, idx, u, kind):
    out = t.copy()
    for i, row in zip(idx[:, 0], u):
        out[i] = {"update": row, "add": out[i] + row, "sub": out[i] - row, "max": np.maximum(out[i], row),
                  "min": np.minimum(out[i], row)}[kind]
    return out


case("TensorScatter", _draw_scatter,
     lambda t, idx, u, kind: getattr(gf, f"tensor_scatter_nd_{kind}")(t, idx, u), _scatter_ref)
case("EnsureShape", lambda d: ([_draw_any(d)], {}), lambda x: gf.ensure_shape(x, [None] * len(x.shape)),
     lambda x: x)


def _draw_unravel(d):
    dims = np.array(shape(d, min_dims=1, min_side=1), np.int32)
    return [fc._rng(d).integers(0, int(np.prod(dims)), d(st.integers(0, 4))).astype(np.int32), dims], {}


case("UnravelIndex", _draw_unravel, gf.unravel_index,
     lambda i, dims: np.array(np.unravel_index(i, tuple(dims)), np.int32).reshape(len(dims), len(i)))


def _draw_partition(d):
    x = values(d, (d(st.integers(0, 5)), 2))
    return [x, fc._rng(d).integers(0, 3, len(x)).astype(np.int32)], {}


case("DynamicPartition", _draw_partition, lambda x, p: gf.dynamic_partition(x, p, 3),
     lambda x, p: [x[p == i] for i in range(3)])


def _draw_stitch(d):
    perm = fc._rng(d).permutation(d(st.integers(0, 5))).astype(np.int32)
    k = d(st.integers(0, len(perm)))
    return [perm[:k], perm[k:], values(d, (k, 2)), values(d, (len(perm) - k, 2))], {}


def _stitch_ref(i0, i1, d0, d1):
    out = np.zeros((len(i0) + len(i1), 2), d0.dtype)
    out[i0], out[i1] = d0, d1
    return out


case("DynamicStitch", _draw_stitch, lambda i0, i1, d0, d1: gf.dynamic_stitch([i0, i1], [d0, d1]), _stitch_ref)


def _draw_broadcast_args(d):
    shapes = d(fc.hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3))
    return [np.array(s, np.int32) for s in shapes.input_shapes], {}


case("BroadcastArgs", _draw_broadcast_args, gf.broadcast_dynamic_shape,
     lambda a, b: np.array(np.broadcast_shapes(tuple(a), tuple(b)), np.int32))
case("Bitcast", lambda d: ([values(d, shape(d), np.float32)], {}), lambda x: gf.bitcast(x, gf.int32),
     lambda x: x.view(np.int32))

def _draw_volume(d):
    x = values(d, (1, d(st.integers(1, 3)), d(st.integers(1, 3)), 2, 1))
    return [x], {"padding": d(st.sampled_from(["SAME", "VALID"]))}


def _volume_ref(x, padding):
    """Each output position's 2x2x1 window, zero-padded after the input for SAME (the padding
    before is 0 for a size-2 window with stride 1)."""
    n, p, r, c, ch = x.shape
    out_p, out_r = (p, r) if padding == "SAME" else (max(p - 1, 0), max(r - 1, 0))
    xp = np.pad(x, [(0, 0), (0, 1), (0, 1), (0, 0), (0, 0)])
    out = np.zeros((n, out_p, out_r, c, 4 * ch), x.dtype)
    for i in range(out_p):
        for j in range(out_r):
            for k in range(c):
                out[0, i, j, k] = xp[0, i:i + 2, j:j + 2, k:k + 1, :].reshape(-1)
    return out


case("ExtractVolumePatches", _draw_volume,
     lambda x, padding: gf.extract_volume_patches(x, [1, 2, 2, 1, 1], [1, 1, 1, 1, 1], padding), _volume_ref)
case("ExtractVolumePatchesGrad", lambda d: ([values(d, (1, 2, 2, 2, 4)), np.array([1, 2, 2, 2, 1], np.int32)], {}),
     lambda dy, shape: _op("ExtractVolumePatchesGrad", dy, shape, ksizes=(2, 2, 1), strides=(1, 1, 1), padding="SAME"),
     lambda dy, shape: _volume_grad_ref(dy))


def _volume_grad_ref(dy):
    out = np.zeros((1, 3, 3, 2, 1), dy.dtype)
    g = dy.reshape(1, 2, 2, 2, 2, 2, 1, 1)
    for i in range(2):
        for j in range(2):
            for k in range(2):
                out[0, i:i + 2, j:j + 2, k:k + 1, :] += g[0, i, j, k].reshape(2, 2, 1, 1)
    return out[:, :2, :2]


# ---- host calls, timestamps, queues, lookup tables ---------------------------------------------------

def _draw_floats(d):
    return [values(d, shape(d, min_dims=1, max_dims=2), float_dtype(d))], {}


def float_dtype(d):
    return d(st.sampled_from(FLOAT_DTYPES))


def _custom_double(x):
    @gf.custom_gradient
    def double(v):
        return v * 2.0, lambda dy: dy * 2.0
    return double(x)


case("CustomGradient", _draw_floats, _custom_double, lambda x: x * 2)
case("EagerPyFunc", _draw_floats, lambda x: gf.py_function(lambda a: a * 3.0, [x], x.dtype), lambda x: x * 3)
case("PyFunc", _draw_floats, lambda x: gf.numpy_function(lambda a: (a - 1).astype(a.dtype), [x], x.dtype),
     lambda x: x - 1)
case("Timestamp", _draw_floats, lambda x: gf.where(gf.timestamp() > 1e9, x, -x), lambda x: x)


def _queue_round_trip(x):
    q = gf.queue.FIFOQueue(4, x.dtype)
    put = q.enqueue(x)
    with gf.control_dependencies([put] if put is not None else []):
        size = q.size()
    with gf.control_dependencies([size]):
        out = q.dequeue()
    with gf.control_dependencies([out]):
        closed = q.close()
    with gf.control_dependencies([closed] if closed is not None else []):
        return gf.identity(out) + gf.cast(size, x.dtype) * 0


for _op_name in ("QueueEnqueue", "QueueDequeue", "QueueSize", "QueueClose"):
    case(_op_name, _draw_floats, _queue_round_trip, lambda x: x)


def _draw_keys(d):
    return [fc._rng(d).integers(0, 6, shape(d, max_dims=2)).astype(np.int64)], {}


def _table_round_trip(keys):
    table = gf.lookup.experimental.MutableHashTable(gf.int64, gf.float32, default_value=-1.0)
    put = table.insert(gf.constant([1, 2, 3], gf.int64), gf.constant([10.0, 20.0, 30.0]))
    with gf.control_dependencies([put] if put is not None else []):
        gone = table.remove(gf.constant([2], gf.int64))
    with gf.control_dependencies([o for o in (put, gone) if o is not None]):
        found = table.lookup(keys)
        size = table.size()
        exported_keys, _ = table.export()
    return found + gf.cast(size - 2, gf.float32) + gf.cast(gf.size(exported_keys) - 2, gf.float32)


def _table_ref(keys):
    return np.vectorize({1: 10.0, 3: 30.0}.get, otypes=[np.float32])(keys, -1.0) if keys.size else \
        keys.astype(np.float32)


for _op_name in ("MutableTableFind", "MutableTableInsert", "MutableTableRemove", "MutableTableSize",
                 "MutableTableExport"):
    case(_op_name, _draw_keys, _table_round_trip, _table_ref)


# ---- random ---------------------------------------------------------------------------------------------

def _draw_stateless(d):
    return [np.array([d(st.integers(0, 99)), 7], np.int64)], {"shape": list(shape(d))}


case("StatelessRandom", _draw_stateless, lambda seed, shape: gf.random.stateless_uniform(shape, seed),
     check=lambda out, seed, shape: out.shape == tuple(shape) and ((out >= 0) & (out < 1)).all())
case("RandomDistribution", lambda d: ([], {"shape": list(shape(d))}),
     lambda shape: gf.random.poisson(shape, 2.0),
     check=lambda out, shape: out.shape == tuple(shape) and (out >= 0).all())
case("RandomIndexShuffle", lambda d: ([np.arange(d(st.integers(1, 20)), dtype=np.int64)], {}),
     lambda i: gf.random_index_shuffle(i, [1, 2, 3], 19),
     check=lambda out, i: out.shape == i.shape and len(set(out.tolist())) == len(out) and (out <= 19).all())
case("RandomCandidateSampler", lambda d: ([np.array([[1, 2]], np.int64)], {"n": d(st.integers(1, 4))}),
     lambda t, n: gf.random.all_candidate_sampler(t, 2, n, True)[0],
     lambda t, n: np.arange(n, dtype=np.int64))

# ---- tf.io and tf.audio ------------------------------------------------------------------------------------

def _draw_audio(d):
    return [values(d, (d(st.integers(0, 4)), d(st.integers(1, 2))), np.float32, -1.0, 0.99)], {}


def _wav_round_trip(x):
    return gf.audio.decode_wav(gf.audio.encode_wav(x, 8000))[0]


for _op_name in ("EncodeWav", "DecodeWav"):
    case(_op_name, _draw_audio, _wav_round_trip,
         lambda x: (np.clip(np.round(x * 32768.0), -32768, 32767) / 32768.0).astype(np.float32))

fc.BY_OP.clear()
for _c in fc.CASES:
    fc.BY_OP.setdefault(_c.op, []).append(_c)
