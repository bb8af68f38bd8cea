"""`if` at trace time: a Python `if` when the condition is a Python value or an eager tensor, a
gf.cond whose outputs are the variables the branches assign when it is a graph tensor."""
from __future__ import annotations

from ...function import control_flow as control
from ...graph.func_graph import flatten, pack_as
from ...ops import api
from ...tensor_spec import TensorSpec
from . import state
from .variables import UndefinedReturnValue


def if_stmt(cond, body, orelse, get_state, set_state, symbol_names: tuple, nouts: int) -> None:
    """Run `body()` or `orelse()`; their effect is on the variables `get_state`/`set_state` access.

    Args:
      cond: the condition (a Python value, an eager tensor or a graph tensor).
      body, orelse: the branches, functions of no arguments that assign the variables.
      get_state, set_state: read and write the variables named `symbol_names`; the first
        `nouts` are live after the statement (the cond's outputs), the rest are only reset
        between the branches.
    """
    if state.is_graph_tensor(cond):
        _graph_if(cond, body, orelse, get_state, set_state, symbol_names, nouts)
    elif cond:
        body()
    else:
        orelse()


class _NeedStandIn(Exception):
    """A return value only one branch sets: trace again with a stand-in for the other branch."""

    def __init__(self, specs: dict):
        super().__init__("internal: retrace the cond with stand-ins for unset return values")
        self.specs = specs


def _graph_if(cond, body, orelse, get_state, set_state, names, nouts):
    init = tuple(get_state())
    try:
        outs = _trace_cond(cond, body, orelse, get_state, set_state, names, nouts, init, {})
    except _NeedStandIn as e:        # the second trace knows every stand-in it needs
        outs = _trace_cond(cond, body, orelse, get_state, set_state, names, nouts, init, e.specs)
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    set_state(tuple(outs[:nouts]) + init[nouts:])


def _trace_cond(cond, body, orelse, get_state, set_state, names, nouts, init, stand_ins):
    traced = {}

    def branch(fn, label):
        def run():
            set_state(init)
            fn()
            values = list(get_state())[:nouts]
            outs = []
            for i, (v, n) in enumerate(zip(values, names)):
                if isinstance(v, UndefinedReturnValue) and i in stand_ins:
                    spec = stand_ins[i]
                    v = None if spec is None else pack_as(spec, [api.zeros(s.shape.dims, dtype=s.dtype)
                                                                 for s in flatten(spec)])
                outs.append(v if v is None or isinstance(v, UndefinedReturnValue)
                            else state.to_tensors(v, n, f"at the end of the {label} branch"))
            traced[label] = outs
            if label == "else":
                _check_branches(traced["main"], outs, names)
            # An unset return value is traced as a placeholder constant: _check_branches asks for
            # a retrace with a stand-in before the cond could ever output it.
            return [api.constant(False) if isinstance(v, UndefinedReturnValue) else v for v in outs]
        return run

    if nouts == 0:
        return control.cond(cond, _no_outputs(branch(body, "main")), _no_outputs(branch(orelse, "else"))) or []
    return control.cond(cond, branch(body, "main"), branch(orelse, "else"))


def _no_outputs(run):
    def wrapped():
        run()
        return None
    return wrapped


def _check_branches(main, other, names):
    """Outputs must be set in both branches, with the same structure and dtypes."""
    missing = {}
    for i, (a, b) in enumerate(zip(main, other)):
        a_unset, b_unset = isinstance(a, UndefinedReturnValue), isinstance(b, UndefinedReturnValue)
        if a_unset and b_unset:
            state.raise_undefined(a, names[i], "in the main and else branches")
        if a_unset or b_unset:
            defined, label = (b, "main") if a_unset else (a, "else")
            if defined is None:               # `return` without a value, and no return: both None
                missing[i] = None
                continue
            if not all(t.shape.is_fully_defined() for t in flatten(defined)):
                state.raise_undefined(UndefinedReturnValue(), names[i], f"in the {label} branch")
            missing[i] = pack_as(defined, [TensorSpec(t.shape, t.dtype) for t in flatten(defined)])
    if missing:
        raise _NeedStandIn(missing)
    for name, a, b in zip(names, main, other):
        if (a is None) != (b is None):        # None in both (e.g. `return` without a value) stays None
            state.to_tensors(None, name, f"at the end of the {'main' if a is None else 'else'} branch")
        if a is not None:
            state.check_same_kind(name, a, b, "in the main branch", "in the else branch")


def if_exp(cond, if_true, if_false):
    """`if_true() if cond else if_false()`, a gf.cond when `cond` is a graph tensor."""
    if state.is_graph_tensor(cond):
        return control.cond(cond, if_true, if_false)
    return if_true() if cond else if_false()
