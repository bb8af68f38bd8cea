"""The pattern matcher the rewrite tables are written with (passes/pattern.py)."""
import pytest

import graphflow as gf
from graphflow.passes.pattern import P, Rules, rewrite
from graphflow.passes.program import specialise

v1 = gf.compat.v1
X, Y = P.var("x"), P.var("y")


def program(build, *shapes):
    g = gf.Graph()
    with g.as_default():
        xs = [v1.placeholder(gf.float32, s, name=f"x{i}") for i, s in enumerate(shapes)]
        out = build(*xs)
    return specialise(g, [out], [], xs, list(shapes))


def last(prog):
    return prog.operations[-1]


def matches(pattern, op) -> list:
    """Every binding of `pattern` on `op`, as {name: tensor name}."""
    return [{k: t.name for k, t in b.items()} for b in pattern.bindings(op, op.inputs, {})]


def test_a_pattern_binds_the_inputs_it_names():
    op = last(program(lambda x: x * 1.0, (2,)))
    assert matches(P("Mul", X, P.const(1)), op) == [{"x": "x0:0"}]
    assert matches(P("Mul", X, P.const(2)), op) == []
    assert matches(P("Add", X, P.const(1)), op) == []


def test_a_commutative_pattern_tries_both_orders():
    op = last(program(lambda x: 1.0 * x, (2,)))
    assert matches(P("Mul", X, P.const(1)), op) == []
    assert matches(P("Mul", X, P.const(1), commutative=True), op) == [{"x": "x0:0"}]


def test_a_name_bound_twice_must_bind_the_same_tensor():
    assert matches(P("Sub", X, X), last(program(lambda x: x - x, (2,)))) == [{"x": "x0:0"}]
    assert matches(P("Sub", X, X), last(program(lambda x, y: x - y, (2,), (2,)))) == []


def test_a_pattern_does_not_look_into_an_op_with_control_inputs():
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [2], name="x")
        with gf.control_dependencies([gf.no_op()]):
            inner = gf.negative(x)
        out = gf.negative(inner)
    op = last(specialise(g, [out], [], [x], [(2,)]))
    assert matches(P("Neg", P("Neg", X)), op) == []
    assert matches(P("Neg", X), op) == [{"x": inner.name}]


def test_some_tries_each_input_in_order():
    op = last(program(lambda a, b: gf.exp(a) + gf.exp(b), (2,), (2,)))
    found = matches(P("Add", P.some(P("Exp", X, name="e"))), op)
    assert [b["x"] for b in found] == ["x0:0", "x1:0"]


def test_a_misspelt_op_type_fails_when_the_table_is_built():
    with pytest.raises(KeyError, match="Mull"):
        P("Mull", X, Y)


def test_a_declining_rewrite_passes_the_op_to_the_next_row():
    op = last(program(lambda x: x * 1.0, (2,)))
    rules = Rules([
        (P("Mul", X, Y), lambda ctx, op, x, y: None, "declines"),
        (P("Mul", X, P.const(1)), lambda ctx, op, x: [x], "x * 1 = x"),
    ])
    out, row = rules.first(None, op, op.inputs)
    assert out[0].name == "x0:0" and row[2] == "x * 1 = x"


def test_rewrite_copies_nothing_when_no_rule_fires():
    prog = program(lambda x: x * 2.0, (2,))
    rules = Rules([(P("Mul", X, P.const(1)), lambda ctx, op, x: [x], "x * 1 = x")])
    assert rewrite(prog, rules) is prog


def test_rewrite_collapses_a_chain_in_one_pass():
    prog = program(lambda x: gf.negative(gf.negative(gf.negative(gf.negative(x)))), (2,))
    rules = Rules([(P("Neg", P("Neg", X)), lambda ctx, op, x: [x], "--x = x")])
    out = rewrite(prog, rules)
    assert out.outputs[0].op.type == "Placeholder"
