"""`while` and `for` at trace time: Python loops over Python values (unrolled into the trace),
gf.while_loop over graph tensors, with the loop variables the analysis found.

A `while` whose test becomes a graph tensor after some Python iterations continues as a graph
loop from the state reached; a Python `for` whose early exit (break, return) becomes a graph
tensor runs its remaining iterations under gf.cond. Objects that build their own graph loop
(gf.data datasets) are iterated through their `_as_graph_loop` method.
"""
from __future__ import annotations

from ... import context as ctx_mod
from ...function import control_flow as control
from ...graph.func_graph import FuncGraph, flatten, pack_as, tracing
from ...ops import api
from ...ops.array import range_inputs
from ...shapes import TensorShape
from . import state
from .conditionals import if_stmt
from .variables import Undefined

# ---- while ----------------------------------------------------------------------------------------------

def while_stmt(test, body, get_state, set_state, symbol_names: tuple, opts: dict) -> None:
    """`while test(): body()`: a Python loop while `test()` gives Python values or eager tensors, a
    gf.while_loop (from the current state) as soon as it gives a graph tensor.

    Args:
      opts: loop options from `set_loop_options` (shape_invariants, maximum_iterations).
    """
    while True:
        verdict = test()
        if state.is_graph_tensor(verdict):
            graph_loop(test, body, get_state, set_state, symbol_names, opts)
            return
        if not verdict:
            return
        body()


# ---- for ------------------------------------------------------------------------------------------------

def for_stmt(iterable, extra_test, body, get_state, set_state, symbol_names: tuple, opts: dict) -> None:
    """`for x in iterable: body(x)`, stopping early when `extra_test()` (break/return flags) is false.

    A graph tensor is iterated along its first axis by a gf.while_loop; so are `zip` and
    `enumerate` of graph tensors; a range (`range`/`gf.range` in a graph) by a counter from its
    start, as TensorFlow's AutoGraph loops over a Range op. An object whose class has
    `_as_graph_loop` (a gf.data Dataset) builds the loop itself (see `_graph_loop_protocol`).
    Other Python iterables (lists, ranges, eager tensors) unroll into the trace.
    """
    if hasattr(type(iterable), "_as_graph_loop") and not ctx_mod.context().eager:
        _graph_loop_protocol(iterable, extra_test, body, get_state, set_state, symbol_names)
    elif state.is_graph_tensor(iterable) and range_inputs(iterable) is not None:
        _range_for(range_inputs(iterable), extra_test, body, get_state, set_state, symbol_names, opts)
    elif state.is_graph_tensor(iterable):
        _tensor_for([iterable], lambda i, items: items[0], extra_test, body, get_state, set_state, symbol_names,
                    opts)
    elif isinstance(iterable, TensorZip):
        _tensor_for(iterable.tensors, lambda i, items: tuple(items), extra_test, body, get_state, set_state,
                    symbol_names, opts)
    elif isinstance(iterable, TensorEnumerate):
        start = iterable.start
        _tensor_for([iterable.tensor], lambda i, items: (api.add(i, start), items[0]), extra_test, body, get_state,
                    set_state, symbol_names, opts)
    else:
        _python_for(iterable, extra_test, body, get_state, set_state, symbol_names)


def _python_for(iterable, extra_test, body, get_state, set_state, names):
    for item in iterable:
        verdict = True if extra_test is None else extra_test()
        if state.is_graph_tensor(verdict):
            # A break or return decided by a graph tensor: this and each later iteration only run
            # when it has not happened yet.
            if_stmt(verdict, lambda item=item: body(item), lambda: None, get_state, set_state, names, len(names))
            continue
        if not verdict:
            return
        body(item)


def _counted_loop(more, first, element_of, next_of, extra_test, body, get_state, set_state, names, opts):
    """A graph loop over a counter `i` (an extra loop variable): `body(element_of(i))` while `more(i)`."""
    counter = [first]

    def get():
        return (counter[0],) + tuple(get_state())

    def set_(values):
        counter[0] = values[0]
        set_state(tuple(values[1:]))

    def test():
        in_range = more(counter[0])
        if extra_test is None:
            return in_range
        extra = extra_test()
        return api.logical_and(in_range, extra) if state.is_tensor(extra) else (in_range if extra else
                                                                                 api.constant(False))

    def step():
        i = counter[0]
        body(element_of(i))
        counter[0] = next_of(i)

    graph_loop(test, step, get, set_, ("<iteration counter>",) + tuple(names), opts)


def _tensor_for(tensors: list, item_of, extra_test, body, get_state, set_state, names, opts):
    """A graph loop over the first axis of `tensors` (zipped: as long as the shortest); the loop's
    item at index i is `item_of(i, [t[i] for t in tensors])`."""
    lengths = []
    for tensor in tensors:
        t = api.convert_to_tensor(tensor)
        if t.shape.rank == 0:
            raise TypeError(f"cannot iterate over a scalar tensor ({t.name}){state.where()}")
        dim = t.shape.dims[0] if t.shape.dims is not None else None
        lengths.append(dim if dim is not None else api.shape(t)[0])
    static = [n for n in lengths if isinstance(n, int)]
    dynamic = [n for n in lengths if not isinstance(n, int)]
    n = min(static) if static and not dynamic else None
    if n is None:
        n = dynamic[0]
        for other in dynamic[1:] + ([api.constant(min(static))] if static else []):
            n = api.minimum(n, other)
    _counted_loop(lambda i: api.less(i, n), api.constant(0),
                  lambda i: item_of(i, [api.gather(t, i) for t in tensors]), lambda i: api.add(i, 1),
                  extra_test, body, get_state, set_state, names, opts)


class TensorZip:
    """`zip(...)` of graph tensors, as the iterable of a converted for loop."""

    def __init__(self, tensors):
        self.tensors = list(tensors)


class TensorEnumerate:
    """`enumerate(t)` of a graph tensor, as the iterable of a converted for loop."""

    def __init__(self, tensor, start=0):
        self.tensor, self.start = tensor, start


def _range_for(bounds, extra_test, body, get_state, set_state, names, opts):
    """A loop over gf.range(start, limit, delta) counts from start (the range is never built)."""
    start, limit, delta = bounds
    zero = api.zeros([], dtype=start.dtype)

    def more(i):
        return api.logical_or(api.logical_and(api.greater(delta, zero), api.less(i, limit)),
                              api.logical_and(api.less(delta, zero), api.greater(i, limit)))

    _counted_loop(more, start, lambda i: i, lambda i: api.add(i, delta), extra_test, body, get_state, set_state,
                  names, opts)


def _graph_loop_protocol(iterable, extra_test, body, get_state, set_state, names):
    """`for x in iterable` for objects that build their own graph loop (gf.data's Dataset):
    `iterable._as_graph_loop(step, loop_vars)` calls `step(element, *loop_vars)` per element
    and returns the final flat loop variables. A break or return (the extra test) makes the
    remaining elements no-ops, since such a loop runs until its elements end."""
    init = list(get_state())
    for v, n in zip(init, names):
        if isinstance(v, Undefined):
            state.raise_undefined(v, n, "before the loop")
    init = [state.to_tensors(v, n, "before the loop") for v, n in zip(init, names)]
    flat_init = flatten(init)

    def step(element, *flat):
        set_state(tuple(pack_as(init, list(flat))))
        verdict = True if extra_test is None else extra_test()
        if state.is_graph_tensor(verdict):
            if_stmt(verdict, lambda: body(element), lambda: None, get_state, set_state, names, len(names))
        elif verdict:
            body(element)
        after = [state.to_tensors(v, n, "after one iteration") for v, n in zip(get_state(), names)]
        for v0, v1, n in zip(init, after, names):
            state.check_same_kind(n, v0, v1, "before the loop", "after one iteration")
            state.check_shape(n, v0, v1, [t.shape for t in flatten(v0)])
        return tuple(flatten(after))

    out = iterable._as_graph_loop(step, tuple(flat_init))
    set_state(tuple(pack_as(init, list(out))))


# ---- the graph loop -------------------------------------------------------------------------------------

def graph_loop(test, body, get_state, set_state, names, opts) -> None:
    """gf.while_loop over the variables `get_state` returns, checked against the loop rules.

    Variables still undefined when the loop starts get a zero stand-in of the type one
    iteration gives them (run once, in a scratch graph)."""
    if not names:                       # only side effects: the loop still needs one variable
        dummy = [api.constant(0)]
        graph_loop(test, body, lambda: (dummy[0],), lambda v: dummy.__setitem__(0, v[0]), ("<no variables>",),
                   opts)
        return
    init = list(get_state())
    if any(isinstance(v, Undefined) for v in init) or any(state.has_unshaped_array(v) for v in init):
        init = _define_from_one_iteration(init, body, get_state, set_state, names)
    raw = init
    init = [state.to_tensors(v, n, "before the loop") for v, n in zip(init, names)]
    invariants = _shape_invariants(opts.get("shape_invariants"), get_state(), init, names)
    invariants = [state.dynamic_array_dims(r, inv) for r, inv in zip(raw, invariants)]

    def set_state(values, _set=set_state):      # TensorArrays travel as their buffers
        _set(tuple(state.rebuild(r, v) for r, v in zip(raw, values)))

    def cond_fn(*values):
        set_state(values)
        verdict = test()
        if not state.is_tensor(verdict):
            verdict = api.constant(bool(verdict))
        return verdict

    def body_fn(*values):
        set_state(values)
        body()
        after = [state.to_tensors(v, n, "after one iteration") for v, n in zip(get_state(), names)]
        for v0, v1, n, inv in zip(init, after, names, invariants):
            state.check_same_kind(n, v0, v1, "before the loop", "after one iteration")
            state.check_shape(n, v0, v1, inv)
        return tuple(after)

    shape_invariants = tuple(pack_as(v, inv) for v, inv in zip(init, invariants))
    outs = control.while_loop(cond_fn, body_fn, tuple(init), shape_invariants=shape_invariants,
                              maximum_iterations=opts.get("maximum_iterations"))
    set_state(tuple(outs))


def _shape_invariants(given, initial_values, init, names) -> list:
    """Per variable, the shape of each leaf it must keep: its initial shape unless
    `shape_invariants=[(var, shape), ...]` names the variable (matched by identity, as in TF)."""
    by_id = {}
    for pair in given or ():
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
            raise ValueError(f"shape_invariants must be a list of (variable, shape) pairs, got {pair!r}{state.where()}")
        by_id[id(pair[0])] = pair[1]
    out = []
    for raw, tensors, name in zip(initial_values, init, names):
        leaves = flatten(tensors)
        shape = by_id.get(id(raw))
        if shape is None:
            out.append([t.shape for t in leaves])
            continue
        shapes = flatten(shape) if isinstance(shape, dict) or (isinstance(shape, (list, tuple)) and shape and
                                                                not isinstance(shape[0], (int, type(None)))) \
            else [shape]
        shapes = [s if isinstance(s, TensorShape) else TensorShape(s) for s in shapes]
        if len(shapes) != len(leaves):
            raise ValueError(f"the shape invariant of '{name}' has {len(shapes)} shapes for {len(leaves)} tensors"
                             f"{state.where()}")
        for t, s in zip(leaves, shapes):
            if not s.is_compatible_with(t.shape):
                raise ValueError(f"the shape invariant {s} of '{name}' does not admit its shape {t.shape} before the "
                                 f"loop{state.where()}")
        out.append(shapes)
    return out


def _define_from_one_iteration(init, body, get_state, set_state, names):
    """Trace one iteration in a scratch graph to learn the type of variables undefined before the
    loop; they start as zeros of that type (their value is only read after being assigned). A
    TensorArray with nothing written and no element_shape learns its element shape there."""
    outer = ctx_mod.current_graph()
    scratch = FuncGraph("autograph_undefined_probe", outer_graph=outer, lift_captures=True)
    with tracing(scratch):
        set_state(tuple(init))
        body()
        after = list(get_state())
    set_state(tuple(init))
    out = []
    for v0, v1, name in zip(init, after, names):
        if not isinstance(v0, Undefined):
            state.learn_element_shapes(v0, v1)
            out.append(v0)
            continue
        leaves = flatten(v1)
        if isinstance(v1, Undefined) or any(t is None or isinstance(t, Undefined) for t in leaves):
            state.raise_undefined(v0, name, "before the loop")
        tensors = flatten(state.to_tensors(v1, name, "after one iteration"))
        if not all(t.shape.is_fully_defined() for t in tensors):
            state.raise_undefined(v0, name, "before the loop (its shape after one iteration is not fully known, "
                                  "so no stand-in can be made)")
        out.append(pack_as(v1, [api.zeros(t.shape.dims, dtype=t.dtype) for t in tensors]))
    return out
