"""Lowering: how each op of an optimised program runs in a compiled plan.

One table, LOWERINGS, maps op types to rows (lowering, view, blas); every other op runs its reference
kernel inside the plan, so nothing is unsupported. A lowering returns a `Step`: lines of Python
calling a compiled kernel over arrays the plan provides (outputs included, so the memory planner
can place them in reused buffers), or naming arrays that already exist (a feed, a constant, a
variable's array, a view: the rows marked `view`). Lowerings that cannot handle an op (a dtype, a
layout, a codegen failure) return None and the op falls back to its reference kernel.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Callable, NamedTuple, Optional

import numpy as np

from .. import threading_config
from . import codegen, exprvm, fast, gemm_pool, interpreter_build, loop_threads

# Parallel loops only above this many elements times ops: below it, waking the second thread
# costs more than it saves (graphflow/bench/w1_gelu.py measures the crossover).
PARALLEL_MIN_WORK = int(os.environ.get("GRAPHFLOW_PARALLEL_MIN_WORK", 1 << 18))
PARALLEL_MIN_SIZE = 1 << 14


@dataclass
class Step:
    """`template` is Python code (lines, "" for none) over `{in0}`.. and `{out0}`.. placeholders,
    the names in `globals`, and `{fail}({op}, exception)`, which raises naming the user's op. The
    plan allocates the outputs unless `allocates` is False (then the template assigns them) and
    guarantees inputs are C-contiguous arrays of their declared dtype and shape."""
    template: str
    globals: dict = field(default_factory=dict)
    inplace_ok: bool = False        # an output may share a buffer with a dying same-shape input
    kernels: list = field(default_factory=list)   # KernelSource objects, for explain
    aliases: dict = field(default_factory=dict)   # output index -> input index it is written over
    post: Optional[Callable] = None  # (kernel's return value r >= 0, inputs) -> the exception to raise
    allocates: bool = True
    binds: dict = field(default_factory=dict)     # output index -> key of `globals` that is its value
    releases: tuple = ()            # tensors whose plan locals are dropped before the step runs
    pending: list = field(default_factory=list)   # KernelSources run by the interpreter, not yet compiled
    scratch: dict = field(default_factory=dict)   # key -> (shape, np dtype): work buffers the plan
    #                                   owns like its reused buffers (one set per concurrent call)


class Lowering:
    """Context the lowerings share: options (parallelism) and the kernel loader."""

    def __init__(self, load_kernel: Callable, allow_parallel: bool = True, buffer_plan=None,
                 interpret: bool = False):
        self.load_kernel = load_kernel
        self.allow_parallel = allow_parallel
        self.buffer_plan = buffer_plan
        self.interpret = interpret


def _static(t):
    dims = t.shape.dims
    return dims is not None and all(d is not None for d in dims)


def lower_fused(op, ctx: Lowering) -> Optional[Step]:
    group = op.attrs["group"]
    size = int(np.prod(group.shape, dtype=np.int64)) if group.shape else 1
    work = size * sum(1 for m in group.members)
    parallel = ctx.allow_parallel and size >= PARALLEL_MIN_SIZE and work >= PARALLEL_MIN_WORK
    over = ctx.buffer_plan.inplace if ctx.buffer_plan is not None else {}
    over_variable = ctx.buffer_plan.over_variable if ctx.buffer_plan is not None else {}
    aliases = {i: op.inputs.index(over[t]) for i, t in enumerate(op.outputs) if t in over}
    aliases.update({i: op.inputs.index(over_variable[t][0]) for i, t in enumerate(op.outputs) if t in over_variable})
    if ctx.interpret:       # even when its kernel is cached: loading it costs more than this call
        step = _interpreted(op, group, aliases, _LazySource(group, parallel, aliases))
        if step is not None:
            return _own_variable_arrays(op, over_variable, step)
    src = codegen.generate(group, parallel=parallel, inplace=aliases)
    if parallel:
        threading_config.start_parallel_loops()
    fn = ctx.load_kernel(src)
    dims = codegen.dims_array(src.layout)
    n_in = len(op.inputs)
    args = ([f"{{in{i}}}" for i in range(n_in)] + ["{dims}"]
            + [f"{{out{i}}}" for i in range(len(op.outputs)) if i not in aliases])
    call, g = f"{{k}}({', '.join(args)})", {"k": fn, "dims": dims}
    if src.parallel:            # on the threads other processes leave (loop_threads.py)
        g["on_free_threads"] = loop_threads.run
        call = f"{{on_free_threads}}({{k}}, {', '.join(args)})"
    return _own_variable_arrays(op, over_variable, Step(call, g, inplace_ok=True, kernels=[src], aliases=aliases))


def _own_variable_arrays(op, over_variable, step: Step) -> Step:
    """Before a fused update writes over a variable's array (memory planning's `over_variable`):
    a copy of it when its reference count shows a holder besides the variable and the plan's
    reads of it (the variable's state, one local per read, getrefcount's argument)."""
    guards = []
    for t in op.outputs:
        if t in over_variable:
            read, holders = over_variable[t]
            k = op.inputs.index(read)
            guards.append(f"if not {{alone}}({{in{k}}}, {holders}): {{in{k}}} = {{copy}}({{in{k}}})")
    if guards:
        step.template = "\n".join(guards + [step.template])
        step.globals.update(alone=held_only_by_variable, copy=np.array)
    return step


def held_only_by_variable(array, reads: int) -> bool:
    """Whether `array` (a variable's value) may be written in place: it owns its memory, is
    writeable, and its references are the variable's state, the plan's `reads` locals, this
    parameter and getrefcount's argument (anyone else, a fetched value, a view, adds one)."""
    return array.flags.owndata and array.flags.writeable and sys.getrefcount(array) <= reads + 3


class _LazySource:
    """An interpreted group's specialised KernelSource, generated when something reads it
    (explain, a kernel count): the interpreted call itself never does, and generating the source
    of 1000 members was a tenth of W6's warm first call. Tier-up lowers the group again."""

    def __init__(self, group, parallel, inplace):
        self._args = (group, parallel, inplace)
        self._src = None

    def __getattr__(self, name):        # name, source, key, layout
        if name.startswith("_"):        # not a KernelSource field (and no recursion before __init__)
            raise AttributeError(name)
        if self._src is None:
            group, parallel, inplace = self._args
            self._src = codegen.generate(group, parallel=parallel, inplace=inplace)
        return getattr(self._src, name)


def _interpreted(op, group, aliases, src) -> Optional[Step]:
    """The group run by the expression interpreter (kernels/exprvm.py), its specialised kernel
    `src` left pending for the compiler to tier up to; None if the interpreter cannot run it or is
    not built yet (building it is a one-time compile of many seconds, never on a plan's path)."""
    prog = exprvm.assemble(group)
    if prog is None:
        return None
    if not exprvm.ready(prog.dtype):
        interpreter_build.start(prog.dtype)      # for later graphs; this one compiles its kernels
        return None
    t = np.dtype(prog.dtype)
    g = {"k": exprvm.load(prog.dtype), "code": prog.code, "geo": prog.geo, "dims": prog.dims,
         "z": np.zeros(1, t), "rt": t, "empty": np.empty, "ne": np.not_equal}
    ins = [f"{{in{i}}}.reshape(-1)" if x.dtype.np == t else f"{{in{i}}}.reshape(-1).astype({{rt}})"
           for i, x in enumerate(op.inputs)]
    lines, outs, after = [], [], []
    for i, y in enumerate(op.outputs):
        flat = f"{{in{aliases[i]}}}.reshape(-1)" if i in aliases else f"{{out{i}}}.reshape(-1)"
        if y.dtype.np == t:
            outs.append(flat)
        else:            # a bool exit: 0/1 in the register dtype, then compared into the output
            lines.append(f"_x{i} = {{empty}}({flat}.size, {{rt}})")
            outs.append(f"_x{i}")
            after.append(f"{{ne}}(_x{i}, 0, out={flat})")
    args = (ins + ["{z}"] * (exprvm.MAX_INPUTS - len(ins)) + outs + ["{z}"] * (exprvm.MAX_OUTPUTS - len(outs)))
    lines.append(f"{{k}}({{code}}, {{geo}}, {{dims}}, {prog.n_registers}, {', '.join(args)})")
    return Step("\n".join(lines + after), g, inplace_ok=True, kernels=[src], aliases=aliases, pending=[src])


def lower_fused_matmul(op, ctx: Lowering) -> Optional[Step]:
    group = op.attrs["group"]
    k = op.attrs["operand"]
    a, b = op.inputs[:2]
    if not (_static(a) and _static(b)):
        return None
    # the product goes into the buffer of the first output with its shape and dtype, and the
    # epilogue runs in place over it (same index read, then written)
    prod_shape = tuple(group.input_specs[k][1])
    prod_dtype = group.input_specs[k][0]
    slot = next((i for i, t in enumerate(op.outputs) if t.dtype is prod_dtype and t.shape.dims == prod_shape), None)
    src = codegen.generate(group, parallel=False, inplace={} if slot is None else {slot: k})
    fn = ctx.load_kernel(src)
    dims = codegen.dims_array(src.layout)
    ta = ".T" if op.attrs.get("transpose_a") else ""
    tb = ".T" if op.attrs.get("transpose_b") else ""
    g = {"k": fn, "dims": dims, "mm": gemm_pool.matmul}
    if slot is None:
        g["empty"], g["shape"], g["dtype"] = np.empty, prod_shape, prod_dtype.np
        prod = "_p"
        pre = f"_p = {{empty}}({{shape}}, {{dtype}}); {{mm}}({{in0}}{ta}, {{in1}}{tb}, out=_p)"
    else:
        prod = f"{{out{slot}}}"
        pre = f"{{mm}}({{in0}}{ta}, {{in1}}{tb}, out={prod})"
    rest = [f"{{in{i}}}" for i in range(2, len(op.inputs))]
    rest.insert(k, prod)
    outs = [f"{{out{i}}}" for i in range(len(op.outputs)) if i != slot]
    call = f"{pre}; {{k}}({', '.join(rest + ['{dims}'] + outs)})"
    return Step(call, g, inplace_ok=False, kernels=[src])


def lower_matmul(op, ctx: Lowering) -> Optional[Step]:
    a, b = op.inputs
    if a.dtype.name not in ("float32", "float64") or not (_static(a) and _static(b)):
        return None
    ta = ".T" if op.attrs.get("transpose_a") else ""
    tb = ".T" if op.attrs.get("transpose_b") else ""
    if (ta and a.shape.rank != 2) or (tb and b.shape.rank != 2):
        return None
    return Step(f"{{mm}}({{in0}}{ta}, {{in1}}{tb}, out={{out0}})", {"mm": gemm_pool.matmul})


def _last_axis(op) -> bool:
    x = op.inputs[0]
    rank = x.shape.rank
    axis = op.attrs.get("axis", -1)
    return rank is not None and rank >= 1 and axis in (-1, rank - 1)


def _lower_rows(kernel_name: str):
    """The lowering of a softmax-family op computed row by row by softmax.<kernel_name>."""
    def lower(op, ctx: Lowering) -> Optional[Step]:
        x = op.inputs[0]
        if (x.dtype.name not in ("float32", "float64") or not _static(x) or not _last_axis(op)
                or x.shape.num_elements() == 0):
            return None
        from . import softmax
        return Step(f"{{k}}({{in0}}, {x.shape.dims[-1]}, {{out0}})", {"k": getattr(softmax, kernel_name)})
    return lower


lower_softmax, lower_log_softmax = _lower_rows("softmax"), _lower_rows("log_softmax")


def lower_sparse_xent(op, ctx: Lowering) -> Optional[Step]:
    logits, labels = op.inputs
    if (logits.dtype.name not in ("float32", "float64") or not _static(logits) or logits.shape.rank < 1
            or logits.shape.num_elements() == 0):
        return None
    from . import softmax
    n = logits.shape.dims[-1]

    def check(bad, arrays):
        lab = int(np.asarray(arrays[1]).reshape(-1)[bad])
        return ValueError(f"SparseSoftmaxCrossEntropyWithLogits: label values must be in [0, {n}), got {lab}")
    return Step("{k}({in0}, {in1}, {out0})", {"k": softmax.sparse_xent}, post=check)


def lower_sparse_xent_grad(op, ctx: Lowering) -> Optional[Step]:
    logits, labels, dy = op.inputs
    if (logits.dtype.name not in ("float32", "float64") or dy.dtype is not logits.dtype or not _static(logits)
            or logits.shape.rank < 1 or logits.shape.num_elements() == 0 or not _static(dy)
            or tuple(dy.shape.dims) != tuple(logits.shape.dims[:-1])):
        return None
    from . import softmax
    n = logits.shape.dims[-1]

    def check(bad, arrays):
        lab = int(np.asarray(arrays[1]).reshape(-1)[bad])
        return ValueError(f"SparseSoftmaxCrossEntropyGrad: label values must be in [0, {n}), got {lab}")
    return Step("{k}({in0}, {in1}, {in2}, {out0})", {"k": softmax.sparse_xent_grad}, post=check)


def _float4d(*ts) -> bool:
    return all(t.dtype.name in ("float32", "float64") and t.shape.rank == 4 and _static(t) for t in ts)


def _conv_columns(x_dims, kh, kw, attrs):
    """fast.conv_columns with the geometry as kernel-call text; None if the output is empty."""
    cols = fast.conv_columns(x_dims, kh, kw, attrs)
    if cols is None:
        return None
    m, k, out_hw, g = cols
    return m, k, out_hw, ", ".join(str(v) for v in g)


def _im2col_pass(x, m, k, call: str, args: str) -> Step:
    """conv.<call> (im2col and its products in blocks of images) over `args`, with an (m x k) work
    buffer of the plan for the gathered receptive fields."""
    from . import conv
    return Step(f"{{cv}}({args}, {{col}})", {"cv": getattr(conv, call)}, scratch={"col": ((m, k), x.dtype.np)})


def _unfolded(x_dims, w_dims, attrs, dtype, call: str) -> Optional[Step]:
    """A step running conv_gemm.<call> when its row-unfolded GEMMs handle this convolution."""
    geo = fast.unfolded(x_dims, w_dims, fast.conv_geometry(x_dims, w_dims[:2], attrs), dtype.np)
    if geo is None:
        return None
    from . import conv_gemm
    args = {"forward": "{in0}, {in1}", "filter_grad": "{in0}, {in2}", "input_grad": "{in2}, {in1}"}[call]
    scratch = {f"s{i}": (shape, dtype.np) for i, shape in enumerate(conv_gemm.scratch_shapes(geo, call))}
    buffers = "".join(f", {{{name}}}" for name in scratch)
    return Step(f"{{cv}}({args}, {{geo}}, {{out0}}{buffers})", {"cv": getattr(conv_gemm, call), "geo": geo},
                scratch=scratch)


def lower_conv2d(op, ctx: Lowering) -> Optional[Step]:
    x, w = op.inputs
    if not _float4d(x, w, op.outputs[0]):
        return None
    kh, kw, _, o = w.shape.dims
    cols = _conv_columns(x.shape.dims, kh, kw, op.attrs)
    if cols is None:
        return None
    m, k, _, geo = cols
    return (_unfolded(x.shape.dims, w.shape.dims, op.attrs, x.dtype, "forward")
            or _im2col_pass(x, m, k, "forward",
                            f"{{in0}}, {{in1}}.reshape({k}, {o}), ({geo}), {{out0}}.reshape({m}, {o})"))


def lower_conv2d_backprop_filter(op, ctx: Lowering) -> Optional[Step]:
    x, _, dy = op.inputs
    out = op.outputs[0]
    if not _float4d(x, dy, out):
        return None
    kh, kw, _, o = out.shape.dims
    cols = _conv_columns(x.shape.dims, kh, kw, op.attrs)
    if cols is None or cols[2] != tuple(dy.shape.dims[1:3]):
        return None
    m, k, _, geo = cols
    return (_unfolded(x.shape.dims, out.shape.dims, op.attrs, x.dtype, "filter_grad")
            or _im2col_pass(x, m, k, "filter_grad",
                            f"{{in0}}, {{in2}}.reshape({m}, {o}), ({geo}), {{out0}}.reshape({k}, {o})"))


def lower_conv2d_backprop_input(op, ctx: Lowering) -> Optional[Step]:
    _, w, dy = op.inputs
    out = op.outputs[0]
    if not _float4d(w, dy, out):
        return None
    from . import conv
    kh, kw, _, o = w.shape.dims
    cols = _conv_columns(out.shape.dims, kh, kw, op.attrs)
    if cols is None or cols[2] != tuple(dy.shape.dims[1:3]):
        return None
    m, k, _, geo = cols
    return (_unfolded(out.shape.dims, w.shape.dims, op.attrs, dy.dtype, "input_grad")
            or Step(f"{{cv}}({{in2}}.reshape({m}, {o}), {{in1}}.reshape({k}, {o}), ({geo}), {{out0}})",
                    {"cv": conv.input_grad}))


def _lower_pool(kernel_name: str):
    """The lowering of a pooling op computed by pool.<kernel_name>."""
    def lower(op, ctx: Lowering) -> Optional[Step]:
        x = op.inputs[0]
        if not _float4d(x, op.outputs[0]):
            return None
        from . import pool
        kh, kw, sh, sw, ph, pw, oh, ow = fast.pool_geometry(x.shape.dims, op.attrs)
        if (oh, ow) != tuple(op.outputs[0].shape.dims[1:3]) or oh * ow == 0:
            return None
        return Step(f"{{k}}({{in0}}, {kh}, {kw}, {sh}, {sw}, {ph}, {pw}, {{out0}})",
                    {"k": pool.IN_BLOCKS[kernel_name]})
    return lower


lower_max_pool, lower_avg_pool = _lower_pool("max_pool"), _lower_pool("avg_pool")


def lower_max_pool_grad(op, ctx: Lowering) -> Optional[Step]:
    x, y, dy = op.inputs
    if not _float4d(x, y, dy, op.outputs[0]) or x.dtype is not dy.dtype:
        return None
    from . import pool
    kh, kw, sh, sw, ph, pw, oh, ow = fast.pool_geometry(x.shape.dims, op.attrs)
    if (oh, ow) != tuple(y.shape.dims[1:3]):
        return None
    return Step(f"{{k}}({{in0}}, {{in1}}, {{in2}}, {kh}, {kw}, {sh}, {sw}, {ph}, {pw}, {{out0}})",
                {"k": pool.IN_BLOCKS["max_pool_grad"]})


def lower_avg_pool_grad(op, ctx: Lowering) -> Optional[Step]:
    _, dy = op.inputs
    out = op.outputs[0]
    if not _float4d(dy, out):
        return None
    from . import pool
    kh, kw, sh, sw, ph, pw, oh, ow = fast.pool_geometry(out.shape.dims, op.attrs)
    if (oh, ow) != tuple(dy.shape.dims[1:3]):
        return None
    return Step(f"{{k}}({{in1}}, {kh}, {kw}, {sh}, {sw}, {ph}, {pw}, {{out0}})", {"k": pool.IN_BLOCKS["avg_pool_grad"]})


# ---- values that already exist: feeds, constants, variables, views -------------------------------

def lower_feed(op, ctx: Lowering) -> Optional[Step]:
    """A fed placeholder: the plan names the feeds before the first step."""
    return Step("", allocates=False)


def lower_no_op(op, ctx: Lowering) -> Optional[Step]:
    """Only orders side effects, which the plan's straight-line order already does."""
    return Step("", allocates=False)


def lower_const(op, ctx: Lowering) -> Optional[Step]:
    """A global of the plan, C-contiguous in its declared dtype (the caller gets a copy)."""
    t = op.outputs[0]
    value = np.asarray(op.attrs["value"], dtype=t.dtype.np)
    if not value.flags.c_contiguous:
        value = np.ascontiguousarray(value)
    return Step("", {"value": value}, allocates=False, binds={0: "value"})


def _read_failure(state):
    """The exception reading `state` raises (it is not initialised)."""
    try:
        state.read()
    except Exception as e:  # noqa: BLE001  returned for the plan to raise naming the op
        return e
    return None


def lower_read_variable(op, ctx: Lowering) -> Optional[Step]:
    """The variable's own array (no copy, as the reference kernel); assigns store C-contiguous
    arrays of the variable's dtype and shape, an eager assign may not: then it is copied."""
    if not _static(op.outputs[0]):
        return None
    return Step("{out0} = {var}.value\n"
                "if {out0} is None: {fail}({op}, {failure}({var}))\n"
                "if not {out0}.flags.c_contiguous: {out0} = {contig}({out0})",
                {"var": op.attrs["var"], "failure": _read_failure, "contig": np.ascontiguousarray},
                allocates=False)


def lower_assign_variable(op, ctx: Lowering) -> Optional[Step]:
    """The variable keeps the array (as the reference kernel); inference checked dtype and shape
    when the graph was built, and the plan hands a compiled step arrays of the declared ones."""
    if not _static(op.inputs[0]):
        return None
    return Step("{var}.value = {in0}", {"var": op.attrs["var"]}, aliases={0: 0})


def lower_reshape(op, ctx: Lowering) -> Optional[Step]:
    """A static reshape of a C-contiguous array is a view: no copy, no kernel."""
    x, out = op.inputs[0], op.outputs[0]
    if not (_static(x) and _static(out)):
        return None
    return Step(f"{{out0}} = {{in0}}.reshape({tuple(out.shape.dims)!r})", allocates=False)


def lower_gemm_update(op, ctx: Lowering) -> Optional[Step]:
    """`var = read - lr * a @ b` as one GEMM on the variable's array when `read` is the variable's
    value and only the variable holds it (sgd.run_update checks at run time), else into a new
    array. The in-place update pass releases `read`'s local first: the value is then read again
    from the variable, still unchanged."""
    from . import sgd
    a, b, read, lr = op.inputs
    out = op.outputs[0]
    if out.dtype.name not in ("float32", "float64") or not (_static(a) and _static(b) and _static(out)):
        return None
    releases = tuple(op.attrs.get("_releases", ()))
    ta, tb = bool(op.attrs.get("transpose_a")), bool(op.attrs.get("transpose_b"))
    new_value = (f"{{out0}} = {{alloc}}({tuple(out.shape.dims)!r}, {{dtype}})\n"
                 f"{{mm}}({{in0}}{'.T' if ta else ''}, {{in1}}{'.T' if tb else ''}, out={{out0}})\n"
                 "{mul}({out0}, {in3}, out={out0})\n"
                 f"{{sub}}({'{var}.value' if read in releases else '{in2}'}, {{out0}}, out={{out0}})\n"
                 "{var}.value = {out0}")
    g = {"var": op.attrs["var"], "alloc": np.empty, "dtype": out.dtype.np, "mm": gemm_pool.matmul, "mul": np.multiply,
         "sub": np.subtract, "gemm_update": sgd.run_update}
    if read not in releases:         # not provably the variable's own value: no in-place update
        return Step(new_value, g, allocates=False)
    code = (f"{{out0}} = {{gemm_update}}({{var}}, {{in0}}, {{in1}}, {{in3}}, {ta}, {tb})\n"
            "if {out0} is None:\n" + "\n".join("    " + line for line in new_value.split("\n")))
    return Step(code, g, allocates=False, releases=releases)


class Row(NamedTuple):
    """How one op type runs in a plan. `lower(op, ctx)` makes its Step (or None: the reference
    kernel); `view`: the step names arrays that already exist (a feed, a constant, a variable's
    own array, a view of an input) instead of writing into buffers the plan provides; `blas`: the
    step calls BLAS. OpenBLAS's threads spin for a while after each call, and a numba parallel
    loop on the same two cores then fights them (W4's step ran 2.1x slower with parallel
    epilogues), so a program with a BLAS step runs its generated loops serially."""
    lower: Callable
    view: bool = False
    blas: bool = False


LOWERINGS = {
    "Placeholder":                          Row(lower_feed, view=True),
    "Const":                                Row(lower_const, view=True),
    "NoOp":                                 Row(lower_no_op, view=True),
    "ReadVariableOp":                       Row(lower_read_variable, view=True),
    "AssignVariableOp":                     Row(lower_assign_variable, view=True),
    "Reshape":                              Row(lower_reshape, view=True),
    "InplaceGemmUpdate":                    Row(lower_gemm_update, view=True, blas=True),
    "Conv2D":                               Row(lower_conv2d, blas=True),
    "Conv2DBackpropFilter":                 Row(lower_conv2d_backprop_filter, blas=True),
    "Conv2DBackpropInput":                  Row(lower_conv2d_backprop_input, blas=True),
    "MaxPool":                              Row(lower_max_pool),
    "AvgPool":                              Row(lower_avg_pool),
    "MaxPoolGrad":                          Row(lower_max_pool_grad),
    "AvgPoolGrad":                          Row(lower_avg_pool_grad),
    "FusedElementwise":                     Row(lower_fused),
    "FusedMatMul":                          Row(lower_fused_matmul, blas=True),
    "MatMul":                               Row(lower_matmul, blas=True),
    "Softmax":                              Row(lower_softmax),
    "LogSoftmax":                           Row(lower_log_softmax),
    "SparseSoftmaxCrossEntropyWithLogits":  Row(lower_sparse_xent),
    "SparseSoftmaxCrossEntropyGrad":        Row(lower_sparse_xent_grad),
}


def lowering_of(op) -> Optional[Row]:
    """The op's row of LOWERINGS (keyed by the registry's op names), or None."""
    return LOWERINGS.get(op.opdef.name)


def calls_blas(op) -> bool:
    row = lowering_of(op)
    return row is not None and row.blas


def writes_into_buffer(op) -> bool:
    """Whether the lowering of `op` writes into buffers the plan provides (memory planning)."""
    row = lowering_of(op)
    return row is not None and not row.view and all(_static(t) for t in op.outputs) and bool(op.outputs)


def inplace_ok(op) -> bool:
    """Only generated elementwise kernels read and write each element at the same index."""
    row = lowering_of(op)
    return row is not None and row.lower is lower_fused
