"""The conversion itself: what to_code shows, what the analysis picks as a statement's state,
loop directives, names that never collide with the user's."""
import ast

import numpy as np

import graphflow as gf
from graphflow.autograph import analysis


def test_to_code_shows_the_if_as_an_operator_call_with_its_outputs():
    def f(x):
        if x > 0:
            scratch = x * 2.0
            y = scratch + 1.0
        else:
            y = -x
        return y
    code = gf.autograph.to_code(f)
    assert "ag__.if_stmt(x > 0, if_body, else_body, get_state, set_state, ('y', 'scratch'), 1)" in code
    assert "nonlocal" in code and "def if_body():" in code
    compile(code, "<to_code>", "exec")                 # it is Python


def test_to_code_of_a_gf_function_drops_its_decorator():
    @gf.function
    def f(x):
        while x > 1.0:
            x = x / 2.0
        return x
    code = gf.autograph.to_code(f)
    assert code.startswith("def f(x):")
    assert "ag__.while_stmt(loop_test, loop_body, get_state, set_state, ('x',), {})" in code


def test_to_code_of_methods():
    class Model:
        @gf.function
        def call(self, x):
            if x > 0:
                x = -x
            return x

        def plain(self, x):
            while x > 0:
                x = x - 1.0
            return x
    model = Model()
    assert gf.autograph.to_code(model.call).startswith("def call(self, x):")
    assert "ag__.while_stmt" in gf.autograph.to_code(model.plain)


def test_loop_variables_are_the_assigned_names_live_at_the_loop_head():
    source = """
def f(x, n):
    i = 0
    total = 0.0
    while i < n:
        tmp = x * 2.0        # assigned before it is read: not carried
        total = total + tmp
        i += 1
    return total
"""
    fn = ast.parse(source).body[0]
    analysis.annotate_liveness(fn.body)
    loop = fn.body[2]
    assigned = analysis.assigned_names(loop.body)
    assert assigned == {"tmp", "total", "i"}
    assert sorted(assigned & loop.ag_live_head) == ["i", "total"]


def test_definitions_distinguish_certain_from_possible():
    source = """
def f(x, flag):
    if flag:
        a = 1
    b = 2
    while x > 0:
        x = x - 1
"""
    fn = ast.parse(source).body[0]
    analysis.annotate_definitions(fn.body, {"x", "flag"})
    loop = fn.body[2]
    assert loop.ag_defined == {"x", "flag", "b"}
    assert loop.ag_possible == {"x", "flag", "a", "b"}


def test_set_loop_options_becomes_the_loops_options():
    def f(x):
        for _ in gf.range(100):
            gf.autograph.experimental.set_loop_options(maximum_iterations=3)
            x = x + 1.0
        return x
    code = gf.autograph.to_code(f)
    assert "set_loop_options" not in code and "{'maximum_iterations': 3}" in code
    assert float(gf.function(f)(gf.constant(0.0))) == 3.0


def test_set_loop_options_outside_autograph_does_nothing():
    assert gf.autograph.experimental.set_loop_options(maximum_iterations=2) is None


def test_generated_names_never_shadow_the_users():
    def f(x):
        get_state = 2.0
        if_body = 3.0
        if x > 0:
            x = x * get_state + if_body
        return x
    code = gf.autograph.to_code(f)
    assert "def get_state_1():" in code and "def if_body_1():" in code
    assert float(gf.function(f)(gf.constant(1.0))) == 5.0


def test_converted_code_sees_the_current_value_of_globals():
    global OFFSET
    OFFSET = 1.0

    @gf.function
    def f(x):
        if x > 0:
            x = x + OFFSET
        return x
    assert float(f(gf.constant(1.0))) == 2.0
    OFFSET = 10.0
    assert float(gf.function(f.python_function)(gf.constant(1.0))) == 11.0


OFFSET = 0.0


def test_defaults_are_the_originals_not_evaluated_again():
    calls = []

    def default():
        calls.append(1)
        return 4.0

    def f(x, scale=default()):
        if x > 0:
            x = x * scale
        return x
    assert float(gf.function(f)(gf.constant(2.0))) == 8.0
    assert len(calls) == 1


def test_library_functions_run_as_they_are():
    @gf.function
    def f(x):
        return float(np.clip(3.0, 0.0, 1.0)) + x     # numpy is not converted
    assert float(f(gf.constant(1.0))) == 2.0
