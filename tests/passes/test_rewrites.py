"""What each pass does to specific programs, asserted on the text form."""
import numpy as np
import pytest

import graphflow as gf
from graphflow.kernels.target import KernelTarget
from graphflow.passes import cse, deps, fold, fuse, manager, memory, prune, remap, simplify
from graphflow.passes.config import PassConfig
from graphflow.passes.program import specialise
from graphflow.passes.verify import verify

v1 = gf.compat.v1

KERNELS = KernelTarget()      # the passes as the compiler runs them: aimed at the numba kernels


def program(build, *shapes, dtype=gf.float32):
    """Trace `build(*placeholders)` into a Program (placeholders named x0, x1...)."""
    g = gf.Graph()
    with g.as_default():
        xs = [v1.placeholder(dtype, s, name=f"x{i}") for i, s in enumerate(shapes)]
        out = build(*xs)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    return specialise(g, outs, [], xs, list(shapes))


def run_passes(prog, *modules, **config):
    cfg = PassConfig(verify=True, target=KERNELS, **config)
    for m in modules:
        prog, _ = m.run(prog, cfg)
        verify(prog, m.__name__)
    return prog


def types(prog):
    return [op.type for op in prog.operations]


def body(prog):
    return [op.type for op in prog.operations if op.type not in ("Placeholder", "Const")]


# ---- constant folding ------------------------------------------------------------------------

def test_fold_evaluates_constant_subgraphs_and_shapes():
    prog = program(lambda x: x * (gf.constant(2.0) * 3.0) + gf.cast(gf.size(x), gf.float32), (2, 3))
    out = run_passes(prog, fold, prune)
    assert body(out) == ["Mul", "Add"]
    consts = sorted(float(op.attrs["value"]) for op in out.operations if op.type == "Const")
    assert consts == [6.0, 6.0]


def test_fold_skips_random_ops():
    prog = program(lambda x: x + gf.random.normal([3], seed=1) * 2.0, (3,))
    assert "RandomStandardNormal" in types(run_passes(prog, fold, prune))


def test_fold_never_creates_a_constant_bigger_than_the_cap():
    prog = program(lambda x: x + gf.fill([512, 512], 1.0), (512, 512))
    assert "Fill" in types(run_passes(prog, fold, fold_max_elements=1000))
    assert "Fill" not in types(run_passes(prog, fold, fold_max_elements=1 << 20))


def test_fold_does_not_reassociate_a_chain_of_adds():
    prog = program(lambda x: (x + 1.0) + 1.0, ())
    assert body(run_passes(prog, fold, simplify, cse, fold, prune)) == ["Add", "Add"]


def test_fold_leaves_ops_that_fail_for_run_time():
    prog = program(lambda x: x + gf.cast(gf.gather(gf.constant([1, 2]), gf.constant([5])), gf.float32), (1,))
    assert "GatherV2" in types(run_passes(prog, fold))


# ---- simplification ----------------------------------------------------------------------------

@pytest.mark.parametrize("build, expected", [
    (lambda x: x * 1.0, []),
    (lambda x: 1.0 * x, []),
    (lambda x: x * -1.0, ["Neg"]),
    (lambda x: x + (-0.0), []),
    (lambda x: x - 0.0, []),
    (lambda x: gf.negative(gf.negative(x)), []),
    (lambda x: gf.pow(x, 2.0), ["Square"]),
    (lambda x: gf.pow(x, 1.0), []),
    (lambda x: x / 4.0, ["Mul"]),
    (lambda x: gf.identity(gf.stop_gradient(x)), []),
    (lambda x: gf.transpose(gf.transpose(x)), []),
    (lambda x: gf.transpose(gf.transpose(x, [1, 0]), [1, 0]) * 2.0, ["Mul"]),
    (lambda x: gf.reshape(gf.reshape(x, [6]), [3, 2]), ["Reshape"]),
    (lambda x: gf.cast(x, gf.float32), []),
], ids=["x*1", "1*x", "x*-1", "x+-0", "x-0", "--x", "pow2", "pow1", "div4", "identity", "transpose2",
        "transpose2-mul", "reshape2", "cast-same"])
def test_simplify_exact_rewrites(build, expected):
    prog = program(build, (2, 3))
    assert body(run_passes(prog, simplify, prune)) == expected


@pytest.mark.parametrize("build, kept", [
    (lambda x: x + 0.0, "Add"),           # (-0) + 0 = +0: not x
    (lambda x: x - x, "Sub"),             # inf - inf = NaN: not 0
    (lambda x: x - (-0.0), "Sub"),
    (lambda x: x / 3.0, "RealDiv"),       # 1/3 is inexact
    (lambda x: x * gf.ones([4, 2, 3]), "Mul"),   # broadcasting changes the shape
], ids=["x+0-float", "x-x-float", "x--0", "div3", "broadcast"])
def test_simplify_leaves_rewrites_that_are_not_exact_for_floats(build, kept):
    prog = program(build, (2, 3))
    assert kept in body(run_passes(prog, fold, simplify, prune))


def test_simplify_does_exact_integer_rewrites():
    prog = program(lambda x: (x + 0) - x + x * 1, (4,), dtype=gf.int32)
    assert body(run_passes(prog, simplify, prune)) == ["ZerosLike", "Add"]


def test_simplify_keeps_an_identity_that_carries_a_control_dependency():
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [2], name="x")
        v = gf.Variable(np.zeros(2, np.float32))
        assign = v.assign(x)
        with gf.control_dependencies([assign]):
            y = gf.identity(x * 2.0)
    prog = specialise(g, [y], [], [x], [(2,)])
    out = run_passes(prog, simplify, prune)
    ident = [op for op in out.operations if op.type == "Identity"]
    assert ident and ident[0].control_inputs


# ---- CSE -------------------------------------------------------------------------------------

def test_cse_merges_equal_expressions_and_constants():
    prog = program(lambda x: gf.exp(x) * 2.0 + gf.exp(x) * 2.0, (3,))
    out = run_passes(prog, cse, prune)
    assert types(out).count("Exp") == 1 and types(out).count("Mul") == 1 and types(out).count("Const") == 1


def test_cse_never_merges_random_ops():
    prog = program(lambda x: x + gf.random.uniform([3], seed=3) - gf.random.uniform([3], seed=3), (3,))
    assert types(run_passes(prog, cse)).count("RandomUniform") == 2


def test_cse_never_merges_variable_reads():
    g = gf.Graph()
    with g.as_default():
        v = gf.Variable(1.0)
        r1 = v.read_value()
        a = v.assign_add(1.0)
        with gf.control_dependencies([a]):
            r2 = v.read_value()
        out = r1 + r2
    prog = specialise(g, [out], [], [], [])
    assert types(run_passes(prog, cse)).count("ReadVariableOp") >= 2


# ---- prune and dependency optimisation ---------------------------------------------------------

def test_prune_drops_dead_ops_but_keeps_stateful_ones():
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [2], name="x")
        dead = gf.exp(x)
        noise = gf.random.normal([2])
        y = x * 2.0 + noise * 0.0
    prog = specialise(g, [y], [], [x], [(2,)])
    out = run_passes(prog, simplify, prune)
    assert "Exp" not in types(out) and "RandomStandardNormal" in types(out)
    del dead


def test_deps_collapses_group_chains_into_direct_control_inputs():
    g = gf.Graph()
    with g.as_default():
        v = gf.Variable(0.0)
        a = v.assign_add(1.0)
        grp = gf.group(a)
        with gf.control_dependencies([grp]):
            y = gf.identity(gf.constant(3.0))
    prog = specialise(g, [y], [], [], [])
    out = run_passes(prog, deps)
    ident = next(op for op in out.operations if op.type == "Identity")
    assert [c.type for c in ident.control_inputs] == ["AssignAddVariableOp"]


# ---- fusion ----------------------------------------------------------------------------------

def test_fusion_makes_one_group_with_a_reduction_epilogue_and_multiple_outputs():
    prog = program(lambda x: (gf.tanh(x) * 2.0, gf.reduce_sum(gf.tanh(x) * 2.0, axis=1)), (4, 5))
    out = run_passes(prog, cse, prune, fuse)
    (f,) = [op for op in out.operations if op.type == "FusedElementwise"]
    group = f.attrs["group"]
    assert [m.opdef.name for m in group.members] == ["Tanh", "Mul", "Sum"]
    assert group.reduce_axes == (1,) and len(f.outputs) == 2


def test_fusion_respects_the_group_size_cap():
    def chain(x):
        for _ in range(10):
            x = gf.tanh(x)
        return x
    out = run_passes(program(chain, (8,)), fuse, fusion_max_ops=4)
    sizes = [len(op.attrs["group"].members) for op in out.operations if op.type == "FusedElementwise"]
    assert sizes == [4, 4, 2]


def test_fusion_never_creates_a_cycle_through_an_unfused_op():
    # a -> matmul -> b and a -> b: fusing a with b would need the matmul inside the group
    def build(x):
        a = gf.tanh(x)
        m = gf.matmul(a, a)
        return gf.exp(a) + m
    out = run_passes(program(build, (3, 3)), fuse)
    fused = [op for op in out.operations if op.type == "FusedElementwise"]
    assert len(fused) == 2


def test_fusion_keeps_side_effects_in_order():
    g = gf.Graph()
    with g.as_default():
        v = gf.Variable(np.ones(3, np.float32))
        x = v1.placeholder(gf.float32, [3], name="x")
        r = v.read_value() * 2.0
        a = v.assign(x)
        with gf.control_dependencies([a]):
            r2 = v.read_value() + r
    prog = specialise(g, [r2], [], [x], [(3,)])
    out = run_passes(prog, fuse)
    order = [op.type for op in out.operations if op.opdef.stateful and op.type != "Placeholder"]
    assert order == ["ReadVariableOp", "AssignVariableOp", "ReadVariableOp"]


def test_an_update_under_control_dependencies_still_fuses_into_the_gradient_matmul():
    # gf.function puts automatic control inputs on every assign; the rewritten `read - d` must
    # not inherit them (the read carries them), or the fuser leaves the subtraction alone
    from graphflow.graph.text import to_text
    g = gf.Graph()
    with g.as_default():
        v = gf.Variable(np.ones((5, 3), np.float32))
        x = v1.placeholder(gf.float32, [4, 5], name="x")
        d = v1.placeholder(gf.float32, [4, 3], name="d")
        first = v.read_value()
        delta = gf.matmul(x, d, transpose_a=True) * 0.1
        with gf.control_dependencies([first]):
            step = v.assign_sub(delta)
    prog = specialise(g, [first], [step.op], [x, d], [(4, 5), (4, 3)])
    out = run_passes(prog, deps, simplify, fuse, remap)
    text = to_text(out)
    update = next(line for line in text.splitlines() if "FusedMatMul" in line)
    assert "group=[Mul, Sub]" in update and "transpose_a=True" in update and "^" not in update
    assign = next(line for line in text.splitlines() if "AssignVariableOp(" in line)
    assert assign.endswith("^Variable/read")                 # the assign keeps its ordering


def test_sibling_groups_over_a_shared_input_become_one_kernel():
    prog = program(lambda x: (gf.exp(x), gf.sigmoid(x), gf.reduce_max(x)), (6,))
    out = run_passes(prog, fuse)
    assert types(out).count("FusedElementwise") == 1


# ---- remapping and memory ----------------------------------------------------------------------

def test_remap_absorbs_the_matmul_into_its_bias_and_activation():
    prog = program(lambda x, w, b: gf.nn.relu(gf.matmul(x, w) + b), (4, 5), (5, 3), (3,))
    out = run_passes(prog, fuse, remap)
    assert body(out) == ["FusedMatMul"]
    assert [m.opdef.name for m in out.operations[-1].attrs["group"].members] == ["Add", "Relu"]


def test_memory_plan_reuses_dead_buffers_and_writes_in_place():
    def build(x, w):
        h = gf.nn.relu(gf.matmul(x, w))
        return gf.matmul(h, w) * 2.0
    out = run_passes(program(build, (8, 8), (8, 8)), fuse, memory)
    bp = out.buffer_plan
    assert len(bp.slot_of) == 3 and len(bp.slot_bytes) == 2      # relu runs over the product
    assert len(bp.inplace) == 1
    fetched = set(out.outputs)
    assert not fetched & set(bp.slot_of)


def test_memory_plan_writes_over_a_dying_input_but_not_through_a_view():
    def chain(x):
        a = gf.tanh(x) * 2.0
        b = gf.matmul(a, a)          # a dies here; b is the matmul's own buffer
        return gf.exp(b) + 1.0
    out = run_passes(program(chain, (4, 4)), fuse, memory)
    bp = out.buffer_plan
    fused = [op for op in out.operations if op.type == "FusedElementwise"]
    assert not any(t in bp.inplace for t in fused[-1].outputs)      # fetched: fresh memory
    def viewed(x):
        a = gf.tanh(x)
        return gf.exp(a) + gf.reshape(a, [16, 1])[:, 0] * 0.0
    out = run_passes(program(viewed, (16,)), fuse, memory)
    assert out.buffer_plan.inplace == {}


# ---- the manager ------------------------------------------------------------------------------

def test_manager_dumps_after_each_pass_and_honours_switches():
    seen = []
    cfg = PassConfig(verify=True, target=KERNELS, dump=lambda name, prog: seen.append(name))
    cfg.switches["fusion"] = False
    out, stats = manager.run(program(lambda x: gf.exp(x) * 1.0, (3,)), cfg)
    assert seen[0] == "input" and "fusion" not in seen and "constant_folding" in seen
    assert [s["pass"] for s in stats] == seen[1:]
    assert body(out) == ["Exp"]


def test_gf_config_switches_reach_the_compiler():
    from graphflow.passes.config import current
    gf.config.optimizer.set_experimental_options({"constant_folding": False})
    try:
        assert current().on("constant_folding") is False
        assert current({"constant_folding": True}).on("constant_folding") is True
    finally:
        gf.config.optimizer.set_experimental_options({"constant_folding": True})
