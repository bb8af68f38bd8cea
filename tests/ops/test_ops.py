"""Every registered op, in every execution mode, against an independent numpy reference.

Cases live in tests/ops/forward_cases.py (one or more per op). For inputs drawn by hypothesis
(broadcasting, size-0 and size-1 dims, negative axes), each case is run eagerly, as a TF1 graph
with the reference interpreter (`Session(optimize=False)`), with the default Session pipeline and,
when it exists, through `gf.function`; all must equal the numpy reference. Every op of every built
graph is also checked against its own inference: the kernel's output dtype and shape must be what
`infer` promised.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphflow as gf
import graphflow.ops.api  # noqa: F401  (declares the forward ops)
from graphflow.ops.registry import REGISTRY

from . import forward_cases as fc

try:                                     # the autodiff engineer's gradient cases, when present
    from . import op_cases as _grad_cases
except ImportError:                      # pragma: no cover - depends on another file landing
    _grad_cases = None
try:                                     # importing autodiff declares the gradient-only ops too
    import graphflow.autodiff  # noqa: F401
except ImportError:                      # pragma: no cover
    pass

HAS_FUNCTION = hasattr(gf, "function")
MODES = ["eager", "graph_reference", "graph"] + (["function"] if HAS_FUNCTION else [])
SEED = 20240611
# Cases that create variables or print cannot be retraced freely by gf.function.
NOT_IN_FUNCTION = {"AssignVariableOp", "AssignAddVariableOp", "AssignSubVariableOp", "ReadVariableOp",
                   "VarIsInitializedOp", "PrintV2", "ResourceScatter", "ResourceScatterNd"}

SETTINGS = settings(max_examples=8, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def _grad_case_table() -> dict:
    table = getattr(_grad_cases, "OP_CASES", None)
    return table if isinstance(table, dict) else {}


def _grad_case_ops():
    return set(_grad_case_table())


def test_every_registered_op_has_a_forward_case():
    covered = set(fc.BY_OP) | _grad_case_ops()
    missing = sorted(set(REGISTRY) - covered)
    assert not missing, f"ops with no test case in tests/ops/forward_cases.py: {missing}"


def _array(value):
    """A fetched value as an array; text (bytes scalars as TF returns them, or numpy's fixed-width
    bytes arrays from a reference) as an object array of bytes, as string tensors hold it."""
    if isinstance(value, bytes):
        return np.array(value, dtype=object)
    value = np.asarray(value)
    return value.astype(object) if value.dtype.kind == "S" else value


def _leaves(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def run_eager(case, arrays, attrs):
    gf.random.set_seed(SEED)
    out = case.build(*[gf.constant(a) for a in arrays], **attrs)
    return [_array(t.numpy()) for t in _leaves(out)]


def build_graph(case, arrays, attrs):
    """A fresh graph where every input array is a placeholder of its exact shape, and the feeds."""
    gf.random.set_seed(SEED)
    graph = gf.Graph()
    with graph.as_default():
        holders = [gf.compat.v1.placeholder(gf.as_dtype(a.dtype), a.shape) for a in arrays]
        out = _leaves(case.build(*holders, **attrs))
    return graph, out, dict(zip(holders, arrays))


def run_graph_checking_inference(case, arrays, attrs):
    """Run with the reference interpreter, fetching every tensor of the graph, and check that each
    kernel produced the dtype and shape its op's inference declared."""
    graph, out, feeds = build_graph(case, arrays, attrs)
    assert case.op in {op.type for op in graph.get_operations()}, f"the case for {case.op} never builds it"
    everything = [t for op in graph.get_operations() for t in op.outputs]
    with gf.compat.v1.Session(graph=graph, optimize=False) as sess:
        values = sess.run(out + everything, feed_dict=feeds)
    for t, v in zip(everything, values[len(out):]):
        v = _array(v)
        fetched_as_bytes = t.dtype.name == "string" and v.dtype.kind == "S"    # string scalars fetch as bytes
        assert v.dtype == t.dtype.np or fetched_as_bytes, \
            f"{t.op.type} ({t.name}): kernel gave {v.dtype}, infer said {t.dtype.name}"
        assert t.shape.is_compatible_with(v.shape), \
            f"{t.op.type} ({t.name}): kernel gave shape {v.shape}, infer said {t.shape}"
    return [_array(v) for v in values[:len(out)]]


def run_graph(case, arrays, attrs):
    graph, out, feeds = build_graph(case, arrays, attrs)
    with gf.compat.v1.Session(graph=graph) as sess:
        return [_array(v) for v in sess.run(out, feed_dict=feeds)]


def run_function(case, arrays, attrs):
    gf.random.set_seed(SEED)
    f = gf.function(lambda *xs: case.build(*xs, **attrs))
    return [_array(t.numpy()) for t in _leaves(f(*[gf.constant(a) for a in arrays]))]


RUNNERS = {"eager": run_eager, "graph_reference": run_graph_checking_inference, "graph": run_graph,
           "function": run_function}


def assert_close(got, want, rtol, what):
    got, want = _array(got), _array(want)
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype}, expected {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape}, expected {want.shape}"
    if want.dtype.kind in "fc":
        tol = max(rtol, 1e-3) if want.dtype == np.float16 else rtol
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


# Ops in NOT_IN_FUNCTION create variables or print: they are covered eagerly and in graphs, and
# gf.function's own tests cover variables and prints inside functions.
MODE_CASES = [pytest.param(case, mode, id=f"{case.name}-{mode}")
              for case in fc.CASES for mode in MODES
              if not (mode == "function" and case.op in NOT_IN_FUNCTION)]


def _check_case(case, mode, data):
    arrays, attrs = case.draw(data.draw)
    got = RUNNERS[mode](case, arrays, attrs)
    if case.reference is None:
        assert len(got) == 1 and case.check(got[0], *arrays, **attrs), f"{case.op} [{mode}]: property failed"
        return
    want = _leaves(case.reference(*arrays, **attrs))
    assert len(got) == len(want), f"{case.op} [{mode}]: {len(got)} outputs, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        assert_close(g, w, case.rtol, f"{case.op} [{mode}] output {i} with attrs {attrs}")


# One test function per mode: Hypothesis lengthens a settings chain each time one decorated test runs,
# and a single function over all ~1400 cases exceeded Python's recursion limit.
def _mode_test(mode):
    @pytest.mark.parametrize("case", [p.values[0] for p in MODE_CASES if p.values[1] == mode],
                             ids=lambda c: f"{c.name}-{mode}")
    @SETTINGS
    @given(data=st.data())
    def test(case, data):
        _check_case(case, mode, data)
    return test


test_op_matches_numpy_reference_eager = _mode_test("eager")
test_op_matches_numpy_reference_graph_reference = _mode_test("graph_reference")
test_op_matches_numpy_reference_graph = _mode_test("graph")
if HAS_FUNCTION:
    test_op_matches_numpy_reference_function = _mode_test("function")


@pytest.mark.parametrize("case", [c for c in fc.CASES if c.reference is None], ids=lambda c: c.name)
@SETTINGS
@given(data=st.data())
def test_random_ops_give_the_same_numbers_eagerly_and_in_graphs_under_one_seed(case, data):
    arrays, attrs = case.draw(data.draw)
    eager = run_eager(case, arrays, attrs)
    for runner in (run_graph_checking_inference, run_graph):
        for g, e in zip(runner(case, arrays, attrs), eager):
            np.testing.assert_array_equal(g, e)


def test_print_writes_the_same_text_eagerly_and_in_a_graph():
    case = fc.BY_OP["PrintV2"][0]
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    buf_eager, redirect = fc.captured_stdout()
    with redirect:
        run_eager(case, [x], {})
    buf_graph, redirect = fc.captured_stdout()
    with redirect:
        run_graph(case, [x], {})
    assert buf_eager.getvalue() == buf_graph.getvalue() != ""


# ---- the gradient engineer's sample inputs (tests/ops/op_cases.py): the modes must agree on them too ----

GRAD_SAMPLES = [(op, c) for op, cs in sorted(_grad_case_table().items()) for c in cs if op in REGISTRY]


@pytest.mark.parametrize("op,sample", GRAD_SAMPLES, ids=[f"{op}-{c.desc}" for op, c in GRAD_SAMPLES])
def test_op_cases_run_identically_eagerly_and_in_graphs(op, sample):
    """The op applied directly (inputs as constants, attrs as given): eager == interpreter == default
    Session, and each kernel output has the dtype and shape inference declared."""
    from graphflow.ops.dispatch import apply
    from graphflow.ops.registry import get
    opdef = get(op)
    attrs = {k: gf.as_dtype(v) if k in ("dtype", "out_type", "output_type") and isinstance(v, str) else v
             for k, v in sample.attrs.items()}
    gf.random.set_seed(SEED)
    eager = _leaves(apply(opdef, tuple(gf.constant(a) for a in sample.inputs), dict(attrs)))
    graph = gf.Graph()
    with graph.as_default():
        gf.random.set_seed(SEED)
        out = _leaves(apply(opdef, tuple(gf.constant(a) for a in sample.inputs), dict(attrs)))
    for optimize in (False, True):
        with gf.compat.v1.Session(graph=graph, optimize=optimize) as sess:
            values = sess.run(out)
        for t, v, e in zip(out, values, eager):
            v = _array(v)
            assert v.dtype == t.dtype.np and t.shape.is_compatible_with(v.shape), f"{op}: kernel vs infer"
            assert_close(v, np.asarray(e.numpy()), 1e-6, f"{op} ({sample.desc}) graph vs eager")
