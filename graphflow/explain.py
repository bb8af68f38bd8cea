"""`graphflow.explain`: what the compiler does to a graph, stage by stage.

For a gf.function, a Python function (traced with placeholders), or a Graph with its fetches:
the program before and after each pass with op counts, the fusion groups, the generated kernel
sources, the plan's straight-line function, and a DOT picture (SVG when Graphviz's `dot` is
installed). `graphflow explain` on the command line prints the same report.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .graph.text import to_text, type_str
from .ops.registry import FEED


@dataclass
class Stage:
    name: str
    text: str
    op_counts: dict
    stats: dict = field(default_factory=dict)

    @property
    def n_ops(self) -> int:
        return sum(self.op_counts.values())


@dataclass
class Explanation:
    stages: list                 # Stage per pass, "input" first
    groups: list                 # one dict per fusion group: name, shape, members, exits
    kernels: list                # (name, source) of generated kernels
    plan_source: str             # the straight-line function the plan runs
    dot: str                     # DOT text of the optimised program
    program: object = None
    input_program: object = None  # the program before the first pass

    def svg(self) -> Optional[str]:
        """The optimised program as SVG, or None when Graphviz's `dot` is not installed."""
        exe = shutil.which("dot")
        if exe is None:
            return None
        proc = subprocess.run([exe, "-Tsvg"], input=self.dot, capture_output=True, text=True, timeout=60)
        return proc.stdout if proc.returncode == 0 else None

    def summary(self) -> str:
        lines = ["pass                               ops   change"]
        prev = None
        for s in self.stages:
            delta = "" if prev is None else f"{s.n_ops - prev:+d}"
            extra = ", ".join(f"{k}={v}" for k, v in s.stats.items()
                              if k not in ("pass", "ops_before", "ops_after", "seconds") and v)
            lines.append(f"{s.name:<34} {s.n_ops:>4}   {delta:>6}  {extra}")
            prev = s.n_ops
        return "\n".join(lines)

    def report(self, passes: bool = True, kernels: bool = True) -> str:
        out = ["== passes ==", self.summary(), ""]
        stages = self.stages if passes else [self.stages[0], self.stages[-1]]
        for s in stages:
            counts = ", ".join(f"{k} {v}" for k, v in s.op_counts.items())
            out += [f"== after {s.name} ({s.n_ops} ops: {counts}) ==" if s.name != "input" else
                    f"== input ({s.n_ops} ops: {counts}) ==", s.text, ""]
        if self.groups:
            out.append("== fusion groups ==")
            for g in self.groups:
                out.append(f"{g['name']}: {len(g['members'])} ops over {g['shape']}"
                           + (f", reduces axes {g['reduce_axes']}" if g["reduce_axes"] else "")
                           + f" -> {len(g['exits'])} output(s)")
                out.append("    " + " -> ".join(g["members"]))
            out.append("")
        if kernels:
            for name, src in self.kernels:
                out += [f"== kernel {name} ==", src]
        out += ["== plan ==", self.plan_source]
        return "\n".join(out)

    def __str__(self):
        return self.report()


def explain(fn_or_graph, *args, fetches=None, feeds=None, feed_shapes=None, options: Optional[dict] = None,
            compile: bool = False) -> Explanation:
    """Explain how graphflow compiles `fn_or_graph`.

    Args:
      fn_or_graph: a gf.function, a Python function of tensors (traced with one placeholder per
        argument in `args`: arrays, or (shape, dtype) pairs), or a Graph (then give `fetches`
        and optionally `feeds`, the placeholders, and `feed_shapes`).
      options: pass switches, as for gf.config.optimizer.set_experimental_options.
      compile: also compile the kernels (by default only their source is generated).
    Returns:
      An Explanation; `str()` of it is the full report, `.svg()` a picture when Graphviz is there.
    """
    graph, fetches, feeds = _as_graph(fn_or_graph, args, fetches, feeds)
    if feed_shapes is None:
        feed_shapes = [_concrete(t) for t in feeds]
    from . import compiler
    from .graph.export import to_dot
    from .passes import manager
    from .passes.program import specialise
    stages: list = []

    inputs: list = []

    def dump(name, prog):
        if not stages:
            inputs.append(prog)
        stages.append(Stage(name, to_text(prog), manager.op_counts(prog)))
    config = compiler.configure(options, load_kernel=None if compile else _source_only)
    ex = compiler.build(specialise(graph, list(fetches), [], list(feeds), feed_shapes), config, dump=dump)
    prog, stats = ex.program, ex.stats
    for stage in stages[1:]:
        stage.stats = next((s for s in stats if s["pass"] == stage.name), {})
    groups = []
    for op in prog.operations:
        group = op.attrs.get("group") if isinstance(op.attrs, dict) else None
        if group is not None and hasattr(group, "members"):
            groups.append({"name": op.name, "type": op.type, "shape": group.shape, "reduce_axes": group.reduce_axes,
                           "members": [m.opdef.name for m in group.members],
                           "exits": [type_str(t.dtype, t.shape) for t in op.outputs]})
    kernels = [(f"gfk_{k.key}", k.source) for k in ex.kernels]
    return Explanation(stages, groups, kernels, ex.source, to_dot(prog, "graphflow"), prog, inputs[0])


def _source_only(src):
    """Stands in for a compiled kernel when explain only shows source."""
    def not_compiled(*args):
        raise RuntimeError("explain(compile=False) generated this kernel's source only")
    return not_compiled


def _concrete(t):
    dims = t.shape.dims
    if dims is None or any(d is None for d in dims):
        raise ValueError(f"explain: the shape of {t.name} is {t.shape}; pass feed_shapes (or concrete arguments)")
    return tuple(dims)


def _as_graph(target, args, fetches, feeds):
    from .graph.graph import Graph
    if isinstance(target, Graph):
        if fetches is None:
            raise ValueError("explain(graph): pass fetches=[tensors to compute]")
        fetches = list(fetches) if isinstance(fetches, (list, tuple)) else [fetches]
        if feeds is None:
            from .graph.interpreter import prune
            feeds = [op.outputs[0] for op in prune([t.op for t in fetches], set()) if op.opdef.source == FEED]
        return target, fetches, list(feeds)
    concrete = getattr(target, "get_concrete_function", None)
    if concrete is not None:
        cf = concrete(*args)
        g = cf.graph
        return g, list(g.outputs), list(g.inputs)
    return _trace(target, args)


def _trace(fn, args):
    """Trace a Python function into a TF1-style graph with one placeholder per argument."""
    from . import dtypes
    from .graph.graph import Graph
    from .ops.api import convert_to_tensor
    graph = Graph()
    feeds = []
    with graph.as_default():
        from .graph.placeholders import placeholder
        for i, a in enumerate(args):
            if isinstance(a, tuple) and len(a) == 2 and not isinstance(a[0], (int, float)):
                shape, dtype = a
            else:
                arr = np.asarray(a)
                shape, dtype = arr.shape, dtypes.as_dtype(arr.dtype if arr.dtype != np.float64 else np.float32)
            feeds.append(placeholder(dtypes.as_dtype(dtype), shape, name=f"arg{i}"))
        out = fn(*feeds)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        outs = [convert_to_tensor(o) for o in outs]
    return graph, outs, feeds


# ---- `graphflow explain` ------------------------------------------------------------------------

EXAMPLES = {
    "W1": ("the GELU chain (BENCHMARKS.md W1)",
           lambda x: 0.5 * x * (1.0 + _gf().tanh(0.7978845608 * (x + 0.044715 * x * x * x))), ["4194304"]),
    "W2": ("x = x + 1.0, 100 times on a scalar (W2)", lambda x: _chain_add(x), [""]),
    "W6": ("a 100-op chain alternating x*1.0001 and x+0.5 (W6)", lambda x: _chain_w6(x, 100), ["1024"]),
    "MLP": ("dense + bias + relu, then a softmax cross-entropy",
            lambda x, w, b, y: _gf().reduce_mean(_gf().nn.sparse_softmax_cross_entropy_with_logits(
                labels=y, logits=_gf().nn.relu(_gf().matmul(x, w) + b))), ["256,64", "64,10", "10", "256:int32"]),
}


def _gf():
    import graphflow
    return graphflow


def _chain_add(x):
    for _ in range(100):
        x = x + 1.0
    return x


def _chain_w6(x, k):
    for i in range(k):
        x = x * 1.0001 if i % 2 == 0 else x + 0.5
    return x


def add_explain_parser(sub):
    p = sub.add_parser(
        "explain", help="show what the compiler does to a function: passes, fusion groups, kernels, plan",
        description="Trace a function with one placeholder per --input, run the optimisation passes and "
                    "print the program after each pass, the fusion groups, the generated numba kernels and "
                    "the plan. TARGET is a built-in example (" + ", ".join(EXAMPLES) + "), module:function "
                    "or path/to/file.py:function.")
    p.add_argument("target", help="W1, W2, W6, MLP, module:function or file.py:function")
    p.add_argument("--input", action="append", default=[], metavar="SHAPE[:DTYPE]",
                   help="one per argument: comma-separated dims and a dtype, e.g. 256,64:float32 ('' = scalar)")
    p.add_argument("--disable", default="", metavar="PASS,...", help="passes to switch off, e.g. fusion,remapping")
    p.add_argument("--final-only", action="store_true", help="only the input and the optimised program")
    p.add_argument("--no-kernels", action="store_true", help="leave out the generated kernel sources")
    p.add_argument("--compile", action="store_true", help="also compile the kernels (into the kernel cache)")
    p.add_argument("--dot", metavar="FILE", help="write the optimised program as Graphviz DOT")
    p.add_argument("--svg", metavar="FILE", help="write it as SVG (needs Graphviz's dot; else DOT is written)")
    p.set_defaults(func=run_explain)
    return p


def _parse_input(text: str):
    from . import dtypes
    shape_text, _, dtype = text.partition(":")
    dims = tuple(int(d) for d in shape_text.split(",") if d.strip())
    return dims, dtypes.as_dtype(dtype or "float32")


def _load_target(target: str):
    import importlib
    import importlib.util
    import os
    if target.upper() in EXAMPLES:
        _, fn, inputs = EXAMPLES[target.upper()]
        return fn, inputs
    module_name, _, attr = target.rpartition(":")
    if not module_name or not attr:
        raise SystemExit(f"graphflow explain: TARGET must be one of {', '.join(EXAMPLES)} or module:function, "
                         f"got {target!r}")
    if module_name.endswith(".py") or os.path.sep in module_name:
        spec = importlib.util.spec_from_file_location("graphflow_explain_target", module_name)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(module_name)
    fn = getattr(module, attr)
    return getattr(fn, "python_function", fn), None


def run_explain(args, after=None) -> int:
    """Print the report for the parsed command line; `after(explanation)` then writes extra outputs."""
    import sys
    fn, default_inputs = _load_target(args.target)
    inputs = args.input or default_inputs
    if inputs is None:
        print("graphflow explain: give one --input SHAPE[:DTYPE] per argument of the function", file=sys.stderr)
        return 2
    options = {name.strip(): False for name in args.disable.split(",") if name.strip()}
    result = explain(fn, *[_parse_input(i) for i in inputs], options=options, compile=args.compile)
    print(result.report(passes=not args.final_only, kernels=not args.no_kernels))
    if after is not None:
        after(result)
    if args.dot:
        with open(args.dot, "w") as f:
            f.write(result.dot)
    if args.svg:
        svg = result.svg()
        if svg is None:
            print("graphflow explain: Graphviz's `dot` is not installed; wrote DOT text instead", file=sys.stderr)
        with open(args.svg, "w") as f:
            f.write(svg if svg is not None else result.dot)
    return 0
