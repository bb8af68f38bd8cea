"""`not`, `and`, `or` on tensors: logical ops, the right operand of and/or evaluated lazily (under
gf.cond for a graph tensor, as Python would skip it), Python semantics otherwise."""
from __future__ import annotations

from ...function import control_flow as control
from ...ops import api
from . import state


def not_(value):
    if state.is_tensor(value):
        return api.logical_not(value)
    return not value


def and_(left, right):
    """`left() and right()`: both are functions of no arguments."""
    a = left()
    if state.is_graph_tensor(a):
        a = api.convert_to_tensor(a)
        return control.cond(a, lambda: api.convert_to_tensor(right()), lambda: a)
    return a and right()


def or_(left, right):
    """`left() or right()`: both are functions of no arguments."""
    a = left()
    if state.is_graph_tensor(a):
        a = api.convert_to_tensor(a)
        return control.cond(a, lambda: a, lambda: api.convert_to_tensor(right()))
    return a or right()
