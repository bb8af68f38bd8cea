"""The text form: one line per op with output types, attrs, and control inputs."""
import numpy as np

import graphflow as gf
from graphflow.graph.text import op_line, to_text


def test_each_op_prints_as_one_ssa_line_with_types():
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [None, 3], name="x")
        y = gf.multiply(x, 2.0, name="double")
        a, b = gf.split(y, [1, 2], axis=1)
    lines = to_text(g).splitlines()
    assert lines[0] == "%x = Placeholder() {dtype=float32, shape=(None, 3)} : f32[?,3]"
    assert "%double = Mul(%x, %Const) : f32[?,3]" in lines
    assert lines[-1].startswith("%split, %split:1 = Split(%double) {axis=1, sizes=(1, 2)} : f32[?,1], f32[?,2]")


def test_big_constants_print_as_their_type_and_small_ones_by_value():
    g = gf.Graph()
    with g.as_default():
        small = gf.constant([1, 2], name="small")
        big = gf.constant(np.zeros((10, 10), np.float32), name="big")
    assert op_line(small.op) == "%small = Const() {value=[1, 2]} : i32[2]"
    assert op_line(big.op) == "%big = Const() {value=<f32[10,10]>} : f32[10,10]"


def test_control_inputs_and_ops_without_outputs():
    g = gf.Graph()
    with g.as_default():
        first = gf.no_op(name="first")
        with gf.control_dependencies([first]):
            second = gf.no_op(name="second")
    assert op_line(second) == "NoOp() ^first"


def test_a_program_ends_with_its_return_line():
    from graphflow.passes.program import specialise
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [2], name="x")
        y = gf.exp(x, name="e")
    prog = specialise(g, [y], [], [x], [(2,)])
    assert to_text(prog).splitlines() == ["%x = Placeholder() {dtype=float32, shape=(2,)} : f32[2]",
                                           "%e = Exp(%x) : f32[2]", "return %e"]
