"""Higher-order functions: map_fn, vectorized_map, scan, foldl, foldr, switch_case, case,
custom_gradient (and grad_pass_through, recompute_grad), py_function, numpy_function, hessians.

map_fn/scan/foldl/foldr unroll over the leading dimension when it is known when the call is made
(always when eager; in graphs, a static first dimension): each element's computation is built
once, so gradients and fusion come for free. map_fn over a first dimension known only when the
graph runs is a gf.while_loop. switch_case/case are chains of `cond`.
The CustomGradient, EagerPyFunc and PyFunc ops carry a Python callable in their attrs; they stand
on this floor because their gradients run tapes.
"""
from __future__ import annotations

import functools
import inspect

import numpy as np

from .. import context as ctx_mod
from .. import dtypes
from ..eager.tape import GradientTape
from ..eager.tensor import EagerTensor
from ..graph.func_graph import trace_branch
from ..nest import flatten, is_nested, pack_as
from ..ops import api, dispatch
from ..ops.convert import convert_to_tensor
from ..ops.registry import OpDef, Spec, register, set_gradient
from ..shapes import TensorShape
from ..tensor import Tensor
from .control_flow import cond, while_loop

_ctx = ctx_mod.context()


# ---- map_fn, scan, foldl, foldr ----------------------------------------------------------------------

def _leading(leaves, op):
    n = None
    for t in leaves:
        d = t.shape.dims[0] if t.shape.rank else None
        if t.shape.rank == 0:
            raise ValueError(f"{op}: elements must have at least one dimension to unstack, got a scalar")
        if d is None:
            raise ValueError(f"{op}: the first dimension of the elements must be known (got shape {t.shape})")
        if n is not None and d != n:
            raise ValueError(f"{op}: all elements must have the same first dimension, got {n} and {d}")
        n = d
    return n


def _unstacked(elems, op):
    leaves = [convert_to_tensor(e) for e in flatten(elems)]
    n = _leading(leaves, op)
    rows = [api.unstack(t, n) if n else [] for t in leaves]
    return n, [pack_as(elems, [r[i] for r in rows]) for i in range(n)]


def _stack_results(results, signature, op):
    if not results:
        if signature is None:
            raise ValueError(f"{op}: no elements and no fn_output_signature to say what an empty result is")
        specs = flatten(signature)
        return pack_as(signature, [api.zeros([0] + list(_spec_shape(s)), _spec_dtype(s)) for s in specs])
    flat = [flatten(r) for r in results]
    return pack_as(results[0], [api.stack([convert_to_tensor(f[i]) for f in flat]) for i in range(len(flat[0]))])


def _spec_shape(s):
    return getattr(s, "shape", TensorShape(())).as_list() if hasattr(s, "shape") else []


def _spec_dtype(s):
    return s.dtype if hasattr(s, "dtype") else dtypes.as_dtype(s)


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None, fn_output_signature=None):
    """fn applied to each slice elems[i] (the leaves of a nested elems unstacked together); the
    results are stacked. Unrolled over a first dimension known when the call is made, else a
    gf.while_loop (in graphs whose first dimension is known only when they run)."""
    leaves = [convert_to_tensor(e) for e in flatten(elems)]
    if not _ctx.eager and leaves and all(t.shape.rank for t in leaves) and leaves[0].shape.dims[0] is None:
        return _map_loop(fn, elems, leaves)
    n, items = _unstacked(elems, "map_fn")
    return _stack_results([fn(x) for x in items], fn_output_signature or dtype, "map_fn")


def _map_loop(fn, elems, leaves):
    """map_fn over a first dimension known only when the graph runs: a gf.while_loop whose results
    grow by one row a step (a concat, so n steps copy O(n^2) rows). fn is traced once beforehand on
    placeholders to learn its results' structure, dtypes and ranks; the results start empty, with 0
    for the dims not known until the first row (reshaped to that row's shape at step 0)."""
    n = api.shape(leaves[0])[0]

    def element(i):
        return pack_as(elems, [api.gather(t, i) for t in leaves])

    probe = trace_branch(lambda *xs: fn(pack_as(elems, list(xs))), [(t.shape[1:], t.dtype) for t in leaves],
                         ctx_mod.current_graph(), "map_fn_probe")
    rows = probe.outputs
    if any(r.shape.rank is None for r in rows):
        raise ValueError("map_fn: over a first dimension known only when the graph runs, fn's results must have "
                         "a known rank")
    start = [api.zeros([0] + [d or 0 for d in r.shape.dims], r.dtype) for r in rows]
    invariants = [TensorShape(())] + [TensorShape((None,) + r.shape.dims) for r in rows]

    def body(i, *results):
        out = [convert_to_tensor(o) for o in flatten(fn(element(i)))]
        grown = [api.concat([api.reshape(acc, api.concat([api.reshape(i, [1]), api.shape(o)], 0)),
                             api.expand_dims(o, 0)], 0) for acc, o in zip(results, out)]
        return (i + 1, *grown)

    final = while_loop(lambda i, *results: api.less(i, n), body, [api.constant(0), *start],
                       shape_invariants=invariants)
    return pack_as(probe.structured_outputs, list(final[1:]))


def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """map_fn's results (graphflow runs the per-element computation for each element, which gives
    what vectorization would)."""
    return map_fn(fn, elems)


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, infer_shape=True,
         reverse=False, name=None):
    """The running accumulation acc = fn(acc, elems[i]), every step's acc stacked. Without an
    initializer the first element is the first accumulator (and the first output)."""
    n, items = _unstacked(elems, "scan")
    if reverse:
        items = items[::-1]
    if initializer is None:
        if not items:
            raise ValueError("scan: elems must not be empty when there is no initializer")
        acc, items, out = items[0], items[1:], [items[0]]
    else:
        acc, out = initializer, []
    for x in items:
        acc = fn(acc, x)
        out.append(acc)
    if reverse:
        out = out[::-1]
    return _stack_results(out, initializer, "scan")


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    """acc = fn(acc, x) over elems from the first element on; returns the last acc."""
    return _fold(fn, elems, initializer, reverse=False, op="foldl")


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    """acc = fn(acc, x) over elems from the last element back; returns the last acc."""
    return _fold(fn, elems, initializer, reverse=True, op="foldr")


def _fold(fn, elems, initializer, reverse, op):
    n, items = _unstacked(elems, op)
    if reverse:
        items = items[::-1]
    if initializer is None:
        if not items:
            raise ValueError(f"{op}: elems must not be empty when there is no initializer")
        acc, items = items[0], items[1:]
    else:
        acc = initializer
    for x in items:
        acc = fn(acc, x)
    return acc


# ---- switch_case, case ---------------------------------------------------------------------------------

def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """The result of branch_fns[branch_index]() (a list, or a dict int -> callable); an index out of
    range runs `default`, or the last branch when there is no default."""
    pairs = sorted(branch_fns.items()) if isinstance(branch_fns, dict) else list(enumerate(branch_fns))
    if not pairs:
        raise ValueError("switch_case: branch_fns must not be empty")
    if [k for k, _ in pairs] != list(range(len(pairs))):
        raise ValueError(f"switch_case: branch indices (keys) must form the contiguous range [0, {len(pairs)}), "
                         f"got {[k for k, _ in pairs]}")
    for k, f in pairs:
        if not callable(f):
            raise TypeError(f"switch_case: branch {k} is not callable")
    default = default or pairs[-1][1]
    idx = convert_to_tensor(branch_index)
    if idx.dtype not in (dtypes.int32, dtypes.int64) or idx.shape.rank not in (None, 0):
        raise TypeError(f"switch_case: branch_index must be an int32 or int64 scalar, got {idx.dtype.name} "
                        f"{idx.shape}")
    if isinstance(idx, EagerTensor):
        chosen = dict(pairs).get(int(idx.numpy()), default)
        return chosen()
    result = default
    for k, f in reversed(pairs):
        result = _chain(api.equal(idx, k), f, result)
    return result()


def _chain(pred, fn, rest):
    return lambda: cond(pred, fn, rest)


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The result of the fn of the first true predicate in pred_fn_pairs; `default` when none is
    true (without a default, the last pair's fn is the default). With `exclusive`, more than one
    true predicate is an InvalidArgumentError."""
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    for _, f in pairs:
        if not callable(f):
            raise TypeError("case: fn in pred_fn_pairs must be callable")
    if default is None:
        if not pairs:
            raise ValueError("case: pred_fn_pairs must not be empty without a default")
        pairs, default = pairs[:-1], pairs[-1][1]
    preds = [convert_to_tensor(p) for p, _ in pairs]
    if exclusive and preds:
        count = api.add_n([api.cast(p, dtypes.int32) for p in preds]) if len(preds) > 1 else api.cast(preds[0],
                                                                                                       dtypes.int32)
        check = api.Assert(api.less_equal(count, 1), ["Input error: exclusive=True: more than 1 conditions "
                                                      "(preds) evaluated as True:", api.stack(preds)])
        if check is not None and not _ctx.eager:
            with api.control_dependencies([check]):
                preds = [api.identity(p) for p in preds]
    if all(isinstance(p, EagerTensor) for p in preds):
        for p, (_, f) in zip(preds, pairs):
            if bool(p.numpy()):
                return f()
        return default()
    result = default
    for p, (_, f) in reversed(list(zip(preds, pairs))):
        result = _chain(p, f, result)
    return result()


# ---- custom_gradient --------------------------------------------------------------------------------------

def _custom_infer(*specs, grad_fn, n_x, n_v):
    return [Spec(s.shape, s.dtype) for s in specs[n_x + n_v:]]


def _custom_kernel(*arrays, grad_fn, n_x, n_v):
    return tuple(arrays[n_x + n_v:])


register(OpDef("CustomGradient", _custom_infer, _custom_kernel, num_outputs=-1, foldable=False))


@set_gradient("CustomGradient")
def _custom_gradient_grad(op, *gs):
    a = op.attrs
    n_x = a["n_x"]
    ys = op.outputs
    gs = [api.zeros_like(y) if g is None else g for g, y in zip(gs, ys)]
    grad_fn, variables = a["grad_fn"]
    if variables:
        x_grads, v_grads = grad_fn(*gs, variables=list(variables))
    else:
        x_grads, v_grads = grad_fn(*gs), []
    x_grads = list(x_grads) if isinstance(x_grads, (list, tuple)) else [x_grads]
    if len(x_grads) != n_x:
        raise ValueError(f"custom_gradient: the gradient function returned {len(x_grads)} gradients for {n_x} "
                         f"inputs")
    return x_grads + list(v_grads) + [None] * len(ys)


def _takes_variables(grad_fn):
    try:
        params = inspect.signature(grad_fn).parameters
    except (TypeError, ValueError):
        return False
    return "variables" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def custom_gradient(f=None):
    """Decorator: f(*x) returns (y, grad_fn); the gradient of y with respect to x is grad_fn(dy)
    instead of the gradient of f's computation. When grad_fn takes `variables`, the variables f
    reads get the second list grad_fn returns."""
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        xs = [a for a in flatten(list(args)) if isinstance(a, Tensor)]
        saved = _ctx.tapes
        _ctx.tapes = []                      # f's own computation is not differentiated
        try:
            with GradientTape() as inner:
                for x in xs:
                    if x.dtype.is_floating:
                        inner.watch(x)
                y, grad_fn = f(*args, **kwargs)
        finally:
            _ctx.tapes = saved
        variables = [v for v in inner.watched_variables() if v.trainable] if _takes_variables(grad_fn) else []
        if variables and not _takes_variables(grad_fn):
            raise TypeError("custom_gradient: f reads variables, so grad_fn must accept a `variables` argument")
        reads = [convert_to_tensor(v) for v in variables]      # recorded by the outer tapes
        leaves = [convert_to_tensor(t) for t in flatten(y)]
        outs = dispatch.apply(_OP(), tuple(xs + reads + leaves),
                              {"grad_fn": (grad_fn, tuple(variables)), "n_x": len(xs), "n_v": len(reads)})
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        return pack_as(y, outs) if is_nested(y) else outs[0]
    return wrapped


def _OP():  # noqa: N802
    from ..ops.registry import get
    return get("CustomGradient")


def grad_pass_through(f):
    """f's forward value with the identity as its gradient (e.g. for a non-differentiable step)."""
    @custom_gradient
    def passed(x):
        return f(x), lambda dy: dy
    return passed


def recompute_grad(f):
    """f itself: graphflow keeps the forward values a gradient needs, so the values and gradients
    are those TensorFlow computes by recomputing f in the backward pass."""
    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        return f(*args, **kwargs)
    return wrapped


# ---- py_function, numpy_function ---------------------------------------------------------------------------

def _host_infer(*specs, func, Tout, multi):  # noqa: N803
    return [Spec(TensorShape(None), t) for t in Tout]


def _results(out, Tout, multi):  # noqa: N803
    outs = list(out) if multi else [out]
    if len(outs) != len(Tout):
        raise ValueError(f"the function returned {len(outs)} values, Tout expects {len(Tout)}")
    return tuple(np.asarray(o.numpy() if hasattr(o, "numpy") else o, dtype=t.np) for o, t in zip(outs, Tout))


def _eager_py_func(*arrays, func, Tout, multi):  # noqa: N803
    with ctx_mod.eager_mode():
        out = func(*[EagerTensor(a) for a in arrays])
    return _results(out, Tout, multi)


def _py_func(*arrays, func, Tout, multi):  # noqa: N803
    return _results(func(*arrays), Tout, multi)


register(OpDef("EagerPyFunc", _host_infer, _eager_py_func, num_outputs=-1, stateful=True))
register(OpDef("PyFunc", _host_infer, _py_func, num_outputs=-1, stateful=True, differentiable=False))


@set_gradient("EagerPyFunc")
def _eager_py_func_grad(op, *gs):
    """Differentiate func under a tape, in another EagerPyFunc (so it runs in graphs too)."""
    a = op.attrs
    xs = list(op.inputs)
    n = len(xs)
    float_x = [x.dtype.is_floating for x in xs]
    gs = [api.zeros_like(y) if g is None else g for g, y in zip(gs, op.outputs)]

    def vjp(*tensors):
        x, dy = list(tensors[:n]), list(tensors[n:])
        with GradientTape() as tape:
            for t, f in zip(x, float_x):
                if f:
                    tape.watch(t)
            y = a["func"](*x)
        ys = list(y) if a["multi"] else [y]
        grads = tape.gradient(ys, x, output_gradients=dy)
        return [api.zeros_like(t) if g is None else g for t, g in zip(x, grads)]
    out = dispatch.apply(op.opdef, tuple(xs + gs), {"func": vjp, "Tout": tuple(x.dtype for x in xs), "multi": True})
    out = list(out) if isinstance(out, (list, tuple)) else [out]
    return [g if f else None for g, f in zip(out, float_x)]


def _host_call(opname, func, inp, Tout):  # noqa: N803
    multi = isinstance(Tout, (list, tuple))
    touts = tuple(dtypes.as_dtype(t) for t in (Tout if multi else [Tout]))
    xs = tuple(convert_to_tensor(x) for x in inp)
    from ..ops.registry import get
    out = dispatch.apply(get(opname), xs, {"func": func, "Tout": touts, "multi": multi})
    if multi:
        return list(out) if isinstance(out, (list, tuple)) else ([] if out is None else [out])
    return out[0] if isinstance(out, (list, tuple)) else out


def py_function(func, inp, Tout, name=None):  # noqa: N803
    """Call the Python function `func` on tensors (eager ones, even inside graphs) and return its
    results as tensors of dtypes Tout; differentiable through a tape on func."""
    return _host_call("EagerPyFunc", func, inp, Tout)


def numpy_function(func, inp, Tout, stateful=True, name=None):  # noqa: N803
    """Call the Python function `func` on numpy arrays and return its results as tensors of Tout
    (not differentiable)."""
    return _host_call("PyFunc", func, inp, Tout)


# ---- hessians ---------------------------------------------------------------------------------------------

def hessians(ys, xs, name="hessians", colocate_gradients_with_ops=False, gate_gradients=False,
             aggregation_method=None):
    """The Hessian of sum(ys) with respect to each x in xs, shaped x.shape + x.shape (graphs only,
    as in TensorFlow)."""
    if _ctx.eager:
        raise RuntimeError("tf.hessians is not supported when eager execution is enabled. Use tf.GradientTape "
                           "instead.")
    from ..autodiff import gradients
    xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    out = []
    for x in xs:
        g = gradients(ys, [x])[0]
        n = x.shape.num_elements()
        if n is None:
            raise ValueError("hessians: the shape of x must be fully known")
        flat = api.reshape(g, [-1])
        rows = [gradients(flat[i], [x])[0] for i in range(n)]
        rows = [api.zeros_like(x) if r is None else r for r in rows]
        out.append(api.reshape(api.stack(rows), x.shape.as_list() + x.shape.as_list()))
    return out


