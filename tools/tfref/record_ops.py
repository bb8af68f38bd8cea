"""Record TensorFlow's real outputs as parity test data for graphflow.

Run with a Python that has TensorFlow installed (the graphflow test suite
itself never imports TensorFlow):

    /tmp/tfref/bin/python tools/tfref/record_ops.py

Writes (atomically, temp file + os.replace) into tests/data/tf_reference/:

* ops.json    -- list of op cases (format documented in tools/tfref/README.md)
* ops.npz     -- every array referenced by ops.json, keyed by string
* random.json -- shape/dtype semantics of tf.random.* (never random values)
* reprs.json  -- exact repr()/str() of eager tensors and tf.Variable

The script is deterministic: a single np.random.default_rng(0) stream feeds
all inputs and upstream gradients, oneDNN is disabled, and the npz is written
with fixed zip timestamps, so re-running yields byte-identical files.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# oneDNN can change float round-off between machines; keep the plain kernels.
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

import io  # noqa: E402
import json  # noqa: E402
import operator  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import zipfile  # noqa: E402
import zlib  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT_DIR = os.path.join(ROOT, "tests", "data", "tf_reference")

F16, F32, F64 = np.float16, np.float32, np.float64
I32, I64 = np.int32, np.int64
BOOL = np.bool_

rng = np.random.default_rng(0)


# ---------------------------------------------------------------------------
# input helpers
# ---------------------------------------------------------------------------

def rn(*shape, dtype=F32, scale=1.0):
    """Standard normal array."""
    return (rng.standard_normal(shape) * scale).astype(dtype)


def ru(lo, hi, *shape, dtype=F32):
    """Uniform array in [lo, hi)."""
    return rng.uniform(lo, hi, shape).astype(dtype)


def ri(lo, hi, *shape, dtype=I32):
    """Integer array in [lo, hi)."""
    return rng.integers(lo, hi, shape).astype(dtype)


def rb(*shape):
    """Random bool array."""
    return rng.integers(0, 2, shape).astype(BOOL)


def upstream_for(shape, dtype, index=0):
    """Upstream gradient: standard normal, seeded by (shape, dtype, output index).

    Cases whose outputs have the same shape share the same upstream array (it
    is stored once in the npz); different outputs of one op get different ones.
    """
    seed = zlib.crc32(("%s|%s|%d" % (np.dtype(dtype).name, list(shape), index)).encode())
    g = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "c":
        return (g.standard_normal(shape) + 1j * g.standard_normal(shape)).astype(dtype)
    return g.standard_normal(shape).astype(dtype)


def a(values, dtype=F32):
    return np.array(values, dtype=dtype)


class V:
    """Explicit JSON literal argument (e.g. a shape list passed positionally)."""

    def __init__(self, v):
        self.v = v


class L:
    """A python list of arguments (concat/stack/add_n/einsum operands)."""

    def __init__(self, *items):
        self.items = list(items)


class D:
    """A dtype argument, encoded as {"dtype": name}."""

    def __init__(self, name):
        self.name = name


# ---------------------------------------------------------------------------
# slice-key encoding for __getitem__
# ---------------------------------------------------------------------------

def encode_key(k):
    if isinstance(k, bool):
        raise TypeError("bool keys are not encoded")
    if isinstance(k, int):
        return k
    if isinstance(k, slice):
        return {"slice": [k.start, k.stop, k.step]}
    if k is Ellipsis:
        return {"ellipsis": True}
    if k is None:
        return {"newaxis": True}
    if isinstance(k, tuple):
        return {"tuple": [encode_key(x) for x in k]}
    raise TypeError("cannot encode key %r" % (k,))


def decode_key(k):
    if isinstance(k, int):
        return k
    if "slice" in k:
        return slice(*k["slice"])
    if "ellipsis" in k:
        return Ellipsis
    if "newaxis" in k:
        return None
    if "tuple" in k:
        return tuple(decode_key(x) for x in k["tuple"])
    raise ValueError(k)


class Key:
    """Marks the getitem key kwarg."""

    def __init__(self, k):
        self.k = k


class _Slicer:
    """IX[1:, ::-1, None] builds a getitem key from python syntax."""

    def __getitem__(self, k):
        return Key(k)


IX = _Slicer()


# ---------------------------------------------------------------------------
# operator cases: "fn" names a python operator, evaluated as the expression
# ---------------------------------------------------------------------------

BINARY_OPERATORS = {
    "__add__": operator.add,
    "__sub__": operator.sub,
    "__mul__": operator.mul,
    "__truediv__": operator.truediv,
    "__floordiv__": operator.floordiv,
    "__mod__": operator.mod,
    "__pow__": operator.pow,
    "__matmul__": operator.matmul,
    "__lt__": operator.lt,
    "__le__": operator.le,
    "__gt__": operator.gt,
    "__ge__": operator.ge,
    "__eq__": operator.eq,
    "__ne__": operator.ne,
    "__and__": operator.and_,
    "__or__": operator.or_,
    "__xor__": operator.xor,
}
# reflected: fn "__rsub__" with args [t, s] means the expression  s - t
REFLECTED_OPERATORS = {
    "__radd__": operator.add,
    "__rsub__": operator.sub,
    "__rmul__": operator.mul,
    "__rtruediv__": operator.truediv,
    "__rfloordiv__": operator.floordiv,
    "__rmod__": operator.mod,
    "__rpow__": operator.pow,
}
UNARY_OPERATORS = {
    "__neg__": operator.neg,
    "__abs__": operator.abs,
    "__invert__": operator.invert,
}


def resolve(fn):
    if fn == "__getitem__":
        return lambda x, key: x[key]
    if fn in BINARY_OPERATORS:
        return BINARY_OPERATORS[fn]
    if fn in REFLECTED_OPERATORS:
        op = REFLECTED_OPERATORS[fn]
        return lambda x, y: op(y, x)
    if fn in UNARY_OPERATORS:
        return UNARY_OPERATORS[fn]
    obj = tf
    for part in fn.split("."):
        obj = getattr(obj, part)
    return obj


# ---------------------------------------------------------------------------
# recorder
# ---------------------------------------------------------------------------

ARRAYS = {}
CASES = []
_IDS = set()
ERROR_MESSAGES = {}  # id -> message, printed for the human, not stored


_BY_CONTENT = {}  # (dtype, shape, bytes) -> key: identical arrays are stored once


def _store(key, arr):
    """Store arr under key and return the key to reference it by.

    Byte-identical arrays (same dtype and shape) are stored once; later
    references reuse the first key, so a case may point at an array whose key
    starts with another case's id (e.g. a gradient equal to its upstream).
    """
    assert key not in ARRAYS, key
    arr = np.asarray(arr)
    assert arr.dtype != object, key
    sig = (arr.dtype.str, arr.shape, arr.tobytes())
    if sig in _BY_CONTENT:
        return _BY_CONTENT[sig]
    _BY_CONTENT[sig] = key
    ARRAYS[key] = arr
    return key


def _is_float(dtype):
    """Whether gradients flow through values of `dtype` (float and complex)."""
    return tf.as_dtype(dtype).is_floating or tf.as_dtype(dtype).is_complex


def case(cid, fn, args, kwargs=None, grad=True, grad_impl=None, grad_note=None):
    """Run tf.<fn>(*args, **kwargs), record output, gradients or error.

    grad_impl: optional mathematically identical callable used (instead of
    fn) to compute the gradients, when TF's own kernel for fn has no CPU
    gradient; its forward value is checked against fn's output.
    """
    assert cid not in _IDS, "duplicate id " + cid
    assert "/" not in cid
    _IDS.add(cid)
    kwargs = dict(kwargs or {})
    func = resolve(fn)

    watched = []  # (path, tensor)

    def enc_arg(x, name, path):
        if isinstance(x, np.generic):
            x = np.asarray(x)
        if isinstance(x, np.ndarray):
            key = _store("%s/%s" % (cid, name), x)
            t = tf.constant(x, dtype=tf.as_dtype(x.dtype))
            if grad and _is_float(x.dtype):
                watched.append((path, t))
            return {"array": key}, t
        if isinstance(x, L):
            assert len(path) == 1, "nested lists are one level deep"
            encs, tfs = [], []
            for j, item in enumerate(x.items):
                e, t = enc_arg(item, "%s_%d" % (name, j), path + [j])
                encs.append(e)
                tfs.append(t)
            return {"list": encs}, tfs
        if isinstance(x, D):
            return {"dtype": x.name}, tf.as_dtype(x.name)
        if isinstance(x, V):
            x = x.v
        assert x is None or isinstance(x, (bool, int, float, str, list)), (cid, x)
        return {"value": x}, x

    enc_args, tf_args = [], []
    for i, x in enumerate(args):
        e, t = enc_arg(x, "x%d" % i, [i])
        enc_args.append(e)
        tf_args.append(t)

    enc_kwargs, tf_kwargs = {}, {}
    for k, v in kwargs.items():
        if isinstance(v, Key):
            enc_kwargs[k] = encode_key(v.k)
            tf_kwargs[k] = decode_key(enc_kwargs[k])  # replay exactly the JSON
        elif isinstance(v, D):
            enc_kwargs[k] = {"dtype": v.name}
            tf_kwargs[k] = tf.as_dtype(v.name)
        else:
            if isinstance(v, tuple):
                v = list(v)
            assert v is None or isinstance(v, (bool, int, float, str, list)), (cid, k, v)
            enc_kwargs[k] = v
            tf_kwargs[k] = v

    rec = {"id": cid, "fn": fn, "args": enc_args, "kwargs": enc_kwargs,
           "output": None, "grad_wrt": [], "upstream": None, "grads": [],
           "error": None}

    with tf.GradientTape() as tape:
        for _, t in watched:
            tape.watch(t)
        try:
            y = func(*tf_args, **tf_kwargs)
            if grad_impl is not None:
                y_fwd = y
                y = grad_impl(*tf_args, **tf_kwargs)
                np.testing.assert_allclose(y.numpy(), y_fwd.numpy(), rtol=1e-5, atol=1e-5)
                y = y_fwd if not watched else y
        except Exception as e:  # noqa: BLE001 -- we record the class name
            rec["error"] = type(e).__name__
            ERROR_MESSAGES[cid] = "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:200] if str(e) else "")
            CASES.append(rec)
            return rec

    if grad_impl is not None:
        rec["grad_note"] = grad_note
        rec["output"] = _store("%s/y" % cid, y_fwd.numpy())
    multi = isinstance(y, (list, tuple))
    ys = list(y) if multi else [y]
    for t in ys:
        assert isinstance(t, tf.Tensor), (cid, type(t))
    if multi:
        rec["output"] = [_store("%s/y%d" % (cid, i), t.numpy()) for i, t in enumerate(ys)]
    elif grad_impl is None:
        rec["output"] = _store("%s/y" % cid, ys[0].numpy())

    float_out = [_is_float(t.dtype) for t in ys]
    if grad and watched and all(float_out):
        ups = [tf.constant(upstream_for(t.shape.as_list(), t.dtype.as_numpy_dtype, i))
               for i, t in enumerate(ys)]
        sources = [t for _, t in watched]
        try:
            gs = tape.gradient(ys if multi else ys[0], sources,
                               output_gradients=ups if multi else ups[0])
        except Exception as e:  # noqa: BLE001
            rec["grad_error"] = type(e).__name__
            ERROR_MESSAGES[cid + " (grad)"] = "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:200])
            gs = None
        if gs is not None:
            if multi:
                rec["upstream"] = [_store("%s/dy%d" % (cid, i), u.numpy()) for i, u in enumerate(ups)]
            else:
                rec["upstream"] = _store("%s/dy" % cid, ups[0].numpy())
            for (path, _), g in zip(watched, gs):
                rec["grad_wrt"].append(path[0] if len(path) == 1 else path)
                if g is None:
                    rec["grads"].append(None)
                else:
                    if isinstance(g, tf.IndexedSlices):
                        rec.setdefault("indexed_slices_grads", True)
                        g = tf.convert_to_tensor(g)
                    name = "g" + "_".join(str(p) for p in path)
                    rec["grads"].append(_store("%s/%s" % (cid, name), g.numpy()))
    del tape
    CASES.append(rec)
    return rec


def has(fn):
    try:
        resolve(fn)
        return True
    except AttributeError:
        return False


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")


def record_math_binary():
    # elementwise binary ops with broadcasting / scalars / dtypes
    for name in ["add", "subtract", "multiply", "divide", "truediv",
                 "squared_difference", "maximum", "minimum"]:
        fn = "math." + name
        case(name + "_same_f32", fn, [rn(3, 4), rn(3, 4)])
        case(name + "_bcast_f32", fn, [rn(2, 3, 4), rn(4)])
        case(name + "_bcast2_f32", fn, [rn(3, 1), rn(1, 4)])
        case(name + "_bcast_size1_f32", fn, [rn(1, 3, 1), rn(2, 1, 4)])
        case(name + "_pyfloat_f32", fn, [rn(2, 3), 1.5])
        case(name + "_pyint_f32", fn, [rn(2, 3), 2])
        case(name + "_0d_f32", fn, [rn(), rn(2)])
        case(name + "_empty_f32", fn, [rn(0, 3), rn(3)])
        case(name + "_f64", fn, [rn(2, 3, dtype=F64), rn(2, 3, dtype=F64)])
        case(name + "_i32", fn, [ri(-5, 6, 2, 3), ri(1, 6, 2, 3)])
        case(name + "_i64_pyint", fn, [ri(-5, 6, 4, dtype=I64), 3])
        if has(name):
            case(name + "_top_f32", name, [rn(2, 3), rn(3)])
    # division corner cases
    for name in ["divide", "truediv"]:
        case(name + "_by_zero_f32", "math." + name,
             [a([1., -1., 0., 2.]), a([0., 0., 0., -0.])])
        case(name + "_i32_i32", "math." + name, [a([7, -7, 1, 0], I32), a([2, 2, 3, 5], I32)])
        case(name + "_i64_i64", "math." + name, [a([7, -7, 1], I64), a([2, 2, 3], I64)])
    case("divide_i32_pyint", "math.divide", [a([7, -7, 1], I32), 2])
    # maximum/minimum ties: which side gets the gradient
    for name in ["maximum", "minimum"]:
        case(name + "_ties_f32", "math." + name,
             [a([1., 2., 3., 0., -1.]), a([1., 0., 3., 0., 2.])])
        case(name + "_ties_bcast_f32", "math." + name,
             [a([[1., 2., 3.], [0., 2., 5.]]), a([2.])])
        case(name + "_nan_f32", "math." + name, [a([NAN, 1., NAN]), a([1., NAN, NAN])])
        case(name + "_i32_bcast", "math." + name, [ri(-5, 5, 3, 4), ri(-5, 5, 4)])
    # pow
    case("pow_pos_f32", "math.pow", [ru(0.5, 2.0, 3, 4), rn(3, 4)])
    case("pow_negbase_intexp_f32", "math.pow",
         [a([-2., -1.5, -1., 0., 1., 2.]), a([2., 3., 2., 2., 3., -1.])])
    case("pow_negbase_fracexp_f32", "math.pow", [a([-2., -1., 2.]), a([0.5, 1.5, 0.5])])
    case("pow_zero_cases_f32", "math.pow", [a([0., 0., 0., 0., 2.]), a([0., 1., -1., 0.5, 0.])])
    case("pow_pyint_f32", "math.pow", [rn(2, 3), 2])
    case("pow_pyfloat_f32", "math.pow", [ru(0.1, 2, 2, 3), 0.5])
    case("pow_bcast_f32", "math.pow", [ru(0.5, 2, 2, 3), a([1., 2., 3.])])
    case("pow_f64", "math.pow", [ru(0.5, 2, 4, dtype=F64), rn(4, dtype=F64)])
    case("pow_i32", "math.pow", [a([2, 3, -2, 0, 5], I32), a([3, 2, 3, 0, 1], I32)])
    case("pow_i32_negexp", "math.pow", [a([2, 3], I32), a([-1, 2], I32)])
    case("pow_top_f32", "pow", [ru(0.5, 2, 3), a([2., 3., 0.5])])
    # floordiv / mod: TF floors (python semantics), including for negative operands
    xi = a([7, -7, 7, -7, 0, 5, -1, 6], I32)
    yi = a([2, 2, -2, -2, 3, -3, 4, -4], I32)
    xf = a([7.5, -7.5, 7.5, -7.5, 0., 5., -1., 6., -0.5, 1e-8])
    yf = a([2., 2., -2., -2., 3., -3., 4., -4., 1., -1.])
    for name in ["floordiv", "mod", "floormod"]:
        fn = "math." + name
        case(name + "_i32_neg", fn, [xi, yi])
        case(name + "_i64_neg", fn, [xi.astype(I64), yi.astype(I64)])
        case(name + "_f32_neg", fn, [xf, yf])
        case(name + "_f64_neg", fn, [xf.astype(F64), yf.astype(F64)])
        case(name + "_i32_pyint", fn, [xi, -3])
        case(name + "_f32_pyfloat", fn, [rn(2, 3, scale=3), 0.7])
        case(name + "_f32_bcast", fn, [rn(2, 3, scale=3), a([1.5, -2., 0.5])])
        case(name + "_f32_by_zero", fn, [a([1., -1., 0.]), a([0., 0., 0.])])
        case(name + "_i32_by_zero", fn, [a([1, -1, 0], I32), a([0, 1, 1], I32)])


def record_math_unary():
    dom = {
        "negative": lambda *s: rn(*s), "abs": lambda *s: rn(*s), "sign": lambda *s: rn(*s),
        "exp": lambda *s: rn(*s), "log": lambda *s: ru(0.1, 3, *s),
        "log1p": lambda *s: ru(-0.9, 3, *s), "sqrt": lambda *s: ru(0.1, 4, *s),
        "rsqrt": lambda *s: ru(0.1, 4, *s), "square": lambda *s: rn(*s),
        "sin": lambda *s: rn(*s, scale=3), "cos": lambda *s: rn(*s, scale=3),
        "tanh": lambda *s: rn(*s, scale=2), "sigmoid": lambda *s: rn(*s, scale=3),
        "erf": lambda *s: rn(*s), "floor": lambda *s: rn(*s, scale=3),
        "ceil": lambda *s: rn(*s, scale=3), "round": lambda *s: rn(*s, scale=3),
        "reciprocal": lambda *s: ru(0.5, 2, *s) * np.where(rng.random(s) < 0.5, -1, 1).astype(F32),
        "softplus": lambda *s: rn(*s, scale=3), "is_nan": lambda *s: rn(*s),
        "is_finite": lambda *s: rn(*s),
    }
    for name, gen in dom.items():
        fn = "math." + name
        case(name + "_f32", fn, [gen(3, 4)])
        case(name + "_f64", fn, [gen(5).astype(F64)])
        if name in ("abs", "exp", "sigmoid", "round", "is_nan", "sqrt"):
            case(name + "_0d_f32", fn, [np.asarray(gen(1)[0])])
        case(name + "_empty_f32", fn, [gen(0, 2)])
        if has(name):
            case(name + "_top_f32", name, [gen(2, 3)])
    special = {
        "negative": a([0., -0., INF, -INF, NAN]),
        "abs": a([-2., -0., 0., 3., -INF, NAN]),
        "sign": a([-2., -0., 0., 3., INF, -INF, NAN]),
        "exp": a([-100., -1., 0., 1., 88., 89., 100., -INF, INF]),
        "log": a([0., -0., 1., -1., INF, 1e-30, 1e-38]),
        "log1p": a([-1., 0., 1e-8, -2., 1e-30, INF]),
        "sqrt": a([0., -0., 4., -1., INF, 1e-30]),
        "rsqrt": a([0., -0., 4., -1., INF]),
        "square": a([0., -3., 1e20, NAN, -INF]),
        "sin": a([0., -0., INF, 1e8]),
        "cos": a([0., INF, 1e8]),
        "tanh": a([-100., -20., -0., 0., 20., 100., INF, -INF]),
        "sigmoid": a([-100., -20., 0., 20., 100., INF, -INF, -89., 89.]),
        "erf": a([-5., -0., 0., 5., INF, -INF]),
        "floor": a([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0., 1., -1.2, 1.7, INF, NAN]),
        "ceil": a([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0., 1., -1.2, 1.7, INF, NAN]),
        "round": a([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -0., 0.49999997, -1.2, 1.7, 1e7 + 0.5, INF, NAN]),
        "reciprocal": a([0., -0., 2., -4., INF, 1e-30]),
        "softplus": a([-100., -20., -1., 0., 1., 15., 20., 30., 100., -INF, INF]),
        "is_nan": a([NAN, INF, -INF, 0., -0., 1.5, -NAN]),
        "is_finite": a([NAN, INF, -INF, 0., -0., 1.5, 3.4e38]),
    }
    for name, x in special.items():
        case(name + "_special_f32", "math." + name, [x])
    case("round_half_even_f64", "math.round", [a([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 1e15 + 0.5], F64)])
    case("softplus_special_f64", "math.softplus", [a([-800., -40., 0., 40., 800.], F64)])
    # integer variants
    for name in ["negative", "abs", "sign", "square", "round", "reciprocal", "floor"]:
        case(name + "_i32", "math." + name, [a([-3, -1, 0, 1, 2, 7], I32)])
    case("abs_i64", "math.abs", [a([-3, 0, 4], I64)])
    case("abs_i32_min", "math.abs", [a([-2147483648, -1], I32)])
    case("is_nan_i32", "math.is_nan", [a([1, 2], I32)])
    case("sqrt_i32", "math.sqrt", [a([1, 4], I32)])
    case("exp_i32", "math.exp", [a([0, 1], I32)])
    # add_n
    case("add_n_3_f32", "math.add_n", [L(rn(2, 3), rn(2, 3), rn(2, 3))])
    case("add_n_1_f32", "math.add_n", [L(rn(2, 3))])
    case("add_n_same_tensor_twice_f32", "math.add_n", [L(rn(4), rn(4))])
    case("add_n_i32", "math.add_n", [L(ri(-5, 5, 3), ri(-5, 5, 3))])
    case("add_n_f64", "math.add_n", [L(rn(2, dtype=F64), rn(2, dtype=F64))])
    case("add_n_top_f32", "add_n", [L(rn(3), rn(3), rn(3), rn(3))])
    case("add_n_no_broadcast_error", "math.add_n", [L(rn(2, 3), rn(3))])
    case("add_n_dtype_error", "math.add_n", [L(rn(3), ri(0, 3, 3))])
    # reduce_logsumexp
    x = rn(3, 4, scale=2)
    for fn in ["math.reduce_logsumexp"] + (["reduce_logsumexp"] if has("reduce_logsumexp") else []):
        pre = fn.replace(".", "_")
        case(pre + "_all", fn, [x.copy()])
        case(pre + "_axis1", fn, [x.copy()], {"axis": 1})
        case(pre + "_axisneg_keep", fn, [x.copy()], {"axis": -1, "keepdims": True})
    case("reduce_logsumexp_axis0_3d", "math.reduce_logsumexp", [rn(2, 3, 4)], {"axis": 0})
    case("reduce_logsumexp_axislist_3d", "math.reduce_logsumexp", [rn(2, 3, 4)], {"axis": [0, 2]})
    case("reduce_logsumexp_keep_none", "math.reduce_logsumexp", [rn(2, 3)], {"keepdims": True})
    case("reduce_logsumexp_large", "math.reduce_logsumexp",
         [a([[1000., 1000., 990.], [-1000., -1000., -1010.]])], {"axis": 1})
    case("reduce_logsumexp_neginf_row", "math.reduce_logsumexp",
         [a([[-INF, -INF], [0., -INF], [INF, 0.]])], {"axis": 1})
    case("reduce_logsumexp_empty", "math.reduce_logsumexp", [rn(2, 0)], {"axis": 1})
    case("reduce_logsumexp_f64", "math.reduce_logsumexp", [rn(3, 4, dtype=F64)], {"axis": 0})


def record_compare_logic():
    tie_x = rng.integers(-2, 3, (3, 4)).astype(F32)
    tie_y = rng.integers(-2, 3, (3, 4)).astype(F32)
    for name in ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]:
        for pre, fn in [("math_", "math." + name), ("", name)]:
            case(pre + name + "_ties_f32", fn, [tie_x.copy(), tie_y.copy()])
        fn = "math." + name
        case(name + "_bcast_f32", fn, [rng.integers(-2, 3, (2, 3, 1)).astype(F32),
                                       rng.integers(-2, 3, (4,)).astype(F32)])
        case(name + "_i32_pyint", fn, [ri(-3, 3, 2, 3), 0])
        case(name + "_f32_pyfloat", fn, [a([0.5, 1., 1.5]), 1.0])
        case(name + "_nan_f32", fn, [a([NAN, NAN, 1., INF, -INF]), a([NAN, 1., NAN, INF, INF])])
        case(name + "_empty_f32", fn, [rn(0, 3), rn(3)])
    case("equal_bool", "math.equal", [rb(2, 3), rb(2, 3)])
    case("equal_shape_mismatch_error", "math.equal", [rn(2, 3), rn(4)])
    case("equal_dtype_mismatch_error", "math.equal", [rn(3), ri(0, 3, 3)])
    case("less_dtype_mismatch_error", "math.less", [rn(3), ri(0, 3, 3)])
    for name in ["logical_and", "logical_or"]:
        for pre, fn in [("math_", "math." + name), ("", name)]:
            case(pre + name + "_same", fn, [rb(2, 3), rb(2, 3)])
        case(name + "_bcast", "math." + name, [rb(2, 1), rb(3)])
        case(name + "_pybool", "math." + name, [rb(4), True])
        case(name + "_int_error", "math." + name, [ri(0, 2, 3), ri(0, 2, 3)])
    case("math_logical_not", "math.logical_not", [rb(2, 3)])
    case("logical_not", "logical_not", [rb(5)])
    case("logical_not_0d", "math.logical_not", [np.asarray(True)])
    case("logical_xor", "math.logical_xor", [a([True, True, False, False], BOOL), a([True, False, True, False], BOOL)])
    # where (3-arg, v2 broadcasting semantics)
    case("where_same_f32", "where", [rb(3, 4), rn(3, 4), rn(3, 4)])
    case("where_bcast_f32", "where", [rb(3, 1), rn(1, 4), np.asarray(rn(1)[0])])
    case("where_bcast_cond_f32", "where", [rb(4), rn(3, 4), rn(3, 1)])
    case("where_pyscalar_f32", "where", [rb(2, 3), rn(2, 3), 0.0])
    case("where_pyint_with_f32", "where", [rb(2, 3), rn(2, 3), 0])
    case("where_i32", "where", [rb(2, 3), ri(-5, 5, 2, 3), ri(-5, 5, 3)])
    case("where_f64", "where", [rb(3), rn(3, dtype=F64), rn(3, dtype=F64)])
    case("where_nan_unselected_f32", "where", [a([True, False], BOOL), a([1., NAN]), a([NAN, 2.])])
    case("where_cond_int_error", "where", [ri(0, 2, 3), rn(3), rn(3)])
    case("where_dtype_mismatch_error", "where", [rb(3), rn(3), rn(3, dtype=F64)])
    case("where_shape_error", "where", [rb(2), rn(3), rn(3)])
    case("where_1arg", "where", [a([[True, False, True], [False, False, True]], BOOL)])
    case("where_1arg_float", "where", [a([[0., 1.5], [-2., 0.]])])
    # argmax / argmin
    x = rn(3, 4)
    ties = a([[1., 3., 3., 2.], [5., 5., 5., 5.], [-1., -2., -2., -1.]])
    for name in ["argmax", "argmin"]:
        for pre, fn in [("math_", "math." + name), ("", name)]:
            case(pre + name + "_default", fn, [x.copy()])
            case(pre + name + "_axis1", fn, [x.copy()], {"axis": 1})
        fn = "math." + name
        case(name + "_axisneg", fn, [rn(2, 3, 4)], {"axis": -1})
        case(name + "_axis1_3d", fn, [rn(2, 3, 4)], {"axis": 1})
        case(name + "_ties_axis1", fn, [ties.copy()], {"axis": 1})
        case(name + "_ties_axis0", fn, [ties.copy()], {"axis": 0})
        case(name + "_out_i32", fn, [rn(3, 4)], {"axis": 0, "output_type": D("int32")})
        case(name + "_out_i64", fn, [rn(3, 4)], {"axis": 1, "output_type": D("int64")})
        case(name + "_i32_input", fn, [ri(-5, 5, 3, 4)], {"axis": 1})
        case(name + "_1d", fn, [rn(6)])
        case(name + "_positional_axis", fn, [rn(3, 4), 1])
        case(name + "_f64", fn, [rn(3, 4, dtype=F64)], {"axis": 1})
        case(name + "_inf", fn, [a([[1., INF, -INF], [-INF, -INF, 0.]])], {"axis": 1})
        case(name + "_axis_out_of_range_error", fn, [rn(3, 4)], {"axis": 2})
        case(name + "_empty_axis_error", fn, [rn(0, 3)], {"axis": 0})


def record_reductions():
    x = rn(2, 3, 4)
    for name in ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod"]:
        for pre, fn in [("math_", "math." + name), ("", name)]:
            case(pre + name + "_all", fn, [x.copy()])
            case(pre + name + "_axis1", fn, [x.copy()], {"axis": 1})
        fn = name
        case(name + "_axis0", fn, [rn(2, 3, 4)], {"axis": 0})
        case(name + "_axisneg", fn, [rn(2, 3, 4)], {"axis": -1})
        case(name + "_axislist", fn, [rn(2, 3, 4)], {"axis": [0, 2]})
        case(name + "_axislist_neg", fn, [rn(2, 3, 4)], {"axis": [-1, 0]})
        case(name + "_axis_keep", fn, [rn(2, 3, 4)], {"axis": 1, "keepdims": True})
        case(name + "_axislist_keep", fn, [rn(2, 3, 4)], {"axis": [0, -1], "keepdims": True})
        case(name + "_none_keep", fn, [rn(2, 3)], {"axis": None, "keepdims": True})
        case(name + "_axis_empty_list", fn, [rn(2, 3)], {"axis": []})
        case(name + "_positional_axis", fn, [rn(2, 3), 0])
        case(name + "_1d", fn, [rn(5)])
        case(name + "_0d", fn, [np.asarray(rn(1)[0])])
        case(name + "_size1_dim", fn, [rn(1, 3)], {"axis": 0})
        case(name + "_f64", fn, [rn(3, 4, dtype=F64)], {"axis": 1})
        case(name + "_i32", fn, [ri(-4, 5, 3, 4)], {"axis": 1})
        case(name + "_i32_all", fn, [ri(-4, 5, 3, 4)])
        case(name + "_empty_axis0", fn, [rn(0, 3)], {"axis": 0})
        case(name + "_empty_all", fn, [rn(0, 3)])
        case(name + "_empty_i32_axis0", fn, [ri(0, 2, 0, 3)], {"axis": 0})
        case(name + "_axis_out_of_range_error", fn, [rn(2, 3)], {"axis": 2})
    case("reduce_mean_i32_trunc", "reduce_mean", [a([[1, 2], [-1, -2], [3, 4], [-3, -4], [1, 1]], I32)], {"axis": 1})
    case("reduce_mean_i32_trunc_all", "reduce_mean", [a([1, 2, 2, 2], I32)])
    case("reduce_mean_i64_neg", "reduce_mean", [a([-7, 0], I64)])
    ties = a([[1., 3., 3.], [2., 2., 2.], [-1., 0., -1.]])
    for name in ["reduce_max", "reduce_min"]:
        case(name + "_ties_axis1", name, [ties.copy()], {"axis": 1})
        case(name + "_ties_all", name, [ties.copy()])
        case(name + "_nan", name, [a([[1., NAN, 3.], [0., 1., 2.]])], {"axis": 1})
        case(name + "_inf", name, [a([[1., INF, -INF]])], {"axis": 1})
    case("reduce_prod_zeros", "reduce_prod", [a([[0., 2., 3.], [0., 0., 2.], [1., 2., 3.]])], {"axis": 1})
    case("reduce_prod_zeros_all", "reduce_prod", [a([0., 2., 3., -1.])])
    case("reduce_sum_bool_error", "reduce_sum", [rb(3)])
    case("reduce_sum_i64", "reduce_sum", [ri(-100, 100, 4, dtype=I64)], {"axis": 0})
    case("reduce_sum_keepdims_positional", "reduce_sum", [rn(2, 3), 1, True])
    case("reduce_mean_f16", "reduce_mean", [ru(0, 1, 8, dtype=F16)])
    b = rb(2, 3, 4)
    for name in ["reduce_any", "reduce_all"]:
        for pre, fn in [("math_", "math." + name), ("", name)]:
            case(pre + name + "_all", fn, [b.copy()])
            case(pre + name + "_axis1", fn, [b.copy()], {"axis": 1})
        case(name + "_axisneg_keep", name, [b.copy()], {"axis": -1, "keepdims": True})
        case(name + "_axislist", name, [b.copy()], {"axis": [0, 2]})
        case(name + "_empty_all", name, [np.zeros((0, 3), BOOL)])
        case(name + "_empty_axis0", name, [np.zeros((0, 3), BOOL)], {"axis": 0})
        case(name + "_f32_error", name, [rn(3)])
    case("reduce_any_all_false", "reduce_any", [np.zeros((2, 2), BOOL)])
    case("reduce_all_all_true", "reduce_all", [np.ones((2, 2), BOOL)])


def record_linalg():
    for pre, fn in [("", "matmul"), ("linalg_", "linalg.matmul")]:
        case(pre + "matmul_2d", fn, [rn(3, 4), rn(4, 5)])
        case(pre + "matmul_ta", fn, [rn(4, 3), rn(4, 5)], {"transpose_a": True})
        case(pre + "matmul_tb", fn, [rn(3, 4), rn(5, 4)], {"transpose_b": True})
        case(pre + "matmul_ta_tb", fn, [rn(4, 3), rn(5, 4)], {"transpose_a": True, "transpose_b": True})
        case(pre + "matmul_batched", fn, [rn(2, 3, 4), rn(2, 4, 5)])
    case("matmul_bcast_batch", "matmul", [rn(2, 1, 3, 4), rn(3, 4, 5)])
    case("matmul_bcast_batch2", "matmul", [rn(2, 3, 4), rn(4, 2)])
    case("matmul_bcast_batch3", "matmul", [rn(3, 4), rn(2, 4, 2)])
    case("matmul_bcast_batch_tb", "matmul", [rn(1, 2, 3, 4), rn(2, 1, 5, 4)], {"transpose_b": True})
    case("matmul_batched_ta", "matmul", [rn(2, 4, 3), rn(2, 4, 5)], {"transpose_a": True})
    case("matmul_i32", "matmul", [ri(-3, 4, 2, 3), ri(-3, 4, 3, 2)])
    case("matmul_f64", "matmul", [rn(2, 3, dtype=F64), rn(3, 2, dtype=F64)])
    case("matmul_empty_inner", "matmul", [rn(2, 0), rn(0, 3)])
    case("matmul_empty_outer", "matmul", [rn(0, 3), rn(3, 2)])
    case("matmul_1x1", "matmul", [rn(1, 1), rn(1, 1)])
    case("matmul_1d_error", "matmul", [rn(3), rn(3, 4)])
    case("matmul_inner_mismatch_error", "matmul", [rn(2, 3), rn(4, 2)])
    case("matmul_f32_f64_error", "matmul", [rn(2, 3), rn(3, 2, dtype=F64)])
    case("matmul_batch_mismatch_error", "matmul", [rn(2, 3, 4), rn(3, 4, 5)])
    # tensordot
    case("tensordot_axes1", "tensordot", [rn(2, 3, 4), rn(4, 5)], {"axes": 1})
    case("tensordot_axes2", "tensordot", [rn(2, 3, 4), rn(3, 4, 5)], {"axes": 2})
    case("tensordot_axes0_outer", "tensordot", [rn(2), rn(3)], {"axes": 0})
    case("tensordot_axes0_outer_2d", "tensordot", [rn(2, 2), rn(3)], {"axes": 0})
    case("tensordot_pairs", "tensordot", [rn(2, 3), rn(3, 2)], {"axes": [[1], [0]]})
    case("tensordot_pairs_multi", "tensordot", [rn(2, 3, 4), rn(4, 2, 5)], {"axes": [[0, 2], [1, 0]]})
    case("tensordot_pair_ints", "tensordot", [rn(3, 4), rn(5, 3)], {"axes": [0, 1]})
    case("tensordot_positional_axes", "tensordot", [rn(2, 3), rn(3, 4), 1])
    case("tensordot_vec_dot", "tensordot", [rn(5), rn(5)], {"axes": 1})
    case("tensordot_f64", "tensordot", [rn(2, 3, dtype=F64), rn(3, 2, dtype=F64)], {"axes": 1})
    case("tensordot_mismatch_error", "tensordot", [rn(2, 3), rn(4, 2)], {"axes": 1})
    # einsum
    eqs = [
        ("einsum_matmul", "ij,jk->ik", [(3, 4), (4, 5)]),
        ("einsum_bmm", "bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
        ("einsum_diag", "ii->i", [(4, 4)]),
        ("einsum_trace", "ii->", [(4, 4)]),
        ("einsum_transpose", "ij->ji", [(3, 4)]),
        ("einsum_sum_all", "ij->", [(3, 4)]),
        ("einsum_sum_axis", "ij->i", [(3, 4)]),
        ("einsum_outer", "i,j->ij", [(3,), (4,)]),
        ("einsum_dot", "i,i->", [(5,), (5,)]),
        ("einsum_rowdot", "ij,ij->i", [(3, 4), (3, 4)]),
        ("einsum_hadamard", "ij,ij->ij", [(3, 4), (3, 4)]),
        ("einsum_attention", "bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),
        ("einsum_ellipsis", "...ij,...jk->...ik", [(2, 3, 4), (2, 4, 2)]),
        ("einsum_implicit", "ij,jk", [(2, 3), (3, 2)]),
        ("einsum_three", "ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
        ("einsum_bilinear", "bi,ij,bj->b", [(3, 4), (4, 5), (3, 5)]),
        ("einsum_broadcast_ellipsis", "...j,j->...", [(2, 3, 4), (4,)]),
    ]
    for cid, eq, shapes in eqs:
        case(cid, "einsum", [eq] + [rn(*s) for s in shapes])
    case("einsum_f64", "einsum", ["ij,jk->ik", rn(2, 3, dtype=F64), rn(3, 2, dtype=F64)])
    case("einsum_i32", "einsum", ["ij,jk->ik", ri(-3, 3, 2, 3), ri(-3, 3, 3, 2)])
    case("einsum_shape_error", "einsum", ["ij,jk->ik", rn(2, 3), rn(4, 2)])
    case("linalg_einsum", "linalg.einsum", ["ij,jk->ik", rn(2, 3), rn(3, 2)])


def record_shape_ops():
    # reshape
    case("reshape_basic", "reshape", [rn(2, 3, 4), V([6, 4])])
    case("reshape_neg1", "reshape", [rn(2, 3, 4), V([4, -1])])
    case("reshape_neg1_first", "reshape", [rn(2, 3, 4), V([-1, 3, 2])])
    case("reshape_flatten", "reshape", [rn(2, 3), V([-1])])
    case("reshape_scalar", "reshape", [rn(1, 1), V([])])
    case("reshape_from_scalar", "reshape", [np.asarray(rn(1)[0]), V([1, 1, 1])])
    case("reshape_empty", "reshape", [rn(0, 3), V([-1, 3])])
    case("reshape_empty_to_0", "reshape", [rn(0, 3), V([3, 0])])
    case("reshape_tensor_shape", "reshape", [rn(2, 6), a([3, 4], I32)])
    case("reshape_i32", "reshape", [ri(0, 9, 6), V([3, 2])])
    case("reshape_shape_kw", "reshape", [rn(6)], {"shape": [2, 3]})
    case("reshape_incompatible_error", "reshape", [rn(2, 3), V([4, 2])])
    case("reshape_two_neg1_error", "reshape", [rn(2, 3), V([-1, -1])])
    case("reshape_neg1_indivisible_error", "reshape", [rn(2, 3), V([4, -1])])
    case("reshape_neg1_empty_error", "reshape", [rn(0, 3), V([0, -1])])
    # transpose
    case("transpose_default_2d", "transpose", [rn(3, 4)])
    case("transpose_default_3d", "transpose", [rn(2, 3, 4)])
    case("transpose_perm", "transpose", [rn(2, 3, 4), V([1, 0, 2])])
    case("transpose_perm_kw", "transpose", [rn(2, 3, 4)], {"perm": [2, 0, 1]})
    case("transpose_1d", "transpose", [rn(5)])
    case("transpose_i32", "transpose", [ri(0, 9, 2, 3)])
    case("transpose_perm_error", "transpose", [rn(2, 3)], {"perm": [0, 0]})
    case("transpose_perm_neg", "transpose", [rn(2, 3, 4)], {"perm": [-1, 0, 1]})
    # concat / stack / unstack / split
    case("concat_axis0", "concat", [L(rn(2, 3), rn(1, 3), rn(3, 3)), 0])
    case("concat_axis1", "concat", [L(rn(2, 3), rn(2, 1))], {"axis": 1})
    case("concat_axisneg", "concat", [L(rn(2, 3, 1), rn(2, 3, 2)), -1])
    case("concat_single", "concat", [L(rn(2, 3)), 0])
    case("concat_with_empty", "concat", [L(rn(2, 3), rn(0, 3), rn(1, 3)), 0])
    case("concat_i32", "concat", [L(ri(0, 5, 2), ri(0, 5, 3)), 0])
    case("concat_bool", "concat", [L(rb(2), rb(1)), 0])
    case("concat_shape_error", "concat", [L(rn(2, 3), rn(2, 4)), 0])
    case("concat_rank_error", "concat", [L(rn(2, 3), rn(3)), 0])
    case("concat_dtype_error", "concat", [L(rn(2), ri(0, 3, 2)), 0])
    case("concat_0d_error", "concat", [L(np.asarray(rn(1)[0]), np.asarray(rn(1)[0])), 0])
    case("stack_axis0", "stack", [L(rn(2, 3), rn(2, 3), rn(2, 3))])
    case("stack_axis1", "stack", [L(rn(2, 3), rn(2, 3))], {"axis": 1})
    case("stack_axisneg", "stack", [L(rn(2, 3), rn(2, 3))], {"axis": -1})
    case("stack_scalars", "stack", [L(np.asarray(rn(1)[0]), np.asarray(rn(1)[0]))])
    case("stack_single", "stack", [L(rn(3))])
    case("stack_i32", "stack", [L(ri(0, 4, 2), ri(0, 4, 2)), 1])
    case("stack_shape_error", "stack", [L(rn(2, 3), rn(3, 2))])
    case("unstack_axis0", "unstack", [rn(3, 2)])
    case("unstack_axis1", "unstack", [rn(2, 3, 4)], {"axis": 1})
    case("unstack_axisneg", "unstack", [rn(2, 3)], {"axis": -1})
    case("unstack_num", "unstack", [rn(2, 3)], {"num": 2})
    case("unstack_1d", "unstack", [rn(3)])
    case("unstack_i32", "unstack", [ri(0, 5, 2, 2)])
    case("unstack_size0", "unstack", [rn(0, 3)])
    case("split_int", "split", [rn(2, 6), 3], {"axis": 1})
    case("split_int_axis0", "split", [rn(4, 3), 2])
    case("split_list", "split", [rn(6, 2), V([1, 2, 3])])
    case("split_list_neg1", "split", [rn(2, 7), V([2, -1, 1])], {"axis": 1})
    case("split_negaxis", "split", [rn(2, 3, 4), 2], {"axis": -1})
    case("split_list_negaxis", "split", [rn(2, 5), V([4, 1])], {"axis": -1})
    case("split_list_with_zero", "split", [rn(4, 2), V([0, 3, 1])])
    case("split_kw", "split", [rn(4, 2)], {"num_or_size_splits": 4, "axis": 0})
    case("split_one", "split", [rn(3, 2), 1])
    case("split_i32", "split", [ri(0, 9, 6), 2])
    case("split_uneven_error", "split", [rn(2, 5), 2], {"axis": 1})
    case("split_bad_sizes_error", "split", [rn(6), V([2, 2])])
    # expand_dims / squeeze
    case("expand_dims_0", "expand_dims", [rn(2, 3), 0])
    case("expand_dims_1", "expand_dims", [rn(2, 3)], {"axis": 1})
    case("expand_dims_neg1", "expand_dims", [rn(2, 3), -1])
    case("expand_dims_neg2", "expand_dims", [rn(2, 3), -2])
    case("expand_dims_end", "expand_dims", [rn(2, 3), 2])
    case("expand_dims_scalar", "expand_dims", [np.asarray(rn(1)[0]), 0])
    case("expand_dims_i32", "expand_dims", [ri(0, 4, 3), 0])
    case("expand_dims_out_of_range_error", "expand_dims", [rn(2, 3), 4])
    case("squeeze_all", "squeeze", [rn(1, 3, 1, 2, 1)])
    case("squeeze_axis", "squeeze", [rn(1, 3, 1, 2)], {"axis": [2]})
    case("squeeze_axis_int", "squeeze", [rn(1, 3, 1, 2)], {"axis": 0})
    case("squeeze_axis_neg", "squeeze", [rn(1, 3, 1)], {"axis": -1})
    case("squeeze_axis_list", "squeeze", [rn(1, 3, 1)], {"axis": [0, -1]})
    case("squeeze_positional_axis", "squeeze", [rn(2, 1, 3), V([1])])
    case("squeeze_nothing", "squeeze", [rn(2, 3)])
    case("squeeze_to_scalar", "squeeze", [rn(1, 1)])
    case("squeeze_with_zero_dim", "squeeze", [rn(1, 0, 1)])
    case("squeeze_not1_error", "squeeze", [rn(2, 3)], {"axis": 0})
    # tile
    case("tile_2d", "tile", [rn(2, 3), V([2, 1])])
    case("tile_3d", "tile", [rn(2, 1, 3), V([1, 3, 2])])
    case("tile_zero", "tile", [rn(2, 3), V([0, 2])])
    case("tile_1d", "tile", [rn(3), V([3])])
    case("tile_i32", "tile", [ri(0, 5, 2), V([2])])
    case("tile_multiples_tensor", "tile", [rn(2, 2), a([1, 2], I32)])
    case("tile_rank_error", "tile", [rn(2, 3), V([2])])
    # pad
    case("pad_constant_default", "pad", [rn(2, 3), V([[1, 1], [2, 0]])])
    case("pad_constant_value", "pad", [rn(2, 3), V([[0, 1], [1, 2]])], {"constant_values": 1.5})
    case("pad_constant_mode", "pad", [rn(2, 3), V([[1, 0], [0, 1]])], {"mode": "CONSTANT", "constant_values": -2})
    case("pad_reflect", "pad", [rn(3, 4), V([[2, 1], [3, 2]])], {"mode": "REFLECT"})
    case("pad_symmetric", "pad", [rn(3, 4), V([[2, 3], [1, 4]])], {"mode": "SYMMETRIC"})
    case("pad_reflect_lowercase", "pad", [rn(3, 3), V([[1, 1], [0, 2]])], {"mode": "reflect"})
    case("pad_symmetric_lowercase", "pad", [rn(3), V([[3, 0]])], {"mode": "symmetric"})
    case("pad_1d", "pad", [rn(4), V([[2, 3]])])
    case("pad_3d", "pad", [rn(2, 2, 2), V([[0, 0], [1, 1], [0, 2]])])
    case("pad_zero", "pad", [rn(2, 3), V([[0, 0], [0, 0]])])
    case("pad_i32", "pad", [ri(1, 5, 2, 2), V([[1, 0], [0, 1]])], {"constant_values": 9})
    case("pad_paddings_tensor", "pad", [rn(2, 2), a([[1, 0], [0, 1]], I32)])
    case("pad_reflect_too_big_error", "pad", [rn(3, 4), V([[3, 0], [0, 0]])], {"mode": "REFLECT"})
    case("pad_symmetric_max", "pad", [rn(3, 4), V([[3, 0], [0, 4]])], {"mode": "SYMMETRIC"})
    case("pad_symmetric_too_big_error", "pad", [rn(3, 4), V([[4, 0], [0, 0]])], {"mode": "SYMMETRIC"})
    case("pad_negative_error", "pad", [rn(3), V([[-1, 0]])])
    case("pad_bad_mode_error", "pad", [rn(3), V([[1, 0]])], {"mode": "EDGE"})
    # broadcast_to
    case("broadcast_to_1d", "broadcast_to", [rn(3), V([2, 3])])
    case("broadcast_to_col", "broadcast_to", [rn(3, 1), V([3, 4])])
    case("broadcast_to_3d", "broadcast_to", [rn(1, 3, 1), V([2, 3, 4])])
    case("broadcast_to_same", "broadcast_to", [rn(2, 3), V([2, 3])])
    case("broadcast_to_scalar", "broadcast_to", [np.asarray(rn(1)[0]), V([2, 2])])
    case("broadcast_to_zero", "broadcast_to", [rn(1, 3), V([0, 3])])
    case("broadcast_to_i32", "broadcast_to", [ri(0, 5, 2), V([3, 2])])
    case("broadcast_to_error", "broadcast_to", [rn(3), V([2, 4])])
    # gather
    p = rn(5, 3)
    case("gather_axis0", "gather", [p.copy(), a([4, 0, 2], I32)])
    case("gather_repeated", "gather", [p.copy(), a([1, 1, 3, 1], I32)])
    case("gather_axis1", "gather", [rn(3, 4), a([3, 0], I32)], {"axis": 1})
    case("gather_axisneg", "gather", [rn(2, 3, 4), a([1, 1, 0], I32)], {"axis": -1})
    case("gather_2d_indices", "gather", [rn(5, 2), a([[0, 1], [4, 3], [2, 2]], I32)])
    case("gather_2d_indices_axis1", "gather", [rn(2, 5), a([[0, 1], [4, 3]], I32)], {"axis": 1})
    case("gather_scalar_index", "gather", [rn(4, 3), np.asarray(2, I32)])
    case("gather_i64_indices", "gather", [rn(4, 3), a([3, 0], I64)])
    case("gather_batch_dims0", "gather", [rn(4, 3), a([1, 2], I32)], {"axis": 0, "batch_dims": 0})
    case("gather_batch_dims1", "gather", [rn(2, 4, 3), a([[1, 2], [3, 0]], I32)], {"axis": 1, "batch_dims": 1})
    case("gather_i32_params", "gather", [ri(0, 10, 5), a([4, 0], I32)])
    case("gather_empty_indices", "gather", [rn(4, 3), np.zeros((0,), I32)])
    case("gather_negative_index_error", "gather", [rn(4, 3), a([-1], I32)])
    case("gather_oob_error", "gather", [rn(4, 3), a([4], I32)])
    case("gather_float_indices_error", "gather", [rn(4, 3), a([1.0])])
    # gather_nd
    case("gather_nd_full", "gather_nd", [rn(3, 4), a([[0, 1], [2, 3], [1, 0]], I32)])
    case("gather_nd_slices", "gather_nd", [rn(3, 4), a([[2], [0]], I32)])
    case("gather_nd_3d", "gather_nd", [rn(2, 3, 4), a([[1, 2], [0, 0]], I32)])
    case("gather_nd_batch_shape", "gather_nd", [rn(3, 4), a([[[0, 0], [1, 1]], [[2, 2], [2, 3]]], I32)])
    case("gather_nd_repeated", "gather_nd", [rn(3, 2), a([[1], [1]], I32)])
    case("gather_nd_i64", "gather_nd", [rn(3, 2), a([[2, 1]], I64)])
    case("gather_nd_batch_dims1", "gather_nd", [rn(2, 3, 4), a([[1], [2]], I32)], {"batch_dims": 1})
    case("gather_nd_oob_error", "gather_nd", [rn(3, 2), a([[3, 0]], I32)])
    # one_hot
    idx = a([0, 2, -1, 1, 5], I32)
    case("one_hot_basic", "one_hot", [idx.copy(), 4])
    case("one_hot_on_off", "one_hot", [idx.copy(), 3], {"on_value": 5.0, "off_value": -1.0})
    case("one_hot_axis0", "one_hot", [idx.copy(), 3], {"axis": 0})
    case("one_hot_axisneg", "one_hot", [a([[0, 1], [2, 0]], I32), 3], {"axis": -1})
    case("one_hot_2d_axis1", "one_hot", [a([[0, 1], [2, 0]], I32), 3], {"axis": 1})
    case("one_hot_dtype_f64", "one_hot", [a([1, 0], I32), 2], {"dtype": D("float64")})
    case("one_hot_int_onoff", "one_hot", [a([1, 0, 2], I32), 3], {"on_value": 1, "off_value": 0})
    case("one_hot_int_dtype", "one_hot", [a([1, 0, 2], I64), 3], {"dtype": D("int32")})
    case("one_hot_bool_dtype", "one_hot", [a([1, 0], I32), 2], {"dtype": D("bool")})
    case("one_hot_scalar", "one_hot", [np.asarray(1, I32), 3])
    case("one_hot_depth0", "one_hot", [a([0, 1], I32), 0])
    case("one_hot_uint8", "one_hot", [a([0, 1], np.uint8), 2])
    case("one_hot_onoff_dtype_conflict_error", "one_hot", [a([0], I32), 2],
         {"on_value": 1.0, "off_value": 0.0, "dtype": D("int32")})
    # cast
    xf = a([-2.7, -1.5, -0.5, -0.0, 0.0, 0.4, 0.5, 1.5, 2.7, 3.9])
    case("cast_f32_to_i32", "cast", [xf.copy(), D("int32")])
    case("cast_f32_to_i64", "cast", [xf.copy(), D("int64")])
    case("cast_f32_to_bool", "cast", [a([0., -0., 0.5, -2., NAN, INF]), D("bool")])
    case("cast_bool_to_f32", "cast", [a([True, False, True], BOOL), D("float32")])
    case("cast_bool_to_i32", "cast", [a([True, False], BOOL), D("int32")])
    case("cast_i32_to_f32", "cast", [a([-3, 0, 16777217], I32), D("float32")])
    case("cast_i32_to_bool", "cast", [a([-3, 0, 2], I32), D("bool")])
    case("cast_f32_to_f64", "cast", [rn(2, 3), D("float64")])
    case("cast_f64_to_f32", "cast", [a([0.1, 1e-50, 1e40], F64), D("float32")])
    case("cast_f32_to_f16", "cast", [a([0.1, 65504., 70000., 1e-8]), D("float16")])
    case("cast_f32_to_f32", "cast", [rn(3), D("float32")])
    case("cast_f32_to_u8", "cast", [a([0., 1.7, 255.]), D("uint8")])
    case("cast_i64_to_i32", "cast", [a([1, -1, 2**31 + 5], I64), D("int32")])
    case("cast_kw", "cast", [rn(3)], {"dtype": D("float64")})
    # identity / stop_gradient / shape / size / rank
    case("identity_f32", "identity", [rn(2, 3)])
    case("identity_i32", "identity", [ri(0, 4, 3)])
    case("identity_bool", "identity", [rb(3)])
    case("stop_gradient_f32", "stop_gradient", [rn(2, 3)])
    case("stop_gradient_i32", "stop_gradient", [ri(0, 4, 3)])
    case("shape_3d", "shape", [rn(2, 3, 4)])
    case("shape_scalar", "shape", [np.asarray(rn(1)[0])])
    case("shape_empty", "shape", [rn(0, 3)])
    case("shape_int64", "shape", [rn(2, 3)], {"out_type": D("int64")})
    case("size_3d", "size", [rn(2, 3, 4)])
    case("size_scalar", "size", [np.asarray(rn(1)[0])])
    case("size_empty", "size", [rn(0, 3)])
    case("size_int64", "size", [rn(2, 3)], {"out_type": D("int64")})
    case("rank_3d", "rank", [rn(2, 3, 4)])
    case("rank_scalar", "rank", [np.asarray(rn(1)[0])])
    case("rank_bool", "rank", [rb(3, 1)])
    # clip_by_value
    case("clip_scalar_bounds", "clip_by_value", [rn(3, 4, scale=2), -1.0, 1.0])
    case("clip_at_bounds", "clip_by_value", [a([-2., -1., -0.5, 0., 0.5, 1., 2.]), -1.0, 1.0])
    case("clip_tensor_bounds", "clip_by_value", [rn(2, 3, scale=2), a([-1., 0., -0.5]), a([0.5, 1., 2.])])
    case("clip_tensor_bounds_col", "clip_by_value", [rn(2, 3, scale=2), a([[-0.5], [-1.]]), np.asarray(F32(0.3))])
    case("clip_i32", "clip_by_value", [ri(-5, 6, 6), 0, 3])
    case("clip_f64", "clip_by_value", [rn(4, dtype=F64), -0.5, 0.5])
    case("clip_kw", "clip_by_value", [rn(4)], {"clip_value_min": -0.2, "clip_value_max": 0.2})
    case("clip_nan", "clip_by_value", [a([NAN, 5., -5.]), -1.0, 1.0])
    case("clip_min_gt_max", "clip_by_value", [a([-2., 0., 2.]), 1.0, -1.0])
    case("clip_i32_float_bounds_error", "clip_by_value", [ri(-5, 6, 3), 0.5, 2.5])


def record_getitem():
    x = rn(3, 4, 5)
    keys = [
        ("int", IX[1]), ("neg_int", IX[-1]), ("slice", IX[1:3]), ("slice_open", IX[2:]),
        ("slice_neg_start", IX[-2:]), ("slice_step2", IX[::2]), ("reverse", IX[::-1]),
        ("reverse_step2", IX[::-2]), ("slice_neg_step_bounds", IX[3:1:-1]),
        ("slice_neg_step_neg_bounds", IX[-1:-4:-1]),
        ("tuple_int_int", IX[1, 2]), ("tuple_all_int", IX[1, -2, 3]),
        ("tuple_colon_int", IX[:, 1]), ("ellipsis_int", IX[..., 0]),
        ("ellipsis_neg", IX[..., -1]), ("int_ellipsis", IX[0, ...]),
        ("ellipsis_middle", IX[1, ..., 2]), ("ellipsis_only", IX[...]),
        ("newaxis_front", IX[None]), ("newaxis_mid", IX[:, None, 2]),
        ("newaxis_end", IX[..., None]), ("newaxis_two", IX[None, 1, None]),
        ("mixed", IX[1:-1, ::-2, ...]), ("mixed2", IX[:, 1:4:2, -1]),
        ("mixed_neg_step", IX[:, :, -1:-7:-2]), ("out_of_range_slice_empty", IX[10:]),
        ("out_of_range_slice_clamp", IX[-100:100]), ("empty_slice", IX[2:2]),
        ("empty_slice_reverse", IX[1:3:-1]), ("step_larger_than_dim", IX[::10]),
        ("newaxis_ellipsis_newaxis", IX[None, ..., None]), ("colon_all", IX[:, :, :]),
        ("reverse_middle", IX[:, ::-1]), ("slice_stop_neg", IX[:-1]),
        ("newaxis_int_slice", IX[1, None, 1:3]),
    ]
    for name, key in keys:
        case("getitem_" + name, "__getitem__", [x.copy()], {"key": key})
    y = rn(7)
    for name, key in [("1d_int", IX[2]), ("1d_neg", IX[-7]), ("1d_rev", IX[::-1]),
                      ("1d_step3", IX[1::3]), ("1d_rev_from", IX[5::-2]), ("1d_none", IX[None, :]),
                      ("1d_stop_neg_step", IX[:-8:-1])]:
        case("getitem_" + name, "__getitem__", [y.copy()], {"key": key})
    case("getitem_i32", "__getitem__", [ri(0, 9, 3, 4)], {"key": IX[1:, ::-1]})
    case("getitem_bool_tensor", "__getitem__", [rb(3, 4)], {"key": IX[:, 1]})
    case("getitem_f64", "__getitem__", [rn(3, 4, dtype=F64)], {"key": IX[::-1, 2]})
    case("getitem_0d_ellipsis", "__getitem__", [np.asarray(rn(1)[0])], {"key": IX[...]})
    case("getitem_0d_newaxis", "__getitem__", [np.asarray(rn(1)[0])], {"key": IX[None]})
    case("getitem_oob_error", "__getitem__", [rn(4, 5)], {"key": IX[4]})
    case("getitem_oob_neg_error", "__getitem__", [rn(4, 5)], {"key": IX[-5]})
    case("getitem_too_many_error", "__getitem__", [rn(4, 5)], {"key": IX[1, 2, 3]})
    case("getitem_0d_int_error", "__getitem__", [np.asarray(rn(1)[0])], {"key": IX[0]})
    case("getitem_two_ellipsis_error", "__getitem__", [rn(4, 5)], {"key": IX[..., 1, ...]})
    case("getitem_step0_error", "__getitem__", [rn(4, 5)], {"key": IX[::0]})


def record_operators():
    x, y = rn(2, 3), rn(2, 3)
    for op in ["__add__", "__sub__", "__mul__", "__truediv__"]:
        n = op.strip("_")
        case("op_%s_tensor" % n, op, [x.copy(), y.copy()])
        case("op_%s_bcast" % n, op, [rn(2, 3), rn(3)])
        case("op_%s_pyfloat" % n, op, [rn(2, 3), 2.5])
        case("op_%s_pyint_f32" % n, op, [rn(2, 3), 2])
        case("op_%s_i32_pyint" % n, op, [ri(-5, 6, 4), 3])
        case("op_%s_i32_pyfloat" % n, op, [ri(-5, 6, 4), 2.5])
        case("op_%s_f64_pyfloat" % n, op, [rn(3, dtype=F64), 0.1])
        case("op_%s_f32_i32_error" % n, op, [rn(3), ri(1, 4, 3)])
        case("op_%s_f32_f64_error" % n, op, [rn(3), rn(3, dtype=F64)])
        case("op_%s_shape_error" % n, op, [rn(2, 3), rn(4)])
    case("op_truediv_i32_i32", "__truediv__", [a([7, -7, 3], I32), a([2, 2, 4], I32)])
    case("op_truediv_i64_pyint", "__truediv__", [a([7, -7], I64), 2])
    case("op_add_bool_error", "__add__", [rb(3), rb(3)])
    case("op_add_i64_i32_error", "__add__", [ri(0, 3, 3, dtype=I64), ri(0, 3, 3)])
    case("op_add_f16_pyfloat", "__add__", [ru(0, 1, 3, dtype=F16), 0.1])
    case("op_add_pybool", "__add__", [rn(3), True])
    xi, yi = a([7, -7, 7, -7, 5], I32), a([2, 2, -2, -2, 5], I32)
    for op in ["__floordiv__", "__mod__"]:
        n = op.strip("_")
        case("op_%s_i32" % n, op, [xi.copy(), yi.copy()])
        case("op_%s_i32_pyint" % n, op, [xi.copy(), -3])
        case("op_%s_f32" % n, op, [a([7.5, -7.5, 7.5, -7.5]), a([2., 2., -2., -2.])])
        case("op_%s_f32_pyfloat" % n, op, [rn(4, scale=3), 1.5])
        case("op_%s_f32_pyint" % n, op, [rn(4, scale=3), 2])
        case("op_%s_i32_pyfloat_error" % n, op, [xi.copy(), 1.5])
    case("op_pow_f32_pyint", "__pow__", [rn(2, 3), 2])
    case("op_pow_f32_pyfloat", "__pow__", [ru(0.1, 2, 3), 0.5])
    case("op_pow_f32_tensor", "__pow__", [ru(0.5, 2, 3), rn(3)])
    case("op_pow_i32_pyint", "__pow__", [a([2, -3, 0], I32), 3])
    case("op_pow_i32_neg_error", "__pow__", [a([2, 3], I32), -1])
    case("op_pow_i32_pyfloat_error", "__pow__", [a([2, 3], I32), 0.5])
    case("op_pow_f32_neg_pyint", "__pow__", [a([2., -2., 0.]), -1])
    case("op_matmul", "__matmul__", [rn(2, 3), rn(3, 4)])
    case("op_matmul_batched", "__matmul__", [rn(2, 2, 3), rn(2, 3, 2)])
    case("op_matmul_f32_f64_error", "__matmul__", [rn(2, 3), rn(3, 4, dtype=F64)])
    case("op_neg_f32", "__neg__", [rn(2, 3)])
    case("op_neg_i32", "__neg__", [ri(-3, 3, 4)])
    case("op_neg_bool_error", "__neg__", [rb(3)])
    case("op_abs_f32", "__abs__", [a([-1.5, 0., -0., 2.])])
    case("op_abs_i32", "__abs__", [a([-3, 0, 3], I32)])
    case("op_invert_bool", "__invert__", [rb(2, 3)])
    case("op_invert_i32", "__invert__", [a([0, 1, -1, 5], I32)])
    case("op_invert_f32_error", "__invert__", [rn(3)])
    for op in ["__lt__", "__le__", "__gt__", "__ge__"]:
        n = op.strip("_")
        case("op_%s_tensor" % n, op, [a([1., 2., 3.]), a([2., 2., 2.])])
        case("op_%s_pyfloat" % n, op, [a([1., 2., 3.]), 2.0])
        case("op_%s_i32_pyint" % n, op, [a([1, 2, 3], I32), 2])
    case("op_lt_bcast", "__lt__", [rn(2, 3), rn(3)])
    case("op_lt_f32_i32_error", "__lt__", [rn(3), ri(0, 3, 3)])
    case("op_lt_i32_pyfloat_error", "__lt__", [ri(0, 3, 3), 1.5])
    # __eq__/__ne__ are elementwise in TF2 eager; shape mismatch does not raise
    case("op_eq_tensor", "__eq__", [a([1., 2., 3.]), a([1., 0., 3.])])
    case("op_eq_pyfloat", "__eq__", [a([1., 2., 3.]), 2.0])
    case("op_eq_bcast", "__eq__", [a([[1., 2.], [2., 1.]]), a([1., 2.])])
    case("op_eq_shape_mismatch", "__eq__", [rn(2, 3), rn(4)])
    case("op_ne_tensor", "__ne__", [a([1, 2, 3], I32), a([1, 0, 3], I32)])
    case("op_ne_shape_mismatch", "__ne__", [rn(2, 3), rn(4)])
    case("op_eq_f32_i32", "__eq__", [a([1., 2.]), a([1, 2], I32)])
    # bitwise/logical operators
    b1, b2 = rb(2, 3), rb(2, 3)
    case("op_and_bool", "__and__", [b1.copy(), b2.copy()])
    case("op_and_bool_bcast", "__and__", [rb(2, 3), rb(3)])
    case("op_and_bool_pybool", "__and__", [rb(4), True])
    case("op_and_i32", "__and__", [a([12, 10, -1], I32), a([10, 6, 7], I32)])
    case("op_and_i32_pyint", "__and__", [a([12, 10, -1], I32), 6])
    case("op_and_f32_error", "__and__", [rn(3), rn(3)])
    case("op_or_bool", "__or__", [b1.copy(), b2.copy()])
    case("op_xor_bool", "__xor__", [b1.copy(), b2.copy()])
    # reflected with a python scalar on the left: s OP t
    for op in ["__radd__", "__rsub__", "__rmul__", "__rtruediv__"]:
        n = op.strip("_")
        case("op_%s_pyfloat" % n, op, [rn(2, 3), 2.5])
        case("op_%s_pyint_i32" % n, op, [a([1, 2, -4], I32), 3])
    case("op_rfloordiv_pyint_i32", "__rfloordiv__", [a([2, -2, 3], I32), 7])
    case("op_rmod_pyint_i32", "__rmod__", [a([2, -2, 3], I32), 7])
    case("op_rpow_pyfloat", "__rpow__", [rn(4), 2.0])
    case("op_rpow_pyint_f32", "__rpow__", [rn(4), 2])


def record_nn():
    xs = a([-2., -0.5, -0., 0., 0.5, 3., 6., 7.])
    for name in ["relu", "relu6", "elu", "sigmoid", "tanh", "softplus"]:
        fn = "nn." + name
        case("nn_%s_f32" % name, fn, [rn(3, 4, scale=4)])
        case("nn_%s_special" % name, fn, [xs.copy()])
        case("nn_%s_f64" % name, fn, [rn(5, dtype=F64, scale=4)])
    case("nn_relu_i32", "nn.relu", [a([-2, 0, 3], I32)])
    case("nn_relu6_i32", "nn.relu6", [a([-2, 0, 3, 9], I32)])
    case("nn_relu_empty", "nn.relu", [rn(0, 2)])
    case("nn_relu_nan", "nn.relu", [a([NAN, -INF, INF])])
    case("nn_leaky_relu_default", "nn.leaky_relu", [xs.copy()])
    case("nn_leaky_relu_alpha", "nn.leaky_relu", [rn(3, 4)], {"alpha": 0.1})
    case("nn_leaky_relu_alpha_pos", "nn.leaky_relu", [xs.copy(), 0.3])
    case("nn_leaky_relu_alpha_gt1", "nn.leaky_relu", [xs.copy()], {"alpha": 2.0})
    case("nn_leaky_relu_f64", "nn.leaky_relu", [rn(4, dtype=F64)], {"alpha": 0.01})
    case("nn_leaky_relu_i32", "nn.leaky_relu", [a([-3, 0, 4], I32)])
    case("nn_elu_large", "nn.elu", [a([-100., -20., 20., 100.])])
    for approx in [False, True]:
        s = "approx" if approx else "exact"
        case("nn_gelu_%s" % s, "nn.gelu", [rn(3, 4, scale=2)], {"approximate": approx})
        case("nn_gelu_%s_special" % s, "nn.gelu", [a([-10., -3., -1., -0., 0., 1., 3., 10.])], {"approximate": approx})
        case("nn_gelu_%s_f64" % s, "nn.gelu", [rn(5, dtype=F64)], {"approximate": approx})
    case("nn_gelu_default", "nn.gelu", [rn(5)])
    # softmax / log_softmax
    for name in ["softmax", "log_softmax"]:
        fn = "nn." + name
        case("nn_%s_default" % name, fn, [rn(3, 4, scale=2)])
        case("nn_%s_axis0" % name, fn, [rn(3, 4)], {"axis": 0})
        case("nn_%s_axis1_3d" % name, fn, [rn(2, 3, 4)], {"axis": 1})
        case("nn_%s_axisneg2" % name, fn, [rn(2, 3, 4)], {"axis": -2})
        case("nn_%s_1d" % name, fn, [rn(5)])
        case("nn_%s_large" % name, fn, [a([[1000., 1001., 1002.], [-1000., 0., 1000.]])])
        case("nn_%s_size1" % name, fn, [rn(3, 1)])
        case("nn_%s_f64" % name, fn, [rn(2, 3, dtype=F64)])
        case("nn_%s_neginf" % name, fn, [a([[-INF, 0., 1.], [-INF, -INF, 0.]])])
        case("nn_%s_positional_axis" % name, fn, [rn(3, 2), 0])
        case("nn_%s_empty" % name, fn, [rn(0, 3)])
        case("nn_%s_i32_error" % name, fn, [a([1, 2], I32)])
        case("nn_%s_axis_error" % name, fn, [rn(2, 3)], {"axis": 2})
    if has("math.softmax"):
        case("math_softmax", "math.softmax", [rn(2, 3)])
    # cross entropies
    case("sparse_xent_basic", "nn.sparse_softmax_cross_entropy_with_logits",
         [a([0, 3, 1], I32), rn(3, 4, scale=2)])
    case("sparse_xent_i64", "nn.sparse_softmax_cross_entropy_with_logits",
         [a([2, 0], I64), rn(2, 3)])
    case("sparse_xent_3d", "nn.sparse_softmax_cross_entropy_with_logits",
         [ri(0, 5, 2, 3), rn(2, 3, 5)])
    case("sparse_xent_large", "nn.sparse_softmax_cross_entropy_with_logits",
         [a([0, 1], I32), a([[1000., -1000.], [1000., -1000.]])])
    case("sparse_xent_f64", "nn.sparse_softmax_cross_entropy_with_logits",
         [a([1, 0], I32), rn(2, 3, dtype=F64)])
    case("sparse_xent_oob_error", "nn.sparse_softmax_cross_entropy_with_logits",
         [a([0, 5], I32), rn(2, 3)])
    case("sparse_xent_neg_label_error", "nn.sparse_softmax_cross_entropy_with_logits",
         [a([-1, 0], I32), rn(2, 3)])
    case("sparse_xent_shape_error", "nn.sparse_softmax_cross_entropy_with_logits",
         [a([0, 1, 2], I32), rn(2, 3)])
    case("sparse_xent_float_labels_error", "nn.sparse_softmax_cross_entropy_with_logits",
         [a([0., 1.]), rn(2, 3)])

    def probs(*shape):
        p = rng.random(shape).astype(F32) + 0.1
        return (p / p.sum(-1, keepdims=True)).astype(F32)

    case("softmax_xent_basic", "nn.softmax_cross_entropy_with_logits", [probs(3, 4), rn(3, 4, scale=2)])
    case("softmax_xent_onehot", "nn.softmax_cross_entropy_with_logits",
         [a([[0., 1., 0.], [1., 0., 0.]]), rn(2, 3)])
    case("softmax_xent_axis0", "nn.softmax_cross_entropy_with_logits",
         [probs(4, 3).T.copy(), rn(3, 4)], {"axis": 0})
    case("softmax_xent_3d", "nn.softmax_cross_entropy_with_logits", [probs(2, 2, 3), rn(2, 2, 3)])
    case("softmax_xent_1d", "nn.softmax_cross_entropy_with_logits", [probs(4), rn(4)])
    case("softmax_xent_large", "nn.softmax_cross_entropy_with_logits",
         [a([[0.5, 0.5], [1., 0.]]), a([[1000., -1000.], [-1000., 1000.]])])
    case("softmax_xent_unnormalized_labels", "nn.softmax_cross_entropy_with_logits",
         [a([[2., 1., 0.], [-1., 0., 1.]]), rn(2, 3)])
    case("softmax_xent_f64", "nn.softmax_cross_entropy_with_logits",
         [probs(2, 3).astype(F64), rn(2, 3, dtype=F64)])
    case("softmax_xent_shape_error", "nn.softmax_cross_entropy_with_logits", [probs(2, 3), rn(2, 4)])
    case("softmax_xent_kw", "nn.softmax_cross_entropy_with_logits", [probs(2, 3), rn(2, 3)], {"axis": -1})
    case("sigmoid_xent_basic", "nn.sigmoid_cross_entropy_with_logits",
         [rng.random((3, 4)).astype(F32), rn(3, 4, scale=3)])
    case("sigmoid_xent_binary", "nn.sigmoid_cross_entropy_with_logits",
         [rb(2, 3).astype(F32), rn(2, 3)])
    case("sigmoid_xent_large", "nn.sigmoid_cross_entropy_with_logits",
         [a([0., 1., 0., 1., 0.5]), a([100., 100., -100., -100., 0.])])
    case("sigmoid_xent_f64", "nn.sigmoid_cross_entropy_with_logits",
         [rng.random(3).astype(F64), rn(3, dtype=F64)])
    case("sigmoid_xent_shape_error", "nn.sigmoid_cross_entropy_with_logits", [rn(2, 3), rn(3, 2)])
    # bias_add
    case("bias_add_2d", "nn.bias_add", [rn(3, 4), rn(4)])
    case("bias_add_4d", "nn.bias_add", [rn(2, 3, 3, 4), rn(4)])
    case("bias_add_nhwc", "nn.bias_add", [rn(2, 2, 3), rn(3)], {"data_format": "NHWC"})
    case("bias_add_nchw", "nn.bias_add", [rn(2, 3, 2, 2), rn(3)], {"data_format": "NCHW"})
    case("bias_add_f64", "nn.bias_add", [rn(2, 3, dtype=F64), rn(3, dtype=F64)])
    case("bias_add_i32", "nn.bias_add", [ri(0, 5, 2, 3), ri(0, 5, 3)])
    case("bias_add_shape_error", "nn.bias_add", [rn(3, 4), rn(3)])
    case("bias_add_bias_rank_error", "nn.bias_add", [rn(3, 4), rn(1, 4)])
    case("bias_add_1d_error", "nn.bias_add", [rn(4), rn(4)])
    # conv2d (NHWC, filters HWIO)
    conv = [
        ("valid_s1", (1, 5, 5, 2), (3, 3, 2, 3), dict(strides=1, padding="VALID")),
        ("same_s1", (2, 5, 5, 2), (3, 3, 2, 3), dict(strides=1, padding="SAME")),
        ("same_s2_odd", (1, 5, 5, 1), (3, 3, 1, 2), dict(strides=2, padding="SAME")),
        ("same_s2_even", (1, 6, 6, 2), (3, 3, 2, 2), dict(strides=2, padding="SAME")),
        ("same_s2_k2_asym", (1, 5, 4, 1), (2, 2, 1, 1), dict(strides=2, padding="SAME")),
        ("same_s1_k2_asym", (1, 4, 4, 2), (2, 2, 2, 1), dict(strides=1, padding="SAME")),
        ("same_s1_k4_asym", (1, 5, 5, 1), (4, 4, 1, 1), dict(strides=1, padding="SAME")),
        ("valid_s2", (2, 7, 7, 2), (3, 3, 2, 2), dict(strides=2, padding="VALID")),
        ("valid_s2_rect", (1, 7, 6, 1), (3, 2, 1, 2), dict(strides=[2, 3], padding="VALID")),
        ("same_s3", (1, 7, 7, 1), (3, 3, 1, 1), dict(strides=3, padding="SAME")),
        ("same_strides4", (1, 6, 6, 2), (3, 3, 2, 2), dict(strides=[1, 2, 2, 1], padding="SAME")),
        ("valid_dil2", (1, 7, 7, 1), (3, 3, 1, 2), dict(strides=1, padding="VALID", dilations=2)),
        ("same_dil2", (1, 6, 6, 2), (3, 3, 2, 1), dict(strides=1, padding="SAME", dilations=2)),
        ("same_dil_list", (1, 6, 7, 1), (2, 3, 1, 1), dict(strides=1, padding="SAME", dilations=[1, 2, 2, 1])),
        ("1x1", (2, 3, 3, 4), (1, 1, 4, 2), dict(strides=1, padding="VALID")),
        ("kernel_eq_input", (1, 3, 3, 2), (3, 3, 2, 2), dict(strides=1, padding="VALID")),
        ("same_kernel_gt_input", (1, 2, 2, 1), (3, 3, 1, 1), dict(strides=1, padding="SAME")),
        ("explicit_padding", (1, 4, 4, 1), (3, 3, 1, 2), dict(strides=1, padding=[[0, 0], [1, 2], [0, 1], [0, 0]])),
        ("same_s2_large_kernel", (1, 8, 8, 1), (5, 5, 1, 1), dict(strides=2, padding="SAME")),
    ]
    def conv_via_convolution(x, w, strides, padding, dilations=None):
        if isinstance(dilations, list) and len(dilations) == 4:
            dilations = dilations[1:3]
        return tf.nn.convolution(x, w, strides=strides, padding=padding, dilations=dilations)

    for name, xs_, ws_, kw in conv:
        extra = {}
        if "dilations" in kw:
            # Conv2DBackpropInput on CPU rejects dilations > 1; tf.nn.convolution
            # computes the same function (space_to_batch) and is differentiable.
            extra = dict(grad_impl=conv_via_convolution,
                         grad_note="forward from nn.conv2d; gradients of the same function "
                                   "computed via tf.nn.convolution (TF's Conv2D CPU backprop "
                                   "kernel rejects dilations > 1)")
        case("conv2d_" + name, "nn.conv2d", [rn(*xs_), rn(*ws_)], kw, **extra)
    case("conv2d_f64", "nn.conv2d", [rn(1, 4, 4, 1, dtype=F64), rn(2, 2, 1, 1, dtype=F64)],
         {"strides": 1, "padding": "SAME"})
    # no error: TF returns an empty (1, 0, 0, 1) output. Gradients not recorded:
    # TF's CPU filter-gradient kernel returns uninitialised memory for this shape.
    case("conv2d_valid_kernel_too_big_empty", "nn.conv2d", [rn(1, 2, 2, 1), rn(3, 3, 1, 1)],
         {"strides": 1, "padding": "VALID"}, grad=False)
    case("conv2d_channel_mismatch_error", "nn.conv2d", [rn(1, 4, 4, 2), rn(3, 3, 3, 1)],
         {"strides": 1, "padding": "SAME"})
    case("conv2d_bad_padding_error", "nn.conv2d", [rn(1, 4, 4, 1), rn(3, 3, 1, 1)],
         {"strides": 1, "padding": "FULL"})
    case("conv2d_rank3_error", "nn.conv2d", [rn(4, 4, 1), rn(3, 3, 1, 1)],
         {"strides": 1, "padding": "SAME"})
    # pooling
    pools = [
        ("k2_s2_valid", (1, 4, 4, 2), dict(ksize=2, strides=2, padding="VALID")),
        ("k2_s2_same_odd", (1, 5, 5, 1), dict(ksize=2, strides=2, padding="SAME")),
        ("k3_s2_same", (2, 5, 5, 2), dict(ksize=3, strides=2, padding="SAME")),
        ("k3_s1_same", (1, 4, 4, 1), dict(ksize=3, strides=1, padding="SAME")),
        ("k3_s2_valid", (1, 7, 7, 1), dict(ksize=3, strides=2, padding="VALID")),
        ("k3_s3_same", (1, 7, 5, 1), dict(ksize=3, strides=3, padding="SAME")),
        ("klist2", (1, 6, 6, 1), dict(ksize=[3, 2], strides=[2, 1], padding="VALID")),
        ("klist4", (1, 6, 6, 2), dict(ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")),
        ("klist1", (1, 4, 4, 1), dict(ksize=[2], strides=[2], padding="VALID")),
        ("global", (2, 3, 3, 2), dict(ksize=3, strides=1, padding="VALID")),
        ("k1", (1, 3, 3, 1), dict(ksize=1, strides=1, padding="SAME")),
        ("k4_s1_same_even", (1, 5, 5, 1), dict(ksize=4, strides=1, padding="SAME")),
    ]
    for name, xs_, kw in pools:
        x = rn(*xs_)
        case("max_pool2d_" + name, "nn.max_pool2d", [x.copy()], kw)
        case("avg_pool2d_" + name, "nn.avg_pool2d", [x.copy()], kw)
    ties = np.array([[1., 1., 0., 2.], [1., 0., 2., 2.], [3., 3., 3., 3.], [3., 3., 3., 3.]], F32).reshape(1, 4, 4, 1)
    case("max_pool2d_ties", "nn.max_pool2d", [ties.copy()], dict(ksize=2, strides=2, padding="VALID"))
    case("max_pool2d_ties_overlap", "nn.max_pool2d", [ties.copy()], dict(ksize=2, strides=1, padding="VALID"))
    case("max_pool2d_negative_same", "nn.max_pool2d", [-ru(1, 2, 1, 3, 3, 1)], dict(ksize=2, strides=2, padding="SAME"))
    case("avg_pool2d_ones_same", "nn.avg_pool2d", [np.ones((1, 3, 3, 1), F32)], dict(ksize=2, strides=2, padding="SAME"))
    case("avg_pool2d_ones_same_k3", "nn.avg_pool2d", [np.ones((1, 4, 4, 1), F32)], dict(ksize=3, strides=1, padding="SAME"))
    case("max_pool2d_f64", "nn.max_pool2d", [rn(1, 4, 4, 1, dtype=F64)], dict(ksize=2, strides=2, padding="VALID"))
    case("avg_pool2d_f64", "nn.avg_pool2d", [rn(1, 4, 4, 1, dtype=F64)], dict(ksize=2, strides=2, padding="SAME"))
    # no error, empty output; TF's pool-gradient kernels return uninitialised memory here
    case("max_pool2d_kernel_too_big_empty", "nn.max_pool2d", [rn(1, 2, 2, 1)], dict(ksize=3, strides=1, padding="VALID"), grad=False)
    case("avg_pool2d_kernel_too_big_empty", "nn.avg_pool2d", [rn(1, 2, 2, 1)], dict(ksize=3, strides=1, padding="VALID"), grad=False)
    case("max_pool2d_kernel_too_big_same", "nn.max_pool2d", [rn(1, 2, 2, 1)], dict(ksize=3, strides=1, padding="SAME"))
    case("max_pool2d_rank3_error", "nn.max_pool2d", [rn(4, 4, 1)], dict(ksize=2, strides=2, padding="VALID"))
    case("max_pool2d_i32", "nn.max_pool2d", [ri(0, 9, 1, 4, 4, 1)], dict(ksize=2, strides=2, padding="VALID"))
    # l2_loss
    case("l2_loss_2d", "nn.l2_loss", [rn(3, 4)])
    case("l2_loss_scalar", "nn.l2_loss", [np.asarray(rn(1)[0])])
    case("l2_loss_empty", "nn.l2_loss", [rn(0)])
    case("l2_loss_f64", "nn.l2_loss", [rn(5, dtype=F64)])
    case("l2_loss_i32_error", "nn.l2_loss", [a([1, 2], I32)])
    # moments
    case("moments_axis0", "nn.moments", [rn(4, 3)], {"axes": [0]})
    case("moments_axis1", "nn.moments", [rn(4, 3)], {"axes": [1]})
    case("moments_4d_nhw", "nn.moments", [rn(2, 3, 3, 2)], {"axes": [0, 1, 2]})
    case("moments_keepdims", "nn.moments", [rn(2, 3, 4)], {"axes": [0, 2], "keepdims": True})
    case("moments_neg_axis", "nn.moments", [rn(2, 3)], {"axes": [-1]})
    case("moments_all", "nn.moments", [rn(2, 3)], {"axes": [0, 1]})
    case("moments_positional_axes", "nn.moments", [rn(3, 2), V([0])])
    case("moments_constant", "nn.moments", [np.full((4, 2), 3.3, F32)], {"axes": [0]})
    case("moments_large_offset", "nn.moments", [(rn(8) + 1000.0).astype(F32)], {"axes": [0]})
    case("moments_f64", "nn.moments", [rn(3, 2, dtype=F64)], {"axes": [0]})
    case("moments_f16", "nn.moments", [ru(0, 1, 6, dtype=F16)], {"axes": [0]})
    case("moments_int_axes", "nn.moments", [rn(3, 2)], {"axes": 0})


def record_errors():
    case("err_add_shape", "math.add", [rn(2, 3), rn(4)])
    case("err_add_shape_3d", "math.add", [rn(2, 3, 4), rn(3, 3)])
    case("err_add_dtype_f32_i32", "math.add", [rn(3), ri(0, 3, 3)])
    case("err_add_dtype_f32_f64", "math.add", [rn(3), rn(3, dtype=F64)])
    case("err_add_i32_pyfloat", "math.add", [ri(0, 3, 3), 1.5])
    case("err_multiply_shape", "math.multiply", [rn(3, 2), rn(3)])
    case("err_matmul_f32_f64", "matmul", [rn(2, 3), rn(3, 2, dtype=F64)])
    case("err_matmul_inner", "matmul", [rn(2, 3), rn(2, 3)])
    case("err_reshape", "reshape", [rn(2, 3), V([5])])
    case("err_reshape_big", "reshape", [rn(2, 3), V([2, 4])])
    case("err_log_int", "math.log", [a([1, 2], I32)])
    case("err_sigmoid_int", "math.sigmoid", [a([1, 2], I32)])
    case("err_concat_axis", "concat", [L(rn(2, 3), rn(2, 3)), 2])
    case("err_stack_dtype", "stack", [L(rn(2), ri(0, 2, 2))])
    case("err_transpose_rank", "transpose", [rn(2, 3), V([1, 0, 2])])
    case("err_tile_neg", "tile", [rn(2), V([-1])])
    case("err_broadcast_to_rank", "broadcast_to", [rn(2, 3), V([3])])
    case("err_gather_nd_rank", "gather_nd", [rn(2), a([[0, 0]], I32)])
    case("err_one_hot_float_indices", "one_hot", [a([0., 1.]), 2])
    case("err_cast_bad_dtype", "cast", [rn(2), D("string")])
    case("err_reduce_sum_axis_dup", "reduce_sum", [rn(2, 3)], {"axis": [0, 0]})
    case("err_reduce_sum_axis_float", "reduce_sum", [rn(2, 3)], {"axis": 0.5})
    case("err_where_cond_shape", "where", [rb(4), rn(3, 2), rn(3, 2)])
    case("err_logical_and_float", "math.logical_and", [rn(2), rn(2)])


# ---------------------------------------------------------------------------
# random.json: shape/dtype semantics only
# ---------------------------------------------------------------------------

def record_random():
    tf.random.set_seed(1234)
    specs = [
        ("normal_shape", "random.normal", [[2, 3]], {}),
        ("normal_tuple_shape", "random.normal", [], {"shape": [4]}),
        ("normal_scalar", "random.normal", [[]], {}),
        ("normal_zero_dim", "random.normal", [[0, 3]], {}),
        ("normal_f64", "random.normal", [[2, 2]], {"dtype": {"dtype": "float64"}}),
        ("normal_f16", "random.normal", [[2]], {"dtype": {"dtype": "float16"}}),
        ("normal_mean_std", "random.normal", [[3]], {"mean": 5.0, "stddev": 0.1}),
        ("normal_int_error", "random.normal", [[2]], {"dtype": {"dtype": "int32"}}),
        ("uniform_default", "random.uniform", [[2, 3]], {}),
        ("uniform_minmax", "random.uniform", [[50]], {"minval": -2.0, "maxval": -1.0}),
        ("uniform_f64", "random.uniform", [[3]], {"dtype": {"dtype": "float64"}}),
        ("uniform_int32", "random.uniform", [[100]], {"minval": 0, "maxval": 5, "dtype": {"dtype": "int32"}}),
        ("uniform_int32_neg", "random.uniform", [[100]], {"minval": -3, "maxval": 2, "dtype": {"dtype": "int32"}}),
        ("uniform_int64", "random.uniform", [[100]], {"minval": 0, "maxval": 3, "dtype": {"dtype": "int64"}}),
        ("uniform_int_no_maxval_error", "random.uniform", [[3]], {"dtype": {"dtype": "int32"}}),
        ("uniform_int_maxval_only", "random.uniform", [[100]], {"maxval": 4, "dtype": {"dtype": "int32"}}),
        ("uniform_float_maxval_only", "random.uniform", [[100]], {"maxval": 4.0}),
        ("uniform_int_empty_range_error", "random.uniform", [[3]], {"minval": 2, "maxval": 2, "dtype": {"dtype": "int32"}}),
        ("uniform_scalar", "random.uniform", [[]], {}),
        ("uniform_bool_error", "random.uniform", [[2]], {"dtype": {"dtype": "bool"}}),
        ("truncated_normal_shape", "random.truncated_normal", [[4, 5]], {}),
        ("truncated_normal_mean_std", "random.truncated_normal", [[200]], {"mean": 1.0, "stddev": 0.5}),
        ("truncated_normal_f64", "random.truncated_normal", [[2]], {"dtype": {"dtype": "float64"}}),
        ("shuffle", "random.shuffle", ["__arange_2x3__"], {}),
        ("categorical", "random.categorical", ["__logits_2x3__", 5], {}),
        ("categorical_i32", "random.categorical", ["__logits_2x3__", 4], {"dtype": {"dtype": "int32"}}),
    ]
    out = []
    for cid, fn, args, kwargs in specs:
        tf_args = []
        enc_args = []
        for x in args:
            if x == "__arange_2x3__":
                tf_args.append(tf.reshape(tf.range(6, dtype=tf.float32), [2, 3]))
                enc_args.append({"array": {"values": [[0., 1., 2.], [3., 4., 5.]], "dtype": "float32"}})
            elif x == "__logits_2x3__":
                tf_args.append(tf.constant([[0., 1., 2.], [2., 1., 0.]]))
                enc_args.append({"array": {"values": [[0., 1., 2.], [2., 1., 0.]], "dtype": "float32"}})
            else:
                tf_args.append(x)
                enc_args.append({"value": x})
        tf_kwargs = {k: (tf.as_dtype(v["dtype"]) if isinstance(v, dict) else v) for k, v in kwargs.items()}
        rec = {"id": cid, "fn": fn, "args": enc_args, "kwargs": kwargs,
               "shape": None, "dtype": None, "error": None}
        try:
            y = resolve(fn)(*tf_args, **tf_kwargs)
        except Exception as e:  # noqa: BLE001
            rec["error"] = type(e).__name__
            ERROR_MESSAGES["random:" + cid] = "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:200])
            out.append(rec)
            continue
        v = y.numpy()
        rec["shape"] = list(v.shape)
        rec["dtype"] = y.dtype.name
        # deterministic, non-random facts about the sample
        if fn == "random.uniform" and v.size:
            lo = kwargs.get("minval", 0)
            hi = kwargs.get("maxval", 1)
            rec["within_half_open_bounds"] = bool((v >= lo).all() and (v < hi).all())
        if fn == "random.truncated_normal" and v.size:
            m, s = kwargs.get("mean", 0.0), kwargs.get("stddev", 1.0)
            rec["within_two_stddev"] = bool((np.abs(v - m) <= 2 * s).all())
        if fn == "random.shuffle":
            rec["is_row_permutation"] = sorted(map(tuple, v.tolist())) == [(0., 1., 2.), (3., 4., 5.)]
        out.append(rec)
    return out


# ---------------------------------------------------------------------------
# reprs.json
# ---------------------------------------------------------------------------

def record_reprs():
    specs = [
        ("f32_scalar", 1.0, "float32"),
        ("f32_scalar_0p1", 0.1, "float32"),
        ("f32_scalar_1em8", 1e-8, "float32"),
        ("f32_scalar_pi", 3.14159265, "float32"),
        ("f32_scalar_neg", -2.5, "float32"),
        ("f32_scalar_big", 123456789.0, "float32"),
        ("f32_scalar_nan", float("nan"), "float32"),
        ("f32_scalar_inf", float("-inf"), "float32"),
        ("f64_scalar_0p1", 0.1, "float64"),
        ("f16_scalar", 0.1, "float16"),
        ("i32_scalar", 7, "int32"),
        ("i32_scalar_neg", -3, "int32"),
        ("i64_scalar", 7, "int64"),
        ("bool_scalar_true", True, "bool"),
        ("bool_scalar_false", False, "bool"),
        ("f32_1d", [1.0, 2.0, 3.0], "float32"),
        ("f32_1d_frac", [0.1, 0.25, -1.5], "float32"),
        ("f32_1d_mixed_mag", [1e-8, 1.0, 100.0], "float32"),
        ("f32_1d_big", [1e10, 1.0], "float32"),
        ("f32_1d_nan_inf", [float("nan"), float("inf"), -1.0], "float32"),
        ("i32_1d", [1, -2, 3], "int32"),
        ("i64_1d", [1, 2, 3], "int64"),
        ("bool_1d", [True, False, True], "bool"),
        ("f32_2d", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "float32"),
        ("f32_2d_frac", [[0.1, -0.2], [3.5, 4.0]], "float32"),
        ("i32_2d", [[1, 2], [3, 4]], "int32"),
        ("bool_2d", [[True, False], [False, True]], "bool"),
        ("f32_3d", [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]], "float32"),
        ("f64_1d", [0.1, 0.2], "float64"),
        ("f32_large_1d", [float(i) for i in range(2000)], "float32"),
        ("i32_large_1d", list(range(1001)), "int32"),
        ("i32_1000_1d", list(range(1000)), "int32"),
        ("f32_large_2d", [[float(i * 40 + j) for j in range(40)] for i in range(40)], "float32"),
        ("f32_long_row", [float(i) / 7 for i in range(20)], "float32"),
        ("f32_empty", [], "float32"),
        ("i32_empty", [], "int32"),
    ]
    out = {}
    for cid, val, dt in specs:
        t = tf.constant(np.array(val, dtype=dt))
        out[cid] = {"kind": "tensor", "value": val, "dtype": dt, "shape": list(t.shape),
                    "repr": repr(t), "str": str(t)}
    t = tf.zeros((2, 0), tf.float32)
    out["f32_empty_2x0"] = {"kind": "tensor", "value": [[], []], "dtype": "float32", "shape": [2, 0],
                            "repr": repr(t), "str": str(t)}
    vspecs = [
        ("var_f32_1d", [1.0, 2.0], "float32", {}),
        ("var_f32_scalar", 3.0, "float32", {}),
        ("var_i32_scalar", 3, "int32", {}),
        ("var_f32_2d", [[1.0, 2.0], [3.0, 4.5]], "float32", {}),
        ("var_named", [0.5], "float32", {"name": "w"}),
        ("var_not_trainable", [1.0], "float32", {"trainable": False}),
        ("var_bool", [True, False], "bool", {}),
    ]
    for cid, val, dt, kw in vspecs:
        v = tf.Variable(np.array(val, dtype=dt), **kw)
        out[cid] = {"kind": "variable", "value": val, "dtype": dt, "shape": list(v.shape),
                    "kwargs": kw, "name": v.name, "repr": repr(v), "str": str(v)}
    return out


# ---------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------

def _atomic_write_bytes(path, data):
    d = os.path.dirname(path)
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp_", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _json_bytes(obj, allow_nan=False):
    return (json.dumps(obj, indent=1, allow_nan=allow_nan, ensure_ascii=False) + "\n").encode("utf-8")


def _npz_bytes(arrays):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for key in sorted(arrays):
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            # level 9; the attribute is private before Python 3.13
            setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", 9)
            with zf.open(info, "w") as f:
                np.lib.format.write_array(f, np.asarray(arrays[key]), allow_pickle=False)
    return buf.getvalue()


def write_cases(out: str, verbose: bool = True) -> None:
    """The recorded CASES and ARRAYS as `out`.json and `out`.npz (atomically), and a summary line
    (with every distinct error message when `verbose`): what each section recorder ends with."""
    _atomic_write_bytes(out + ".json", _json_bytes(CASES, allow_nan=True))
    _atomic_write_bytes(out + ".npz", _npz_bytes(ARRAYS))
    n_err = sum(1 for c in CASES if c["error"])
    print("cases: %d (%d errors), arrays: %d" % (len(CASES), n_err, len(ARRAYS)))
    if verbose:
        for k, m in ERROR_MESSAGES.items():
            print("  %s -> %s" % (k, m))


def main():
    # NB: do not call tf.config.experimental.enable_op_determinism(): it swaps
    # some fused kernels for composite ops (e.g. softmax_cross_entropy_with_logits,
    # sparse_softmax_cross_entropy_with_logits), changing gradients and errors
    # away from what users of default TF get. CPU kernels used here are
    # deterministic anyway (checked by re-running and diffing the files).
    record_math_binary()
    record_math_unary()
    record_compare_logic()
    record_reductions()
    record_linalg()
    record_shape_ops()
    record_getitem()
    record_operators()
    record_nn()
    record_errors()
    random_cases = record_random()
    reprs = record_reprs()

    meta = {"tensorflow": tf.__version__, "numpy": np.__version__}
    _atomic_write_bytes(os.path.join(OUT_DIR, "ops.json"), _json_bytes(CASES))
    _atomic_write_bytes(os.path.join(OUT_DIR, "ops.npz"), _npz_bytes(ARRAYS))
    _atomic_write_bytes(os.path.join(OUT_DIR, "random.json"),
                        _json_bytes({"meta": meta, "cases": random_cases}))
    # reprs contain NaN/inf in "value" fields: python's json reads/writes NaN/Infinity.
    _atomic_write_bytes(os.path.join(OUT_DIR, "reprs.json"),
                        _json_bytes({"meta": meta, "cases": reprs}, allow_nan=True))

    n_err = sum(1 for c in CASES if c["error"])
    print("cases: %d (%d errors), arrays: %d" % (len(CASES), n_err, len(ARRAYS)))
    if "-v" in sys.argv:
        for k, m in ERROR_MESSAGES.items():
            print("  %s -> %s" % (k, m))


if __name__ == "__main__":
    main()
