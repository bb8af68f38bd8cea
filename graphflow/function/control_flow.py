"""Control flow as graph ops: gf.cond (If / StatelessIf), gf.while_loop (While / StatelessWhile),
and PartitionedCall, the op a tape records when a gf.function is called eagerly under it.

Eagerly, cond calls the chosen branch and while_loop is a Python loop. While a graph is built
(TF1 or inside gf.function) the branches, condition and body are traced into FuncGraphs held in
the op's attrs; values they capture from outside become explicit op inputs, and the kernels run
the sub-graphs' compiled plans. Gradients recompute the sub-graph under a GradientTape (see
docs/function.md for what that implies for random ops and for while_loop's cost).
Its kernels run compiled sub-graphs and its gradients run tapes, so it stands on the function floor.
"""
from __future__ import annotations

import numpy as np

from .. import context as ctx_mod
from .. import dtypes
from ..eager.tape import GradientTape
from ..eager.tensor import EagerTensor
from ..graph.func_graph import (
    FuncGraph,
    is_variable_read,
    pack_branch_outputs,
    replay,
    trace_branch,
    unify_captures,
    variable_inputs,
)
from ..graph.graph import SymbolicTensor
from ..nest import flatten, pack_as, signature
from ..ops import api, dispatch
from ..ops.convert import convert_to_tensor
from ..ops.registry import OPAQUE, OpDef, Spec, register, set_gradient
from ..shapes import TensorShape
from ..tensor import Tensor
from ..variables import is_variable

_ctx = ctx_mod.context()


def _merge_shapes(a: TensorShape, b: TensorShape) -> TensorShape:
    """The most specific shape both admit: dims that differ become None, ranks that differ unknown."""
    if a.dims is None or b.dims is None or len(a.dims) != len(b.dims):
        return TensorShape(None)
    return TensorShape(tuple(x if x == y else None for x, y in zip(a.dims, b.dims)))


def _is_float(t) -> bool:
    """Whether gradients flow through `t`: float and complex tensors."""
    if type(t) is EagerTensor:
        return t._value.dtype.kind in "fc"
    return t.dtype.is_floating or t.dtype.is_complex


def _gradient_tape():
    return GradientTape(watch_accessed_variables=False)


# ---- If / StatelessIf ------------------------------------------------------------------------------------

def _if_infer(pred, *inputs, then_graph, else_graph, variables=()):
    return [Spec(_merge_shapes(a.shape, b.shape), a.dtype) for a, b in zip(then_graph.outputs, else_graph.outputs)]


def _if_kernel(pred, *args, then_graph, else_graph, variables=()):
    graph = then_graph if pred else else_graph
    feeds = list(args[:len(args) - len(variables)]) if variables else list(args)
    return tuple(graph.plan()(feeds))


_IF_ATTRS = dict(kind=OPAQUE, num_outputs=-1, check_in_eager=False, extra={"replayable": True})
IF = register(OpDef("If", _if_infer, _if_kernel, stateful=True, **_IF_ATTRS))
STATELESS_IF = register(OpDef("StatelessIf", _if_infer, _if_kernel, **_IF_ATTRS))


def _eager_bool(pred) -> bool:
    if isinstance(pred, Tensor) or is_variable(pred):
        value = np.asarray(pred.numpy() if is_variable(pred) else pred._value)
        if value.size != 1:
            raise ValueError(f"cond: pred must be a scalar, got a tensor of shape {value.shape}")
        return bool(value.reshape(()))
    return bool(pred)


def cond(pred, true_fn=None, false_fn=None, name=None):
    """Return `true_fn()` if `pred` is true, else `false_fn()`.

    Eagerly the chosen function simply runs. While a graph is built, both are traced into
    sub-graphs of one If op that picks a branch when it runs; both must return the same
    structure of tensors with the same dtypes (shapes may differ: the output's differing dims
    are unknown).

    Raises:
      TypeError: pred is a Python bool in graph mode, is not a bool tensor, or the branches'
        outputs differ in structure or dtype.
      ValueError: pred is not a scalar.
    """
    if true_fn is None or false_fn is None:
        raise TypeError("cond(): 'true_fn' and 'false_fn' arguments are required")
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")
    if _ctx.eager:
        return true_fn() if _eager_bool(pred) else false_fn()
    if isinstance(pred, (bool, np.bool_)):
        raise TypeError("pred must not be a Python bool", pred)
    pred = convert_to_tensor(pred)
    if pred.dtype is not dtypes.bool_:
        raise TypeError(f"cond: pred must be a bool tensor, got {pred.dtype.name} ({_describe(pred)})")
    if pred.shape.rank not in (None, 0):
        raise ValueError(f"cond: pred must be a scalar, got shape {pred.shape} ({_describe(pred)})")
    outer = ctx_mod.current_graph()
    base = name or "cond"
    then_graph = trace_branch(true_fn, (), outer, f"{base}_true")
    else_graph = trace_branch(false_fn, (), outer, f"{base}_false")
    _check_branches(then_graph, else_graph)
    captures = unify_captures([then_graph, else_graph], [[], []])
    variables, reads = variable_inputs([then_graph, else_graph])
    opdef = IF if then_graph.is_stateful() or else_graph.is_stateful() else STATELESS_IF
    op = outer.create_op(opdef, (pred, *captures, *reads),
                         {"then_graph": then_graph, "else_graph": else_graph, "variables": variables}, base)
    if not op.outputs and not outer.building_function and then_graph.structured_outputs is None:
        return op
    return pack_branch_outputs(then_graph.structured_outputs, list(op.outputs))


def _describe(t) -> str:
    return t.name if isinstance(t, SymbolicTensor) else repr(t)


def _check_branches(then_graph: FuncGraph, else_graph: FuncGraph):
    a, b = then_graph.structured_outputs, else_graph.structured_outputs
    marker = lambda x: "None" if x is None else "."   # noqa: E731

    def fail(detail):
        raise TypeError("true_fn and false_fn arguments to tf.cond must have the same number, type, and overall "
                        f"structure of return values.\n\ntrue_fn output: {a}\nfalse_fn output: {b}\n\n"
                        f"Error details:\n{detail}")
    if signature(a, marker) != signature(b, marker):
        fail(f"The two structures don't have the same nested structure.\n\nFirst structure: {a}\n\n"
             f"Second structure: {b}")
    for x, y in zip(then_graph.outputs, else_graph.outputs):
        if x.dtype is not y.dtype:
            fail(f"{x} and {y} have different types")


# ---- While / StatelessWhile -----------------------------------------------------------------------------

def _while_infer(*inputs, cond_graph, body_graph, n_loop, has_max, variables=()):
    return [Spec(t.shape, t.dtype) for t in body_graph.inputs[:n_loop]] + [Spec(TensorShape(()), dtypes.int32)]


def _while_kernel(*args, cond_graph, body_graph, n_loop, has_max, variables=()):
    n_caps = len(args) - n_loop - len(variables) - int(has_max)
    values = list(args[:n_loop])
    captures = list(args[n_loop:n_loop + n_caps])
    limit = int(args[-1]) if has_max else -1
    test, step = cond_graph.plan(), body_graph.plan()
    count = 0
    while (limit < 0 or count < limit) and test(values + captures)[0]:
        values = list(step(values + captures))
        count += 1
    return (*values, np.int32(count))


_WHILE_ATTRS = dict(kind=OPAQUE, num_outputs=-1, check_in_eager=False, extra={"replayable": True})
WHILE = register(OpDef("While", _while_infer, _while_kernel, stateful=True, **_WHILE_ATTRS))
STATELESS_WHILE = register(OpDef("StatelessWhile", _while_infer, _while_kernel, **_WHILE_ATTRS))


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10, back_prop=True,
               swap_memory=False, maximum_iterations=None, name=None):
    """Repeat `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` is true.

    Args:
      cond: returns a scalar bool (tensor) from the loop variables.
      body: returns new loop variables, the same structure and dtypes as `loop_vars`.
      loop_vars: a tensor, or a (nested) list/tuple/dict of tensors and Python numbers.
      shape_invariants: per loop variable, a TensorShape (None dims vary) it keeps across
        iterations; by default each keeps its initial shape (checked when the graph is built).
      maximum_iterations: stop after this many iterations even if cond still holds.
    Returns:
      The final loop variables, structured like `loop_vars` (as tensors).
    Raises:
      ValueError/TypeError: when body changes the structure, a dtype, or a shape beyond its invariant.
    """
    if not callable(cond):
        raise TypeError("cond must be callable.")
    if not callable(body):
        raise TypeError("body must be callable.")
    if loop_vars is None or (isinstance(loop_vars, (list, tuple, dict)) and not flatten(loop_vars)):
        raise ValueError("'loop_vars' must be provided.")
    packed = isinstance(loop_vars, (list, tuple))
    structure = loop_vars
    current = [convert_to_tensor(v) for v in flatten(loop_vars)]

    def call(fn, values):
        state = pack_as(structure, values)
        return fn(*state) if packed else fn(state)

    if _ctx.eager:
        count = 0
        limit = None if maximum_iterations is None else int(_eager_value(maximum_iterations))
        while (limit is None or count < limit) and _eager_bool(call(cond, current)):
            current = _body_result(call(body, current), structure, current)
            count += 1
        return pack_as(structure, current)

    outer = ctx_mod.current_graph()
    base = name or "while"
    invariants = _invariants(shape_invariants, structure, current)
    specs = [(s, t.dtype) for s, t in zip(invariants, current)]
    cond_graph = trace_branch(lambda *xs: _cond_result(call(cond, list(xs))), specs, outer, f"{base}_cond")
    body_graph = trace_branch(lambda *xs: _body_result(call(body, list(xs)), structure, list(xs)),
                        specs, outer, f"{base}_body")
    for t, out, inv in zip(current, body_graph.outputs, invariants):
        _check_loop_var(t, out, inv, shape_invariants is not None)
    n = len(current)
    captures = unify_captures([cond_graph, body_graph], [cond_graph.inputs[:n], body_graph.inputs[:n]])
    variables, reads = variable_inputs([cond_graph, body_graph])
    inputs = [*current, *captures, *reads]
    if maximum_iterations is not None:
        inputs.append(convert_to_tensor(maximum_iterations, dtype=dtypes.int32))
    opdef = WHILE if cond_graph.is_stateful() or body_graph.is_stateful() else STATELESS_WHILE
    op = outer.create_op(opdef, tuple(inputs), {"cond_graph": cond_graph, "body_graph": body_graph, "n_loop": n,
                                                "has_max": maximum_iterations is not None, "variables": variables},
                         base)
    return pack_as(structure, list(op.outputs[:n]))


def _eager_value(x):
    if isinstance(x, Tensor) or is_variable(x):
        return np.asarray(x.numpy() if is_variable(x) else x._value)
    return x


def _cond_result(result):
    t = convert_to_tensor(result)
    if t.dtype is not dtypes.bool_ or t.shape.rank not in (None, 0):
        raise TypeError(f"while_loop: cond must return a scalar bool, got {t.dtype.name} of shape {t.shape}")
    return t


def _body_result(result, structure, previous):
    """The body's return value as a flat list of tensors, checked against the loop variables."""
    if len(previous) == 1 and not isinstance(result, (list, tuple, dict)):
        result = [result]
    flat = flatten(result)
    loose = lambda s: signature(s, lambda x: ".")   # noqa: E731
    if len(flat) != len(previous) or _loose(loose(result)) != _loose(loose(
            structure if isinstance(structure, (list, tuple, dict)) else [structure])):
        raise ValueError("The two structures don't have the same nested structure.\n\n"
                         f"First structure: {result}\n\nSecond structure: {structure}")
    out = []
    for new, old in zip(flat, previous):
        t = convert_to_tensor(new)
        if t.dtype is not old.dtype:
            raise TypeError(f"Loop var {_describe(old)} enters the loop with type {old.dtype!r} but has type "
                            f"{t.dtype!r} after 1 iteration. {_describe(old)} type should remain constant.")
        out.append(t)
    return out


def _loose(sig):
    """Structure signature where lists and tuples count as the same container (TF checks no types)."""
    if isinstance(sig, tuple) and len(sig) == 2 and sig[0] in ("list", "tuple"):
        return ("seq", tuple(_loose(s) for s in sig[1]))
    if isinstance(sig, tuple) and len(sig) == 3 and isinstance(sig[0], str):
        return (sig[0], sig[1], tuple(_loose(s) for s in sig[2]))
    if isinstance(sig, tuple) and len(sig) == 2 and isinstance(sig[0], type):
        return ("seq", tuple(_loose(s) for s in sig[1]))
    return sig


def _invariants(shape_invariants, structure, current) -> list:
    if shape_invariants is None:
        return [t.shape for t in current]
    if isinstance(shape_invariants, TensorShape) and len(current) == 1:
        flat = [shape_invariants]
    elif isinstance(structure, (list, tuple, dict)):
        flat = _flatten_shapes(shape_invariants)
    else:
        flat = [shape_invariants]
    if len(flat) != len(current):
        raise ValueError(f"shape_invariants has {len(flat)} entries for {len(current)} loop variables")
    out = []
    for inv, t in zip(flat, current):
        inv = inv if isinstance(inv, TensorShape) else TensorShape(inv)
        if not inv.is_compatible_with(t.shape):
            raise ValueError(f"The shape invariant specified for {_describe(t)} is not compatible with the initial "
                             f"shape of the loop variable. It enters the loop with shape {t.shape}, but the "
                             f"specified shape invariant is {inv}.")
        out.append(inv)
    return out


def _flatten_shapes(s) -> list:
    """Flatten a structure of shapes, where a shape may be a TensorShape or a list of dims."""
    if isinstance(s, TensorShape) or s is None:
        return [s if s is not None else TensorShape(None)]
    if isinstance(s, dict):
        return [x for k in sorted(s) for x in _flatten_shapes(s[k])]
    if isinstance(s, (list, tuple)):
        if s and all(d is None or isinstance(d, (int, np.integer)) for d in s):
            return [TensorShape(s)]
        return [x for item in s for x in _flatten_shapes(item)]
    return [TensorShape(s)]


def _check_loop_var(t, out, invariant: TensorShape, explicit: bool):
    """The body's output must be at least as specific as the loop variable's shape invariant."""
    inv, got = invariant.dims, out.shape.dims
    ok = inv is None or (got is not None and len(got) == len(inv)
                         and all(i is None or i == g for i, g in zip(inv, got)))
    if not ok:
        hint = ("" if explicit else " To allow the shape to vary across iterations, use the `shape_invariants` "
                "argument of tf.while_loop to specify a less-specific shape.")
        raise ValueError(f"Input tensor `{_describe(t)}` enters the loop with shape {t.shape}, but has shape "
                         f"{out.shape} after one iteration.{hint}")


# ---- gradients: recompute the sub-graph under a tape -----------------------------------------------------

def _read_substitutes(graph: FuncGraph, variables, reads) -> dict:
    """Map the sub-graph's reads of `variables` to the op's inputs standing for them."""
    by_state = {id(v._state): r for v, r in zip(variables, reads)}
    return {op.outputs[0]: by_state[id(op.attrs["var"])] for op in graph.operations
            if is_variable_read(op) and id(op.attrs["var"]) in by_state}


def _vjp(graph: FuncGraph, inputs: list, reads: list, variables, output_grads: list, diff: list,
         substitutes=None, read_values=None) -> tuple:
    """Recompute `graph` from `inputs` and return (its outputs, gradients of sum(out * dy) w.r.t.
    the inputs+reads at positions `diff`); unconnected gradients are zeros.

    `substitutes` pins tensors of `graph` to given values; `read_values` gives the values the
    forward run read from variables, where they differ from the op's read input."""
    xs = [convert_to_tensor(x) for x in inputs]
    rs = [convert_to_tensor(r) for r in reads]
    sources = xs + rs
    watched = [sources[i] for i in diff]
    subs = dict(substitutes or {})
    subs.update(_read_substitutes(graph, variables, rs))
    with _gradient_tape() as tape:
        tape.watch(watched)
        for t, value in (read_values or {}).items():
            ref = subs.get(t)
            if type(ref) is EagerTensor and np.shape(value) == ref._value.shape \
                    and not np.array_equal(value, ref._value):
                # read after the function changed the variable: that value, with the variable's gradient
                subs[t] = api.add(ref, EagerTensor(np.asarray(value - ref._value, dtype=ref._value.dtype)))
        outs = replay(graph, xs, for_gradient=True, substitutes=subs)
    pairs = [(o, dy) for o, dy in zip(outs, output_grads) if dy is not None and _is_float(o)]
    if pairs and watched:
        grads = tape.gradient([o for o, _ in pairs], watched,
                              output_gradients=[convert_to_tensor(dy) for _, dy in pairs])
    else:
        grads = [None] * len(watched)
    return outs, [api.zeros_like(w) if g is None else g for g, w in zip(grads, watched)]


def _if_grad(op, *dys):
    then_graph, else_graph = op.attrs["then_graph"], op.attrs["else_graph"]
    variables = op.attrs.get("variables", ())
    pred, rest = op.inputs[0], list(op.inputs[1:])
    n_caps = len(rest) - len(variables)
    captures, reads = rest[:n_caps], rest[n_caps:]
    diff = [i for i, s in enumerate(rest) if _is_float(s)]
    if not diff:
        return [None] * len(op.inputs)

    def branch(graph):
        return lambda: _vjp(graph, captures, reads, variables, list(dys), diff)[1]

    grads = cond(pred, branch(then_graph), branch(else_graph))
    out = [None] * len(rest)
    for i, g in zip(diff, grads):
        out[i] = g
    return [None] + out


set_gradient("If")(_if_grad)
set_gradient("StatelessIf")(_if_grad)


def _while_grad(op, *dys):
    """Reverse the loop: for each iteration, from the last, the body's vector-Jacobian product at
    that iteration's state. Eagerly the states are kept in a list (O(n)); in a graph each state is
    recomputed from the initial values (O(n^2) body evaluations; see docs/function.md)."""
    a = op.attrs
    body, n, variables = a["body_graph"], a["n_loop"], a.get("variables", ())
    ins = list(op.inputs)
    n_caps = len(ins) - n - len(variables) - int(a["has_max"])
    init, captures = ins[:n], ins[n:n + n_caps]
    reads = ins[n + n_caps:n + n_caps + len(variables)]
    count = op.outputs[-1]
    float_vars = [i for i in range(n) if _is_float(init[i])]
    float_side = [j for j, s in enumerate(captures + reads) if _is_float(s)]
    if not float_vars and not float_side:
        return [None] * len(ins)
    diff = float_vars + [n + j for j in float_side]       # positions in state + captures + reads
    seeds = [dys[i] for i in float_vars]

    def step_vjp(state, g_vars):
        grads_out = [None] * n
        for i, g in zip(float_vars, g_vars):
            grads_out[i] = g
        _, grads = _vjp(body, list(state) + list(captures), reads, variables, grads_out, diff)
        return grads[:len(float_vars)], grads[len(float_vars):]

    if _ctx.eager:
        states = [list(init)]
        subs = _read_substitutes(body, variables, reads)
        for _ in range(int(count._value)):
            states.append(replay(body, states[-1] + list(captures), for_gradient=True, substitutes=subs))
        g_vars = seeds
        acc = [api.zeros_like((captures + reads)[j]) for j in float_side]
        for state in reversed(states[:-1]):
            g_vars, g_side = step_vjp(state, g_vars)
            acc = [api.add(x, y) for x, y in zip(acc, g_side)]
    else:
        side = [(captures + reads)[j] for j in float_side]

        def recompute(j):
            """The loop variables after j iterations, replaying the body from the initial values."""
            def rbody(k, *s):
                subs = _read_substitutes(body, variables, [convert_to_tensor(r) for r in reads])
                nxt = replay(body, list(s) + [convert_to_tensor(c) for c in captures], for_gradient=True,
                             substitutes=subs)
                return (api.add(k, 1), *nxt)
            return while_loop(lambda k, *s: api.less(k, j), rbody, (api.constant(0), *init),
                              shape_invariants=(TensorShape(()), *[t.shape for t in body.inputs[:n]]))[1:]

        def bwd_body(j, g_vars, acc):
            g_vars, g_side = step_vjp(recompute(j), list(g_vars))
            return api.subtract(j, 1), g_vars, [api.add(x, y) for x, y in zip(acc, g_side)]

        invariants = (TensorShape(()), [body.inputs[i].shape for i in float_vars], [s.shape for s in side])
        _, g_vars, acc = while_loop(lambda j, g, a_: api.greater_equal(j, 0), bwd_body,
                                    (api.subtract(count, 1), list(seeds), [api.zeros_like(s) for s in side]),
                                    shape_invariants=invariants)
    out = [None] * len(ins)
    for i, g in zip(float_vars, g_vars):
        out[i] = g
    for j, g in zip(float_side, acc):
        out[n + j] = g
    return out


set_gradient("While")(_while_grad)
set_gradient("StatelessWhile")(_while_grad)


# ---- PartitionedCall: a gf.function call on a tape ----------------------------------------------------

def _call_infer(*inputs, function, n_inputs, variables, saved):
    return [Spec(t.shape, t.dtype) for t in function.graph.outputs]


def _call_kernel(*arrays, function, n_inputs, variables, saved):
    plan, saved_tensors = function.recording_plan()
    results = plan(list(arrays[:n_inputs]))
    n_out = len(function.graph.outputs)
    saved.clear()
    saved.update(zip(saved_tensors, results[n_out:]))
    return tuple(results[:n_out])


# Only ever run eagerly and recorded on tapes (a call while a graph is built inlines the function),
# so it is declared but not registered: no graph holds it, and no pass or registry-wide test sees it.
PARTITIONED_CALL = OpDef("PartitionedCall", _call_infer, _call_kernel, kind=OPAQUE, stateful=True, num_outputs=-1,
                         check_in_eager=False, extra={"replayable": True})


def call_function(concrete, tensors: list):
    """Run a traced function eagerly as one op the active tapes record (its gradient replays the
    graph with the values the forward run saved for random draws and variable reads)."""
    variables = tuple(v for v in concrete.graph.variables if v.dtype.is_floating)
    reads = [v._as_eager_tensor() for v in variables]          # tapes learn the variables are read
    captures = [EagerTensor(a) for a in concrete._capture_arrays]
    inputs = list(tensors) + captures
    attrs = {"function": concrete, "n_inputs": len(inputs), "variables": variables, "saved": {}}
    outs = dispatch.execute(PARTITIONED_CALL, inputs + reads, attrs)
    outs = [] if outs is None else list(outs)
    return pack_branch_outputs(concrete.graph.structured_outputs, outs)


def _call_grad(op, *dys):
    a = op.attrs
    concrete, n_in, variables, saved = a["function"], a["n_inputs"], a["variables"], a["saved"]
    inputs, reads = list(op.inputs[:n_in]), list(op.inputs[n_in:])
    graph = concrete.graph
    routed = _read_substitutes(graph, variables, reads)
    subs = {t: EagerTensor(v) if _ctx.eager else convert_to_tensor(v)
            for t, v in saved.items() if t not in routed}
    read_values = {t: saved[t] for t in routed if t in saved}
    diff = [i for i, s in enumerate(inputs + reads) if _is_float(s)]
    _, grads = _vjp(graph, inputs, reads, variables, list(dys), diff, substitutes=subs, read_values=read_values)
    out = [None] * len(op.inputs)
    for i, g in zip(diff, grads):
        out[i] = g
    return out


PARTITIONED_CALL.grad = _call_grad
