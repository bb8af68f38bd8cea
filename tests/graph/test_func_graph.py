"""FuncGraph: inputs, captures, program order of side effects, replay, and the nest helpers."""
import collections

import numpy as np
import pytest

import graphflow as gf
from graphflow.graph.func_graph import FuncGraph, flatten, pack_as, replay, signature, tracing


def _trace(fn, *specs, outer=None, lift=False):
    g = FuncGraph("f", outer_graph=outer, lift_captures=lift)
    with tracing(g):
        args = [g.add_input(shape, dtype, "x") for shape, dtype in specs]
        out = fn(*args)
    g.outputs = [out] if out is not None else []
    return g


def test_func_graph_is_a_function_graph_with_placeholder_inputs():
    g = _trace(lambda x: x * 2.0, ([None, 3], gf.float32))
    assert g.building_function
    assert [op.type for op in g.inputs[0].op.graph.operations][0] == "Placeholder"
    assert g.inputs[0].shape.as_list() == [None, 3]


def test_symbolic_tensors_of_the_enclosing_graph_are_captured_once():
    outer = gf.Graph()
    with outer.as_default():
        c = gf.constant(3.0)
    g = FuncGraph("branch", outer_graph=outer, lift_captures=True)
    with tracing(g):
        a = g.capture(c)
        b = g.capture(c)
    assert a is b and a.graph is g
    assert g.external_captures == [c]


def test_lifted_captures_go_through_every_enclosing_function_graph():
    root = gf.Graph()
    with root.as_default():
        c = gf.constant(3.0)
    middle = FuncGraph("middle", outer_graph=root, lift_captures=True)
    inner = FuncGraph("inner", outer_graph=middle, lift_captures=True)
    ph = inner.capture(c)
    assert ph.graph is inner
    assert middle.external_captures == [c]
    assert inner.external_captures == [middle.internal_captures[0]]


def test_eager_tensors_become_captures_fed_with_their_value():
    value = gf.constant([1.0, 2.0])
    g = _trace(lambda: value + 1.0)
    assert g.captures[0][0] is value
    assert np.allclose(g.plan()([value._value])[0], [2.0, 3.0])


def test_tensors_of_an_unrelated_graph_cannot_be_captured():
    other = gf.Graph()
    with other.as_default():
        c = gf.constant(1.0)
    g = FuncGraph("f")
    with pytest.raises(ValueError, match="cannot be captured"):
        g.capture(c)


def test_side_effects_are_chained_in_program_order():
    v = gf.Variable(1.0)

    def body():
        v.assign(2.0)
        gf.print(v)
        v.assign_add(1.0)
    g = _trace(body)
    effects = g.side_effects
    assert [op.type for op in effects] == ["AssignVariableOp", "PrintV2", "AssignAddVariableOp"]
    assert effects[0] in effects[1].control_inputs and effects[1] in effects[2].control_inputs


def test_a_read_waits_for_the_last_write_and_the_next_write_waits_for_the_read():
    v = gf.Variable(1.0)

    def body():
        v.assign(5.0)
        r = v.read_value()
        v.assign(7.0)
        return r
    g = _trace(body)
    read = g.outputs[0].op
    first, second = g.side_effects
    assert first in read.control_inputs
    assert read in second.control_inputs
    assert g.plan()([])[0] == 5.0 and v.numpy() == 7.0


def test_the_plan_runs_side_effects_nobody_fetches():
    v = gf.Variable(0.0)

    def body():
        v.assign_add(1.0)
    g = _trace(body)
    plan = g.plan()
    plan([])
    plan([])
    assert v.numpy() == 2.0


def test_replay_inlines_into_the_graph_being_built():
    g = _trace(lambda x: gf.square(x) + 1.0, ([], gf.float32))
    outer = gf.Graph()
    with outer.as_default():
        p = gf.compat.v1.placeholder(gf.float32, [])
        (y,) = replay(g, [p])
        with gf.compat.v1.Session() as sess:
            assert sess.run(y, {p: 3.0}) == 10.0
    assert y.graph is outer


def test_replay_runs_eagerly_outside_graphs():
    g = _trace(lambda x: gf.square(x) + 1.0, ([], gf.float32))
    (y,) = replay(g, [gf.constant(2.0)])
    assert float(y) == 5.0


def test_replay_for_a_gradient_refuses_to_redraw_random_numbers():
    g = _trace(lambda x: x * gf.random.uniform([]), ([], gf.float32))
    with pytest.raises(NotImplementedError, match="would not give the same values again"):
        replay(g, [gf.constant(2.0)], for_gradient=True)


Point = collections.namedtuple("Point", "x y")


def test_flatten_follows_tensorflows_order_and_pack_rebuilds():
    s = {"b": [1, (2, None)], "a": Point(3, 4)}
    assert flatten(s) == [3, 4, 1, 2, None]
    rebuilt = pack_as(s, [30, 40, 10, 20, None])
    assert rebuilt == {"b": [10, (20, None)], "a": Point(30, 40)}
    assert list(rebuilt) == ["b", "a"]


def test_signature_tells_structures_apart():
    assert signature([1, 2]) != signature((1, 2))
    assert signature({"a": 1}) != signature({"b": 1})
    assert signature([1, [2]]) == signature([5, [6]])
