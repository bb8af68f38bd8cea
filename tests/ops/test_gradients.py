"""Every differentiable op's gradient against central finite differences, in eager and graph mode.

Driven by the registry: an op that is differentiable must declare a gradient and have sample
inputs in tests/ops/op_cases.py, or `test_every_differentiable_op_*` fails. Each case is checked
through GradientTape (eager), through gf.gradients in a TF1 graph run by the reference
interpreter and by the default Session pipeline, and with every float input fed through a
placeholder of unknown shape (the dynamic-shape gradient path). The scalar being differentiated is
sum(w * output) for fixed random cotangents w, which also exercises output_gradients / grad_ys.
Composite API functions are compared at their kinks with TensorFlow's recorded gradients.
"""
from __future__ import annotations

import json
import os
import zlib

import numpy as np
import pytest

import graphflow as gf
from graphflow.ops import dispatch
from graphflow.ops.registry import REGISTRY, SOURCE

from .op_cases import API_CASES, COMPOSITE_CASES, OP_CASES

EPS = 1e-6
RTOL, ATOL = 1e-5, 1e-6
TF_DATA = os.path.join(os.path.dirname(__file__), "..", "data", "tf_gradients.npz")

# Gradients that need static shapes by design (documented in docs/autodiff.md).
NEEDS_STATIC_SHAPES = {
    "Einsum": "indices summed inside one operand are broadcast back with a static reshape",
    "Unpack": "the forward op needs the unpacked dimension",
    "Split": "the forward op needs the split dimension",
    "SplitV": "the forward op needs the number of pieces",
    "Qr": "the deep and wide formulas differ: the matrix's rows and columns decide which applies",
    "Svd": "the formula depends on the rows and columns (and slices the factors by them)",
    "MatrixExponential": "the block matrix [[A^T, G], [0, A^T]] is sliced back at the matrix size",
    "MatrixSquareRoot": "the Sylvester equation is solved as one n^2 x n^2 system",
    "IsotonicRegression": "rows are flattened into one segment sum of known size",
    "MaxPoolWithArgmax": "the argmax offsets of each image need the image size",
}


def _differentiable_ops():
    """Ops whose inputs can receive gradients (source ops have no inputs)."""
    return sorted(n for n, op in REGISTRY.items() if op.differentiable and op.kind != SOURCE)


def test_every_differentiable_op_declares_a_gradient():
    missing = [n for n in _differentiable_ops() if REGISTRY[n].grad is None]
    assert not missing, f"differentiable ops without a gradient: {missing}"


def test_every_differentiable_op_has_a_gradient_case():
    missing = [n for n in _differentiable_ops() if not OP_CASES.get(n) and not API_CASES.get(n)]
    assert not missing, f"differentiable ops without a case in tests/ops/op_cases.py: {missing}"


def _cases():
    return [pytest.param(name, i, id=f"{name}-{case.desc}")
            for name in _differentiable_ops() for i, case in enumerate(OP_CASES.get(name, ()))]


def _api_cases():
    return [pytest.param(name, i, id=f"{name}-{case.desc}")
            for name in sorted(API_CASES) for i, case in enumerate(API_CASES[name])]


# ---- the check ----------------------------------------------------------------------------------------

def _attrs(attrs):
    return {k: gf.as_dtype(v) if k == "dtype" else v for k, v in attrs.items()}


def _outputs(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _setup(name, index):
    case = OP_CASES[name][index]
    opdef = REGISTRY[name]
    attrs = _attrs(case.attrs)
    inputs = [np.asarray(a) for a in case.inputs]
    floats = [i for i, a in enumerate(inputs) if a.dtype.kind == "f"]
    wrt = list(case.wrt) if case.wrt is not None else floats
    outs = _outputs(opdef.kernel(*inputs, **attrs))
    rng = np.random.RandomState(zlib.crc32(f"{name}/{index}".encode()))
    n_diff = len(outs) if opdef.differentiable_outputs is None else opdef.differentiable_outputs
    cotangents = [rng.uniform(-1, 1, np.shape(o)) if np.asarray(o).dtype.kind == "f" and k < n_diff else None
                  for k, o in enumerate(outs)]     # reserve outputs (a recurrent op's saved gates): none
    return opdef, attrs, inputs, wrt, cotangents


def _numeric(opdef, attrs, inputs, wrt, cotangents):
    """d/dx sum(w * op(x)) by central differences, for each input in `wrt`."""
    def loss(arrays):
        outs = _outputs(opdef.kernel(*arrays, **attrs))
        return sum(float(np.sum(w * o)) for w, o in zip(cotangents, outs) if w is not None)

    grads = []
    for i in wrt:
        g = np.zeros(inputs[i].shape)
        for j in np.ndindex(*inputs[i].shape):
            arrays = [a.copy() for a in inputs]
            arrays[i][j] += EPS
            up = loss(arrays)
            arrays[i][j] -= 2 * EPS
            g[j] = (up - loss(arrays)) / (2 * EPS)
        grads.append(g)
    return grads


def _compare(name, got, expected, mode):
    for i, (g, e) in enumerate(zip(got, expected)):
        g = np.zeros_like(e) if g is None else np.asarray(g)
        assert g.shape == e.shape, f"{name} [{mode}] input {i}: gradient shape {g.shape}, expected {e.shape}"
        np.testing.assert_allclose(g, e, rtol=RTOL, atol=ATOL, err_msg=f"{name} [{mode}] input {i}")


_numeric_cache = {}


def _expected(name, index):
    if (name, index) not in _numeric_cache:
        _numeric_cache[(name, index)] = _numeric(*_setup(name, index))
    return _numeric_cache[(name, index)]


@pytest.mark.parametrize("name,index", _cases())
def test_gradient_eager(name, index):
    opdef, attrs, inputs, wrt, cotangents = _setup(name, index)
    xs = [gf.constant(a) for a in inputs]
    with gf.GradientTape() as tape:
        tape.watch([xs[i] for i in wrt])
        outs = _outputs(dispatch.apply(opdef, tuple(xs), attrs))
    targets = [o for o, w in zip(outs, cotangents) if w is not None]
    seeds = [gf.constant(w) for w in cotangents if w is not None]
    got = tape.gradient(targets, [xs[i] for i in wrt], output_gradients=seeds)
    _compare(name, [None if g is None else g.numpy() for g in got], _expected(name, index), "eager")


def _graph_gradients(name, index, optimize, dynamic):
    opdef, attrs, inputs, wrt, cotangents = _setup(name, index)
    graph = gf.Graph()
    with graph.as_default():
        xs, feeds = [], {}
        for i, a in enumerate(inputs):
            if i in wrt:
                shape = [None] * a.ndim if dynamic else a.shape
                p = gf.compat.v1.placeholder(gf.as_dtype(a.dtype.name), shape)
                feeds[p] = a
                xs.append(p)
            else:
                xs.append(gf.constant(a))
        outs = _outputs(dispatch.apply(opdef, tuple(xs), attrs))
        targets = [o for o, w in zip(outs, cotangents) if w is not None]
        seeds = [gf.constant(w) for w in cotangents if w is not None]
        grads = gf.gradients(targets, [xs[i] for i in wrt], grad_ys=seeds)
        fetch = [g for g in grads if g is not None]
        with gf.compat.v1.Session(graph=graph, optimize=optimize) as sess:
            values = iter(sess.run(fetch, feeds))
    return [None if g is None else next(values) for g in grads]


@pytest.mark.parametrize("name,index", _cases())
@pytest.mark.parametrize("optimize", [False, True], ids=["reference", "pipeline"])
def test_gradient_graph(name, index, optimize):
    got = _graph_gradients(name, index, optimize, dynamic=False)
    _compare(name, got, _expected(name, index), "graph" if optimize else "graph, reference")


# Ops listed in NEEDS_STATIC_SHAPES cannot be built from unknown shapes at all (the reason is
# recorded there), so they are not parametrised here rather than skipped.
@pytest.mark.parametrize("name,index", [c for c in _cases() if c.values[0] not in NEEDS_STATIC_SHAPES])
def test_gradient_graph_unknown_shapes(name, index):
    got = _graph_gradients(name, index, optimize=False, dynamic=True)
    _compare(name, got, _expected(name, index), "graph, unknown shapes")


# ---- ops built through the public API (cond, while_loop, function calls) --------------------------------

def _api_numeric(fn, inputs, w):
    """Central differences of sum(w * fn(x)), running fn eagerly on float64 values."""
    def loss(arrays):
        with gf.eager_mode():
            return float(np.sum(w * fn(gf, *[gf.constant(a) for a in arrays]).numpy()))
    grads = []
    for i, a in enumerate(inputs):
        g = np.zeros(a.shape)
        for j in np.ndindex(*a.shape):
            arrays = [b.copy() for b in inputs]
            arrays[i][j] += EPS
            up = loss(arrays)
            arrays[i][j] -= 2 * EPS
            g[j] = (up - loss(arrays)) / (2 * EPS)
        grads.append(g)
    return grads


def _api_setup(name, index):
    fn, inputs, _ = API_CASES[name][index]
    inputs = [np.asarray(a, np.float64) for a in inputs]
    with gf.eager_mode():
        shape = fn(gf, *[gf.constant(a) for a in inputs]).shape.as_list()
    w = np.random.RandomState(zlib.crc32(f"{name}/{index}".encode())).uniform(-1, 1, shape)
    return fn, inputs, w


@pytest.mark.parametrize("name,index", _api_cases())
def test_api_built_op_gradient_eager(name, index):
    fn, inputs, w = _api_setup(name, index)
    with gf.eager_mode():
        xs = [gf.constant(a) for a in inputs]
        with gf.GradientTape() as tape:
            tape.watch(xs)
            y = fn(gf, *xs)
        got = [None if g is None else g.numpy() for g in tape.gradient(y, xs, output_gradients=gf.constant(w))]
    _compare(name, got, _api_numeric(fn, inputs, w), "eager")


@pytest.mark.parametrize("name,index", _api_cases())
@pytest.mark.parametrize("optimize", [False, True], ids=["reference", "pipeline"])
def test_api_built_op_gradient_graph(name, index, optimize):
    fn, inputs, w = _api_setup(name, index)
    graph = gf.Graph()
    with graph.as_default():
        xs = [gf.compat.v1.placeholder(gf.float64, a.shape) for a in inputs]
        y = fn(gf, *xs)
        grads = gf.gradients(y, xs, grad_ys=gf.constant(w))
        init = gf.compat.v1.global_variables_initializer()
    if name != "PartitionedCall":
        assert name in {op.type for op in graph.operations}, f"the case did not build a {name} op"
    with gf.compat.v1.Session(graph=graph, optimize=optimize) as sess:
        sess.run(init)
        got = sess.run(grads, dict(zip(xs, inputs)))
    _compare(name, got, _api_numeric(fn, inputs, w), "graph")


# ---- composite functions against TensorFlow -----------------------------------------------------

def _tf_reference():
    if not os.path.exists(TF_DATA):
        return {}, {}
    data = np.load(TF_DATA)
    index = json.loads(str(data["index"]))
    return index, data


_TF_INDEX, _TF_ARRAYS = _tf_reference()


def _composite_grads(name):
    fn, inputs, _ = COMPOSITE_CASES[name]
    xs = [gf.constant(np.asarray(a, np.float64)) for a in inputs]
    with gf.GradientTape() as tape:
        tape.watch(xs)
        y = fn(gf, *xs)
    return [None if g is None else g.numpy() for g in tape.gradient(y, xs)], y.numpy()


def test_every_composite_case_has_tensorflow_data():
    assert _TF_INDEX, "tests/data/tf_gradients.npz is missing: run tools/tfref/record_gradients.py"
    assert sorted(_TF_INDEX) == sorted(COMPOSITE_CASES)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # sqrt and log at 0 are part of the cases
@pytest.mark.parametrize("name", sorted(COMPOSITE_CASES))
def test_composite_gradient_matches_tensorflow(name):
    if name not in _TF_INDEX:
        pytest.skip("no TensorFlow data recorded for this case")
    got, value = _composite_grads(name)
    np.testing.assert_allclose(value, _TF_ARRAYS[f"{name}/value"], rtol=1e-6, atol=1e-9, err_msg=f"{name} value")
    for i, g in enumerate(got):
        key = f"{name}/grad{i}"
        expected = _TF_ARRAYS[key] if key in _TF_ARRAYS else None
        if expected is None:
            assert g is None, f"{name}: TensorFlow gives no gradient for input {i}, graphflow gives {g}"
        else:
            assert g is not None, f"{name}: graphflow gives no gradient for input {i}"
            np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-9, err_msg=f"{name} input {i}")
