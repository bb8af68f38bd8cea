"""Every elementwise op and every reduction runs compiled and matches its reference kernel.

The tests iterate over the op registry, so an op declared with a scalar expression is covered
without new test code. One graph per dtype holds every op (sibling fusion turns it into a few
kernels, which keeps compile time down); ops whose expression uses no approximated function
must match bit for bit.
"""
import numpy as np
import pytest

import graphflow as gf
from graphflow.kernels import codegen
from graphflow.ops.registry import ELEMENTWISE, REGISTRY

from .compiled import kernel_count, op_types, run_both

DTYPES = ["float32", "float64", "int32", "int8", "uint8", "bool"]


def _inputs(dtype, rng):
    if dtype == "bool":
        return rng.random((2, 3)) > 0.5, rng.random(3) > 0.5
    if dtype.startswith("float"):
        x = rng.standard_normal((2, 3)) * 2
        y = rng.standard_normal(3) * 2 + 0.1
        return x.astype(dtype), y.astype(dtype)
    lo = 0 if dtype == "uint8" else -5
    return rng.integers(lo, 6, (2, 3)).astype(dtype), rng.integers(1, 4, 3).astype(dtype)


EXACT = {"sqrt", "abs", "sign", "floor", "ceil", "rint", "isnan", "isfinite", "floordiv", "floormod"}


def _approximated(opdef) -> bool:
    """Uses a function whose result may differ from numpy's in the last bit (a polynomial, or a
    libm call where numpy has its own SIMD code)."""
    return any(f"{fn}(" in opdef.scalar_expr for fn in set(codegen.FUNCTIONS) - EXACT)


def _elementwise_ops(dtype):
    for name, d in sorted(REGISTRY.items()):
        if d.kind != ELEMENTWISE or d.scalar_expr is None or name in ("Select", "Cast"):
            continue
        if d.allowed is not None and dtype not in d.allowed:
            continue
        yield name, d


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_elementwise_op_compiles_and_matches_its_reference(dtype):
    rng = np.random.default_rng(0)
    xv, yv = _inputs(dtype, rng)
    g = gf.Graph()
    names, fetches = [], []
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.as_dtype(dtype), (2, 3))
        y = gf.compat.v1.placeholder(gf.as_dtype(dtype), (3,))
        for name, d in _elementwise_ops(dtype):
            n_in = 2 if d.same_dtype else 1
            op = g.create_op(d, [x, y][:n_in], {})
            names.append(name)
            fetches.append(op.outputs[0])
        for target in ("float32", "int32", "bool"):
            names.append(f"Cast->{target}")
            fetches.append(gf.cast(x, target))
        names.append("Select")
        fetches.append(gf.where(gf.not_equal(x, gf.zeros_like(x)), x, gf.ones_like(x)))
    got, want, plan = run_both(fetches, [x, y], [xv, yv])
    assert "FusedElementwise" in op_types(plan)
    for name, a, b in zip(names, got, want):
        d = REGISTRY.get(name)
        assert np.asarray(a).dtype == np.asarray(b).dtype, name
        if d is not None and np.asarray(b).dtype.kind == "f" and _approximated(d):
            np.testing.assert_allclose(a, b, rtol=4e-6 if dtype == "float32" else 1e-14, atol=1e-7, err_msg=name)
        else:
            np.testing.assert_array_equal(a, b, err_msg=name)


REDUCERS = ["Sum", "Mean", "Max", "Min", "Prod"]
AXES = [None, 0, 2, [0, 2], [1], [0, 1, 2]]


@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_reductions_fused_with_their_producer_match_the_reference(dtype, axis):
    rng = np.random.default_rng(1)
    xv = (rng.standard_normal((3, 4, 5)) * 3).astype(dtype)
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.as_dtype(dtype), (3, 4, 5))
        h = x * x if dtype == "int32" else gf.tanh(x) * 2.0
        fns = {"Sum": gf.reduce_sum, "Mean": gf.reduce_mean, "Max": gf.reduce_max, "Min": gf.reduce_min,
               "Prod": gf.reduce_prod}
        fetches = [fns[r](h, axis=axis, keepdims=(i % 2 == 1)) for i, r in enumerate(REDUCERS)
                   if not (r == "Mean" and dtype == "int32")]
    got, want, plan = run_both(fetches, [x], [xv])
    fused = [op for op in plan.executable().program.operations if op.type == "FusedElementwise"]
    assert fused and all(op.attrs["group"].reduce_axes or axis == [] for op in fused)
    for a, b in zip(got, want):
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("reducer", ["reduce_any", "reduce_all"])
def test_boolean_reductions_compile(reducer):
    xv = np.random.default_rng(2).random((4, 6)) > 0.3
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.float32, (4, 6))
        fetches = [getattr(gf, reducer)(x > 0.5, axis=a) for a in (None, 0, 1)]
    got, want, _ = run_both(fetches, [x], [xv.astype(np.float32)])
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("shapes", [[(3, 4), (4,)], [(3, 4), (3, 1)], [(2, 3, 4), (1, 3, 1)], [(2, 3, 4), ()],
                                    [(), ()], [(5,), (1,)], [(2, 1, 4), (3, 1)]], ids=str)
def test_broadcasting_layouts(shapes):
    rng = np.random.default_rng(3)
    vals = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    g = gf.Graph()
    with g.as_default():
        a, b = (gf.compat.v1.placeholder(gf.float32, s) for s in shapes)
        out = (a * b + a) / (gf.abs(a * b) + 1.0)
    got, want, plan = run_both([out], [a, b], vals)
    np.testing.assert_array_equal(got[0], want[0])
    assert kernel_count(plan) == 1


def test_an_op_on_a_broadcast_operand_is_computed_once_in_its_own_kernel():
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.float32, (64, 8))
        b = gf.compat.v1.placeholder(gf.float32, (8,))
        out = x * gf.tanh(b)        # fusing tanh into the (64, 8) loop would run it 64 times per value
    got, want, plan = run_both([out], [x, b], [np.ones((64, 8), np.float32), np.arange(8, dtype=np.float32)])
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
    groups = [op.attrs["group"] for op in plan.executable().program.operations if op.type == "FusedElementwise"]
    assert sorted(g.shape for g in groups) == [(8,), (64, 8)]


def test_one_gelu_chain_is_one_kernel_with_a_vectorised_loop():
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.float32, (4096,))
        y = 0.5 * x * (1.0 + gf.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))
    xv = np.random.default_rng(4).standard_normal(4096).astype(np.float32)
    got, want, plan = run_both([y], [x], [xv])
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6, atol=1e-6)
    assert kernel_count(plan) == 1
    (step,) = [s for _, s in plan.executable().steps if s is not None]
    namespace = {}      # numba cannot show the assembly of cache-loaded code: compile a copy
    exec(step.kernels[0].source.replace("cache=True", "cache=False"), namespace)
    asm = "\n".join(namespace["kernel"].inspect_asm().values())
    assert "ymm" in asm or "zmm" in asm
