"""The expression interpreter (kernels/exprvm.py) against the specialised kernels, and the tiering.

One program per dtype uses every opcode of the interpreter's table (so a newly registered
scalar_expr is covered without new test code), on inputs that broadcast in every way a group
loads them (full, a row, a column, a scalar) over more elements than one block. Its first call runs
the groups in the interpreter, its second the compiled kernels: the results must be the same bits.
"""
import numpy as np
import pytest

import graphflow as gf
from graphflow import compiler
from graphflow.compiler import compile_plan
from graphflow.kernels import cache, exprvm, interpreter_build
from graphflow.ops import registry
from graphflow.ops.dispatch import apply

N, M = 17, 33          # 561 elements: two blocks, the second partial


@pytest.fixture(scope="module", params=["float32", "float64"])
def dtype(request):
    if not exprvm.ready(request.param):     # built the way a user's first graph builds it
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv(interpreter_build.ENV, "background")
            child = interpreter_build.start(request.param)
        if child is not None:
            assert child.wait(timeout=900) == 0
            assert exprvm.ready(request.param)
    exprvm.load(request.param)        # compiled once per toolchain, then loaded from the cache
    return request.param


def _bits(a):
    a = np.where(np.isnan(a), np.nan, a)          # any NaN is NaN; everything else bit for bit
    return a.view(np.uint32 if a.dtype == np.float32 else np.uint64)


def _every_opcode_program(t):
    """A graph using each opcode of dtype `t`: (fetches, feeds, values, opcodes used)."""
    dt = gf.as_dtype(t)
    rng = np.random.RandomState(0)
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(dt, [N, M])
        y = gf.compat.v1.placeholder(dt, [N, M])
        row = gf.compat.v1.placeholder(dt, [M])
        col = gf.compat.v1.placeholder(dt, [N, 1])
        s = gf.compat.v1.placeholder(dt, [])
        others = [y, row, col, s]
        cur, flag = x, gf.math.greater(x, y)
        used = []
        for k, oc in enumerate(sorted(exprvm.opcodes(t).values(), key=lambda o: o.code)):
            args, first_t = [], True
            for i, d in enumerate(oc.in_dtypes):
                if d == "bool":
                    args.append(flag if i == 0 else gf.math.less(others[k % 4], x))
                else:
                    args.append(cur if first_t else others[(k + i) % 4])
                    first_t = False
            attrs = {"dtype": gf.as_dtype(oc.out_dtype)} if oc.op == "Cast" else {}
            r = apply(registry.get(oc.op), args, attrs)
            used.append(oc)
            if oc.out_dtype == "bool":          # keep it alive, and feed later bool operands
                flag = r
                cur = gf.where(r, cur, x)
            else:                               # finite values, so later ops see ordinary numbers
                cur = gf.where(gf.math.is_finite(r), r, cur)
        out = [cur, gf.where(flag, y, cur)]
    values = [(rng.standard_normal((N, M)) * 3).astype(t), rng.uniform(0.1, 2, (N, M)).astype(t),
              rng.standard_normal(M).astype(t), rng.standard_normal((N, 1)).astype(t), np.asarray(0.75, t)]
    return out, [x, y, row, col, s], values, used


def test_the_interpreter_runs_every_opcode_as_the_compiled_kernels_do(dtype):
    fetches, feeds, values, used = _every_opcode_program(dtype)
    plan = compile_plan(fetches[0].graph, fetches, [], feeds, {"jit_after": 1, "tier_up_after": 1})
    with np.errstate(all="ignore"):
        interpreted = plan(values)
        assert plan.executable().pending, "the first call should run the groups in the interpreter"
        compiled = plan(values)
    assert not plan.executable().pending
    programs = [exprvm.assemble(op.attrs["group"]) for op in plan.executable().program.operations
                if op.type == "FusedElementwise"]
    assert programs and all(p is not None for p in programs)
    ran = {int(c) for p in programs for c in p.code[:, 0]}
    dropped = {"Identity", "StopGradient"}         # simplification removes them before fusion
    missing = [f"{oc.op}{oc.in_dtypes}" for oc in used if oc.code not in ran and oc.op not in dropped]
    assert not missing, f"opcodes that did not reach the interpreter: {missing}"
    for a, b in zip(interpreted, compiled):
        np.testing.assert_array_equal(_bits(a), _bits(b))


def test_every_float_scalar_expr_has_an_opcode():
    table = exprvm.opcodes("float32")
    names = {oc.op for oc in table.values()}
    for name, opdef in registry.REGISTRY.items():
        if opdef.scalar_expr is not None and (opdef.allowed is None or "float32" in opdef.allowed):
            assert name in names, f"{name} has a scalar_expr but no interpreter opcode"


def _optimised_groups(fetches, feeds):
    prog = compiler.specialise(fetches[0].graph, fetches, [], feeds)
    return [op.attrs["group"] for op in compiler.optimise(prog).operations if op.type == "FusedElementwise"]


def test_groups_the_interpreter_does_not_run_fall_back_to_compiled_kernels():
    g = gf.Graph()
    with g.as_default():
        i = gf.compat.v1.placeholder(gf.int32, [8])
        f = gf.compat.v1.placeholder(gf.float32, [4, 8])
        ints = i * 3 + 1                                   # integer groups: compiled
        mixed = gf.cast(f * 2.0, gf.float64) + 1.0          # two float dtypes in one group
        reduced = gf.reduce_sum(gf.exp(f) * 2.0, axis=1)    # a reduction epilogue
    for fetch, feed in ((ints, i), (mixed, f), (reduced, f)):
        groups = _optimised_groups([fetch], [feed])
        assert groups and all(exprvm.assemble(grp) is None for grp in groups)


def test_tier_up_loads_a_cached_kernel_without_compiling():
    dtype = "float32"
    exprvm.load(dtype)
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.as_dtype(dtype), [N, M])
        y = x * 1.5 + 0.25
    v = np.ones((N, M), dtype)
    compile_plan(g, [y], [], [x], {"jit_after": 1, "tier_up_after": 0})([v])     # now cached
    plan = compile_plan(g, [y], [], [x], {"jit_after": 1, "tier_up_after": 1})
    first = plan([v])[0]
    assert plan.executable().pending       # a cached kernel still waits: its load costs more than a call
    compiles = cache.stats["compiles"]
    np.testing.assert_array_equal(plan([v])[0], first)
    assert not plan.executable().pending and cache.stats["compiles"] == compiles
    np.testing.assert_array_equal(first, np.full((N, M), 1.75, dtype))


def test_tier_up_waits_for_the_number_of_interpreted_calls():
    dtype = "float32"
    exprvm.load(dtype)
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.as_dtype(dtype), [N, M])
        y = gf.nn.relu(x * 0.5 - 0.125)
    plan = compile_plan(g, [y], [], [x], {"jit_after": 1, "tier_up_after": 3})
    v = np.linspace(-1, 1, N * M).astype(dtype).reshape(N, M)
    first = plan([v])[0]
    for _ in range(2):
        plan([v])
        assert plan.executable().pending
    last = plan([v])[0]
    assert not plan.executable().pending
    np.testing.assert_array_equal(first, last)
    np.testing.assert_array_equal(first, np.maximum(v * dtype_t(dtype)(0.5) - dtype_t(dtype)(0.125), 0))


def dtype_t(t):
    return np.dtype(t).type


def test_without_a_built_interpreter_the_plan_compiles(monkeypatch):
    monkeypatch.setattr(exprvm, "ready", lambda t: False)
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [N, M])
        y = x * 2.5 - 1.0
    plan = compile_plan(g, [y], [], [x], {"jit_after": 1})
    plan([np.ones((N, M), np.float32)])
    assert not plan.executable().pending
