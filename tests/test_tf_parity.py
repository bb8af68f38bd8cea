"""TensorFlow parity: replay every case TensorFlow 2.21 recorded (tests/data/tf_reference/) on
graphflow, eagerly and as a TF1 graph run by a Session, and compare values, dtypes, shapes and
error classes. The recorder is tools/tfref/record_ops.py; gradient fields belong to the autodiff
tests and are ignored here.
"""
from __future__ import annotations

import collections
import importlib.util
import json
import os

import numpy as np
import pytest

import graphflow as gf
from graphflow import errors

# TensorFlow computes log(0), 0/0, ... silently; numpy's warnings about them are noise here.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

DATA = os.path.join(os.path.dirname(__file__), "data", "tf_reference")


def _load_replay():
    """tools/tfref/replay.py: the recorder's own decoder for the case format (numpy only)."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools", "tfref", "replay.py")
    spec = importlib.util.spec_from_file_location("tfref_replay", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_replay = _load_replay()
decode_key = _replay.decode_key

# Cases where graphflow deliberately differs from TensorFlow: id -> (accepted error class, why).
DEVIATIONS = {
    "err_cast_bad_dtype": (TypeError, "TF raises UnimplementedError for a cast to string; graphflow refuses a "
                                      "cast to or from string with a TypeError when it is called"),
    "reciprocal_i32": (errors.InvalidArgumentError, "TF has no CPU kernel for integer Reciprocal and says "
                                                    "NotFoundError; graphflow rejects the dtype like Sqrt's"),
}
# Elements where TensorFlow's value is an artefact of its kernels: id -> (flat indices, why).
VALUE_DEVIATIONS = {
    "log_special_f32": ([6], "log(1e-38): a float32 denormal; TF's vectorised log returns -103.97, "
                             "graphflow the correctly rounded -87.50"),
}
# In TF1 graphs `==`/`!=` compare tensors by identity (a Python bool), not elementwise.
IDENTITY_IN_GRAPHS = ("__eq__", "__ne__")


# ops.json: tools/tfref/record_ops.py; api_ops.json: tools/tfref/record_api_ops.py (the tf/math/random/debugging
# names issue 12 added); ops_linalg_nn_image_signal.json: tools/tfref/record_linalg_nn_image_signal.py;
# ops_complex_signal.json: tools/tfref/record_complex_signal.py (complex tensors and the FFTs)
CASE_FILES = ("ops", "api_ops", "ops_linalg_nn_image_signal", "ops_complex_signal")


def _load():
    cases, arrays = [], []
    for stem in CASE_FILES:
        with open(os.path.join(DATA, stem + ".json")) as f:
            cases += json.load(f)
        arrays.append(np.load(os.path.join(DATA, stem + ".npz")))
    return cases, collections.ChainMap(*arrays)


CASES, ARRAYS = _load()


def resolve(fn):
    """The graphflow callable for a recorded API path ("math.add", "__getitem__", "__rsub__")."""
    return _replay.resolve(gf, fn)


def _dtype(name):
    try:
        return gf.as_dtype(name)
    except TypeError:
        return name          # let the op under test reject it


def decode_arg(enc, make_tensor):
    if "array" in enc:
        return make_tensor(ARRAYS[enc["array"]])
    if "list" in enc:
        return [decode_arg(e, make_tensor) for e in enc["list"]]
    if "dtype" in enc:
        return _dtype(enc["dtype"])
    return enc["value"]


def decode_kwargs(case):
    out = {}
    for k, v in case["kwargs"].items():
        if case["fn"] == "__getitem__" and k == "key":
            out[k] = decode_key(v)
        elif isinstance(v, dict) and "dtype" in v:
            out[k] = _dtype(v["dtype"])
        else:
            out[k] = v
    return out


def expected_outputs(case):
    out = case["output"]
    return [ARRAYS[k] for k in out] if isinstance(out, list) else ARRAYS[out]


def assert_same(got, want, what):
    """Values, dtype and shape: exact for ints/bools, float32-tolerant for floats."""
    got = np.asarray(got)
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != TensorFlow's {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape} != TensorFlow's {want.shape}"
    if want.dtype.kind in "fc":
        tol = {2: 2e-3, 4: 2e-5, 8: 1e-8}[want.real.dtype.itemsize]
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol, equal_nan=True, err_msg=what)
        # signs of infinities and of exact zeros produced by special cases must match too
        np.testing.assert_array_equal(np.isinf(got), np.isinf(want), err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def compare(case, result, mode):
    want = expected_outputs(case)
    if case["id"] in VALUE_DEVIATIONS:
        skip = VALUE_DEVIATIONS[case["id"]][0]
        result, want = np.delete(np.asarray(result).ravel(), skip), np.delete(want.ravel(), skip)
    if isinstance(want, list):
        assert isinstance(result, (list, tuple)), f"{mode}: expected {len(want)} outputs, got {type(result)}"
        assert len(result) == len(want), f"{mode}: expected {len(want)} outputs, got {len(result)}"
        for i, (g, w) in enumerate(zip(result, want)):
            assert_same(g, w, f"{case['id']} [{mode}] output {i}")
    else:
        assert_same(result, want, f"{case['id']} [{mode}]")


def expected_error(case):
    if case["id"] in DEVIATIONS:
        return DEVIATIONS[case["id"]][0]
    name = case["error"]
    return getattr(errors, name, None) or {"TypeError": TypeError, "ValueError": ValueError}[name]


def run_eager(case):
    fn = resolve(case["fn"])
    args = [decode_arg(a, gf.constant) for a in case["args"]]
    out = fn(*args, **decode_kwargs(case))
    if isinstance(out, (list, tuple)):
        return [o.numpy() for o in out]
    assert isinstance(out, gf.Tensor), f"expected a tensor, got {type(out)}"
    return out.numpy()


def run_graph(case, feed_floats=False, optimize=True):
    """Build the call in a fresh graph and run it with a Session.

    With `feed_floats`, float arrays become placeholders (static shape) fed at run time, so the
    kernels see run-time data rather than build-time constants.
    """
    graph = gf.Graph()
    feeds = {}

    def make(arr):
        if feed_floats and arr.dtype.kind in "fc":
            p = gf.compat.v1.placeholder(gf.as_dtype(arr.dtype), arr.shape)
            feeds[p] = arr
            return p
        return gf.constant(arr)

    with graph.as_default():
        args = [decode_arg(a, make) for a in case["args"]]
        out = resolve(case["fn"])(*args, **decode_kwargs(case))
        multi = isinstance(out, (list, tuple))
        for t in (out if multi else [out]):
            assert isinstance(t, gf.Tensor) and t.graph is graph, f"expected a graph tensor, got {t!r}"
    with gf.compat.v1.Session(graph=graph, optimize=optimize) as sess:
        values = sess.run(list(out) if multi else out, feed_dict=feeds)
    static = [t.shape for t in (out if multi else [out])]
    for s, v in zip(static, values if multi else [values]):
        assert s.is_compatible_with(np.shape(v)), f"static shape {s} does not match run-time {np.shape(v)}"
    return values


class _Slot:
    """Where the i-th array argument goes once gf.function passes it in as a tensor."""
    def __init__(self, i):
        self.i = i


def run_function(case):
    """The call traced by gf.function, with every float array argument a function input.

    Integer arrays stay constants: tile's multiples and pad's paddings are build-time attrs in
    graphflow (TF takes them as run-time tensors), so they must be known when tracing."""
    arrays = []

    def slot(arr):
        if arr.dtype.kind not in "fc":
            return gf.constant(arr)
        arrays.append(arr)
        return _Slot(len(arrays) - 1)

    args, kwargs = [decode_arg(a, slot) for a in case["args"]], decode_kwargs(case)

    def fill(v, xs):
        if isinstance(v, _Slot):
            return xs[v.i]
        return [fill(u, xs) for u in v] if isinstance(v, list) else v

    f = gf.function(lambda *xs: resolve(case["fn"])(*[fill(a, xs) for a in args], **kwargs))
    out = f(*[gf.constant(a) for a in arrays])
    return [o.numpy() for o in out] if isinstance(out, (list, tuple)) else out.numpy()


HAS_FUNCTION = hasattr(gf, "function")


def _ids(cases):
    return [c["id"] for c in cases]


VALUE_CASES = [c for c in CASES if not c["error"]]
ERROR_CASES = [c for c in CASES if c["error"]]
GRAPH_VALUE_CASES = [c for c in VALUE_CASES if c["fn"] not in IDENTITY_IN_GRAPHS]
GRAPH_ERROR_CASES = [c for c in ERROR_CASES if c["fn"] not in IDENTITY_IN_GRAPHS]


@pytest.mark.parametrize("case", VALUE_CASES, ids=_ids(VALUE_CASES))
def test_eager_matches_tensorflow(case):
    compare(case, run_eager(case), "eager")


@pytest.mark.parametrize("case", GRAPH_VALUE_CASES, ids=_ids(GRAPH_VALUE_CASES))
def test_graph_matches_tensorflow(case):
    compare(case, run_graph(case), "graph")


@pytest.mark.parametrize("case", GRAPH_VALUE_CASES, ids=_ids(GRAPH_VALUE_CASES))
def test_graph_with_fed_inputs_matches_tensorflow(case):
    compare(case, run_graph(case, feed_floats=True, optimize=False), "graph, fed, optimize=False")


@pytest.mark.skipif(not HAS_FUNCTION, reason="gf.function is not built yet")
@pytest.mark.parametrize("case", VALUE_CASES, ids=_ids(VALUE_CASES))
def test_function_matches_tensorflow(case):
    compare(case, run_function(case), "gf.function")


@pytest.mark.skipif(not HAS_FUNCTION, reason="gf.function is not built yet")
@pytest.mark.parametrize("case", ERROR_CASES, ids=_ids(ERROR_CASES))
def test_function_raises_at_trace_or_call(case):
    with pytest.raises((ValueError, TypeError, errors.OpError)):
        run_function(case)


@pytest.mark.parametrize("case", ERROR_CASES, ids=_ids(ERROR_CASES))
def test_eager_raises_tensorflows_error(case):
    want = expected_error(case)
    with pytest.raises(want):
        run_eager(case)


@pytest.mark.parametrize("case", GRAPH_ERROR_CASES, ids=_ids(GRAPH_ERROR_CASES))
def test_graph_raises_at_build_or_run(case):
    """TF1 graphs report shape/dtype errors when the op is built (ValueError/TypeError) and
    value errors (an index out of range) when it runs (an OpError such as InvalidArgumentError)."""
    with pytest.raises((ValueError, TypeError, errors.OpError)):
        run_graph(case)


@pytest.mark.parametrize("fn", IDENTITY_IN_GRAPHS)
def test_graph_tensors_compare_by_identity(fn):
    with gf.Graph().as_default():
        x, y = gf.constant([1.0, 2.0]), gf.constant([1.0, 2.0])
        op = resolve(fn)
        assert op(x, x) is (fn == "__eq__")
        assert op(x, y) is (fn == "__ne__")
        assert len({x, y, x}) == 2      # hashable, usable as dict keys


# ---- reprs ------------------------------------------------------------------------------------------

with open(os.path.join(DATA, "reprs.json")) as _f:
    REPRS = json.load(_f)["cases"]


def _repr_subject(rec):
    value = np.array(rec["value"], dtype=rec["dtype"]).reshape(rec["shape"])
    if rec["kind"] == "variable":
        return gf.Variable(value, **rec.get("kwargs", {}))
    return gf.constant(value)


@pytest.mark.parametrize("cid", sorted(REPRS))
def test_repr_and_str_match_tensorflow(cid):
    rec = REPRS[cid]
    subject = _repr_subject(rec)
    assert repr(subject) == rec["repr"]
    assert str(subject) == rec["str"]


# ---- random ops: shapes, dtypes, bounds and errors (never the random values) --------------------------

with open(os.path.join(DATA, "random.json")) as _f:
    RANDOM = json.load(_f)["cases"]


def _random_args(rec):
    args = []
    for a in rec["args"]:
        if "array" in a:
            args.append(gf.constant(np.array(a["array"]["values"], dtype=a["array"]["dtype"])))
        else:
            args.append(a["value"])
    kwargs = {k: (_dtype(v["dtype"]) if isinstance(v, dict) else v) for k, v in rec["kwargs"].items()}
    return args, kwargs


RANDOM_SUPPORTED = [r for r in RANDOM if r["fn"] != "random.categorical"]


@pytest.mark.parametrize("mode", ["eager", "graph"])
@pytest.mark.parametrize("rec", RANDOM_SUPPORTED, ids=[r["id"] for r in RANDOM_SUPPORTED])
def test_random_op_semantics_match_tensorflow(rec, mode):
    gf.random.set_seed(1234)

    def call():
        if mode == "eager":
            args, kwargs = _random_args(rec)
            return resolve(rec["fn"])(*args, **kwargs).numpy()
        graph = gf.Graph()
        with graph.as_default():
            args, kwargs = _random_args(rec)
            out = resolve(rec["fn"])(*args, **kwargs)
        with gf.compat.v1.Session(graph=graph) as sess:
            return np.asarray(sess.run(out))

    if rec["error"]:
        with pytest.raises((expected_error(rec), ValueError, TypeError, errors.OpError)
                           if mode == "graph" else expected_error(rec)):
            call()
        return
    v = call()
    assert list(v.shape) == rec["shape"]
    assert v.dtype == np.dtype(rec["dtype"])
    if "within_half_open_bounds" in rec:
        lo, hi = rec["kwargs"].get("minval", 0), rec["kwargs"].get("maxval", 1)
        assert ((v >= lo) & (v < hi)).all() == rec["within_half_open_bounds"]
    if "within_two_stddev" in rec:
        m, s = rec["kwargs"].get("mean", 0.0), rec["kwargs"].get("stddev", 1.0)
        assert (np.abs(v - m) <= 2 * s + 1e-6).all() == rec["within_two_stddev"]
    if "is_row_permutation" in rec:
        assert sorted(map(tuple, v.tolist())) == [(0., 1., 2.), (3., 4., 5.)]
