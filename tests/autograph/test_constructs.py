"""Each converted construct gives under gf.function what the same Python gives eagerly."""
import numpy as np
import pytest

import graphflow as gf
from graphflow.graph.func_graph import flatten


def agree(fn, *args):
    """gf.function(fn)(*args) equals fn(*args) run eagerly; returns the function's result."""
    traced = gf.function(fn)(*args)
    eager = fn(*args)
    for t, e in zip(flatten(traced), flatten(eager)):
        np.testing.assert_allclose(np.asarray(t), np.asarray(e), rtol=1e-6)
    return traced


def value(x):
    return np.asarray(x).tolist()


# ---- if ------------------------------------------------------------------------------------------------

def sign_and_scale(x):
    if x > 0:
        s = 1.0
        y = x * 2.0
    elif x < 0:
        s = -1.0
        y = -x
    else:
        s = 0.0
        y = x
    return s, y


@pytest.mark.parametrize("x", [3.0, -2.0, 0.0])
def test_if_elif_else_on_a_tensor_outputs_the_assigned_variables(x):
    s, y = agree(sign_and_scale, gf.constant(x))
    assert value(s) == np.sign(x)


def test_if_on_a_python_bool_stays_python():
    def f(x, double):
        if double:
            x = x * 2.0
        return x
    fn = gf.function(f)
    assert value(fn(gf.constant(1.0), True)) == 2.0
    assert value(fn(gf.constant(1.0), False)) == 1.0
    graph = fn.get_concrete_function(gf.constant(1.0), True).graph
    assert not [op for op in graph.operations if "If" in op.type]


def test_if_without_else_keeps_the_value_from_before():
    def f(x):
        y = x
        if x > 1.0:
            y = x * 10.0
        return y
    assert value(agree(f, gf.constant(0.5))) == 0.5
    assert value(agree(f, gf.constant(2.0))) == 20.0


def test_variable_assigned_only_in_a_branch_and_not_used_after_is_fine():
    def f(x):
        if x > 0:
            tmp = x * 3.0
            x = tmp + 1.0
        return x
    assert value(agree(f, gf.constant(1.0))) == 4.0


def test_nested_ifs():
    def f(x, y):
        if x > 0:
            if y > 0:
                z = x + y
            else:
                z = x - y
        else:
            z = -x
        return z
    for a, b in [(1.0, 2.0), (1.0, -2.0), (-1.0, 5.0)]:
        agree(f, gf.constant(a), gf.constant(b))


def test_conditional_expression_on_a_tensor():
    def f(x):
        return x * 2.0 if x > 0 else -x
    assert value(agree(f, gf.constant(-3.0))) == 3.0


def test_and_or_not_on_tensors():
    def f(x, y):
        both = x > 0 and y > 0
        either = x > 0 or y > 0
        return both, either, not x > 0
    for a, b in [(1.0, 1.0), (1.0, -1.0), (-1.0, -1.0)]:
        agree(f, gf.constant(a), gf.constant(b))


def test_and_evaluates_its_right_operand_only_when_needed():
    def f(x, i):
        ok = i < 3 and gf.gather(x, i) > 0.0      # gather(x, 3) would be out of range
        return ok
    assert value(gf.function(f)(gf.constant([1.0, 2.0, 3.0]), gf.constant(3))) is False


# ---- while -----------------------------------------------------------------------------------------------

def test_while_on_a_tensor_condition():
    def f(n):
        i, total = 0, 0
        while i < n:
            total += i * i
            i += 1
        return total
    assert value(agree(f, gf.constant(5))) == 30


def test_while_on_python_values_unrolls():
    def f(x):
        i = 0
        while i < 3:
            x = x + 1.0
            i += 1
        return x
    fn = gf.function(f)
    assert value(fn(gf.constant(0.0))) == 3.0
    ops = fn.get_concrete_function(gf.constant(0.0)).graph.operations
    assert not [op for op in ops if "While" in op.type]


def test_while_that_becomes_tensor_dependent_continues_as_a_graph_loop():
    def f(x):
        total = 0.0
        while total < 10.0:         # a Python float at first, a tensor after one iteration
            total = total + x
        return total
    assert value(agree(f, gf.constant(3.0))) == 12.0


def test_variable_first_assigned_in_a_loop_is_usable_after_it():
    def f(x):
        while x > 0:
            last = x
            x = x - 1.0
        return last
    assert value(gf.function(f)(gf.constant(3.0))) == 1.0


# ---- for -----------------------------------------------------------------------------------------------

def test_for_over_a_tensor_iterates_its_first_axis():
    def f(m):
        total = gf.zeros([3])
        for row in m:
            total += row
        return total
    m = gf.constant(np.arange(12, dtype=np.float32).reshape(4, 3))
    assert value(agree(f, m)) == [18.0, 22.0, 26.0]


def test_for_over_a_tensor_with_unknown_length():
    @gf.function(input_signature=[gf.TensorSpec([None], gf.float32)])
    def f(v):
        total = 0.0
        for x in v:
            total += x
        return total
    assert value(f(gf.constant([1.0, 2.0, 3.5]))) == 6.5


def test_for_over_gf_range_with_a_tensor_bound():
    def f(n):
        total = 0
        for i in gf.range(n):
            total += i
        return total
    assert value(gf.function(f)(gf.constant(5))) == 10


def test_for_over_builtin_range_with_a_tensor_bound():
    def f(n):
        total = 0
        for i in range(2, n, 3):
            total += i
        return total
    assert value(gf.function(f)(gf.constant(12))) == 2 + 5 + 8 + 11


def test_for_over_a_python_list_unrolls():
    def f(x):
        for scale in [2.0, 3.0]:
            x = x * scale
        return x
    fn = gf.function(f)
    assert value(fn(gf.constant(1.0))) == 6.0
    assert not [op for op in fn.get_concrete_function(gf.constant(1.0)).graph.operations if "While" in op.type]


def test_for_target_is_defined_after_the_loop():
    def f(n):
        for i in gf.range(n):  # noqa: B007  (the target is what the test reads after the loop)
            pass
        return i
    assert value(gf.function(f)(gf.constant(4))) == 3


# ---- break, continue, return ------------------------------------------------------------------------

def test_break_in_a_tensor_loop():
    def f(x):
        for i in gf.range(10):
            if x * gf.cast(i, gf.float32) > 5.0:
                break
            x = x + 1.0
        return x
    assert value(agree(f, gf.constant(1.0))) == 3.0


def test_break_on_a_tensor_condition_in_a_python_loop():
    def f(x):
        for k in [1.0, 2.0, 3.0, 4.0]:
            if x > 5.0:
                break
            x = x * k + 1.0
        return x
    for start in (0.0, 1.0, 10.0):
        agree(f, gf.constant(start))


def test_continue_in_a_tensor_loop():
    def f(n):
        total = 0
        for i in gf.range(n):
            if i % 3 == 0:
                continue
            total += i
        return total
    assert value(gf.function(f)(gf.constant(10))) == sum(i for i in range(10) if i % 3)


def test_while_else_runs_when_no_break_happened():
    def f(x, threshold):
        found = 0.0
        while x < 5.0:
            if x > threshold:
                found = 1.0
                break
            x = x + 1.0
        else:
            found = -1.0
        return found
    assert value(agree(f, gf.constant(0.0), gf.constant(3.5))) == 1.0
    assert value(agree(f, gf.constant(0.0), gf.constant(10.0))) == -1.0


def test_return_in_both_branches():
    def f(x):
        if x > 0:
            return x * 2.0
        else:
            return -x
    assert value(agree(f, gf.constant(-4.0))) == 4.0


def test_early_return_in_a_branch():
    def f(x):
        if x > 10.0:
            return x
        x = x + 100.0
        return x
    assert value(agree(f, gf.constant(20.0))) == 20.0
    assert value(agree(f, gf.constant(1.0))) == 101.0


def test_return_from_inside_a_tensor_loop():
    # TensorFlow 2.21 refuses this ("a return statement cannot be placed inside this TensorFlow loop").
    def f(x):
        for i in gf.range(gf.size(x)):
            if gf.gather(x, i) < 0.0:
                return i
        return -1
    fn = gf.function(f)
    assert value(fn(gf.constant([1.0, -2.0, -3.0]))) == 1
    assert value(fn(gf.constant([1.0, 2.0]))) == -1


# ---- calls, builtins, assert ------------------------------------------------------------------------

def clamp_to_unit(v):
    if v > 1.0:
        v = gf.ones_like(v)
    return v


def test_user_functions_called_from_converted_code_are_converted():
    def f(x):
        return clamp_to_unit(x) + clamp_to_unit(x / 10.0)
    assert value(agree(f, gf.constant(5.0))) == 1.5


def test_nested_function_definitions_are_converted():
    def f(x):
        def step(v):
            if v > 0:
                v = v - 1.0
            return v
        return step(step(x))
    assert value(agree(f, gf.constant(1.0))) == 0.0


def test_methods_and_callable_objects_are_converted():
    class Clip:
        def __init__(self, top):
            self.top = top

        def __call__(self, v):
            if v > self.top:
                v = gf.constant(self.top)
            return v

    class Model:
        def __init__(self):
            self.clip = Clip(2.0)

        @gf.function
        def run(self, x):
            return self.clip(x) + self.scale(x)

        def scale(self, x):
            if x > 0:
                x = x * 10.0
            return x
    model = Model()
    assert value(model.run(gf.constant(3.0))) == 32.0


def test_generators_run_as_written():
    def steps(n):
        yield from range(n)

    @gf.function
    def f(x):
        for k in steps(3):
            x = x + k
        return x
    assert value(f(gf.constant(0.0))) == 3.0


def test_zero_argument_super_in_a_converted_method():
    class Base:
        def scale(self, x):
            if x > 0:
                x = x * 2.0
            return x

    class Child(Base):
        @gf.function
        def run(self, x):
            return super().scale(x) + 1.0
    child = Child()
    assert value(child.run(gf.constant(2.0))) == 5.0
    assert value(child.run(gf.constant(-1.0))) == 0.0


def test_print_of_a_tensor_prints_each_call(capsys):
    @gf.function
    def f(x):
        print("x is", x)
        return x + 1.0
    f(gf.constant(1.0))
    f(gf.constant(2.0))
    out = capsys.readouterr().out
    assert "x is 1" in out and "x is 2" in out


def test_print_of_python_values_runs_while_tracing(capsys):
    @gf.function
    def f(x):
        print("tracing")
        return x
    f(gf.constant(1.0))
    f(gf.constant(2.0))
    assert capsys.readouterr().out.count("tracing") == 1


def test_assert_on_a_tensor_checks_at_run_time():
    @gf.function
    def f(x):
        assert gf.reduce_all(x > 0.0), "x must be positive"
        return x
    assert value(f(gf.constant([1.0]))) == [1.0]
    with pytest.raises(gf.errors.InvalidArgumentError, match="x must be positive"):
        f(gf.constant([-1.0]))


def test_assert_on_a_python_value_is_python():
    @gf.function
    def f(x, n):
        assert n > 0, "n must be positive"
        return x * n
    with pytest.raises(AssertionError, match="n must be positive"):
        f(gf.constant(1.0), 0)


def test_len_of_a_tensor():
    @gf.function(input_signature=[gf.TensorSpec([None, 2], gf.float32)])
    def dynamic(x):
        return len(x)
    assert value(dynamic(gf.ones([5, 2]))) == 5

    @gf.function
    def static(x):
        assert len(x) == 3
        return x
    static(gf.ones([3]))


def test_do_not_convert_keeps_python_control_flow():
    @gf.autograph.experimental.do_not_convert
    def python_only(x, n):
        for _ in range(n):
            x = x + 1.0
        return x

    def f(x):
        if x > 0:
            x = python_only(x, 2)
        return x
    assert value(gf.function(f)(gf.constant(1.0))) == 3.0
    with pytest.raises(TypeError, match="gf.cond"):
        gf.function(gf.autograph.experimental.do_not_convert(f))(gf.constant(1.0))


def test_autograph_false_traces_the_function_as_written():
    def f(x):
        if x > 0:
            x = -x
        return x
    with pytest.raises(TypeError, match="Python bool"):
        gf.function(f, autograph=False)(gf.constant(1.0))
    assert value(gf.function(f)(gf.constant(1.0))) == -1.0


def test_closure_variables_are_shared_with_the_original():
    scale = [2.0]

    def f(x):
        if x > 0:
            x = x * scale[0]
        return x
    fn = gf.function(f)
    assert value(fn(gf.constant(1.0))) == 2.0
    scale[0] = 5.0
    assert value(gf.function(f)(gf.constant(1.0))) == 5.0


def test_globals_assigned_in_a_branch():
    @gf.function
    def f(x, flag):
        global _LAST_FLAG
        if flag:
            _LAST_FLAG = "yes"
        else:
            _LAST_FLAG = "no"
        return x
    f(gf.constant(1.0), True)
    assert _LAST_FLAG == "yes"


_LAST_FLAG = None


def test_bare_return_in_a_tensor_branch():
    v = gf.Variable(0.0)

    @gf.function
    def f(x):
        if x > 0:
            v.assign(x)
            return
        v.assign(-x * 10.0)
    f(gf.constant(2.0))
    assert value(v.read_value()) == 2.0
    f(gf.constant(-1.0))
    assert value(v.read_value()) == 10.0


def test_for_over_zip_and_enumerate_of_tensors():
    def g(a, b):
        total = 0.0
        for x, y in zip(a, b):              # as long as the shorter
            total += x * y
        for i, x in enumerate(a, 1):
            total += gf.cast(i, gf.float32) * x
        return total
    a, b = gf.constant([1.0, 2.0, 3.0]), gf.constant([4.0, 5.0, 6.0, 7.0])
    assert value(agree(g, a, b)) == 4.0 + 10.0 + 18.0 + (1.0 + 4.0 + 9.0)


class RowsDataset:
    """A stand-in for a gf.data Dataset: Python iteration eagerly, and the `_as_graph_loop`
    protocol AutoGraph uses for `for element in dataset:` inside gf.function."""

    def __init__(self, rows):
        self.rows = gf.constant(rows)

    def __iter__(self):
        return iter(self.rows)

    def _as_graph_loop(self, step, loop_vars):
        n = self.rows.shape[0]

        def body(i, *values):
            return (i + 1, *step(gf.gather(self.rows, i), *values))
        return gf.while_loop(lambda i, *values: i < n, body, (gf.constant(0), *loop_vars))[1:]


def test_for_over_a_dataset_uses_its_graph_loop_protocol():
    w = gf.Variable(0.0)

    def train(ds):
        total = 0.0
        steps = 0
        for batch in ds:
            if total > 6.0:
                break
            w.assign_add(gf.reduce_sum(batch))
            total += gf.reduce_sum(batch)
            steps += 1
        return total, steps
    ds = RowsDataset(np.arange(12, dtype=np.float32).reshape(4, 3))     # row sums 3, 12, 21, 30
    total, steps = gf.function(train)(ds)
    assert (value(total), value(steps), value(w.read_value())) == (15.0, 2, 15.0)
    graph = gf.function(train).get_concrete_function(ds).graph
    assert [op.type for op in graph.operations if "While" in op.type] == ["While"]
    w.assign(0.0)
    assert [value(v) for v in train(ds)] == [15.0, 2]


def test_while_loop_with_only_side_effects():
    v = gf.Variable(0)

    @gf.function
    def count_up(limit):
        while v < limit:
            v.assign_add(1)
        return v.read_value()
    assert value(count_up(gf.constant(7))) == 7
    assert value(v.read_value()) == 7


def test_indexing_with_a_loop_counter():
    def f(x):
        total = 0.0
        for i in gf.range(gf.size(x)):
            if x[i] > 0:
                total += x[i]
        return total
    assert value(gf.function(f)(gf.constant([1.0, -2.0, 3.0]))) == 4.0


def test_gf_function_of_a_bound_method_and_of_a_callable_object():
    class Gate:
        def __init__(self, level):
            self.level = level

        def open(self, x):
            if x > self.level:
                x = x - self.level
            return x

        def __call__(self, x):
            return self.open(x) * 2.0
    gate = Gate(1.0)
    assert value(gf.function(gate.open)(gf.constant(3.0))) == 2.0
    assert value(gf.function(gate)(gf.constant(3.0))) == 4.0


def test_match_and_try_bodies_are_converted():
    @gf.function
    def f(x, mode):
        match mode:
            case "double":
                if x > 0:
                    x = x * 2.0
            case other:
                if x > 0:
                    x = x + len(other)
        try:
            if x > 100.0:
                x = x / 100.0
        except ValueError:
            pass
        return x
    assert value(f(gf.constant(3.0), "double")) == 6.0
    assert value(f(gf.constant(3.0), "abc")) == 6.0
    assert value(f(gf.constant(300.0), "double")) == 6.0


def test_for_over_a_gf_data_dataset_with_an_early_break():
    ds = gf.data.Dataset.from_tensor_slices(np.arange(12, dtype=np.float32).reshape(6, 2)).batch(2)
    w = gf.Variable(0.0)

    @gf.function
    def train(ds):
        total, steps = 0.0, 0
        for batch in ds:                    # batch sums 6, 22, 38
            if total > 20.0:
                break
            w.assign_add(gf.reduce_sum(batch))
            total += gf.reduce_sum(batch)
            steps += 1
        return total, steps
    total, steps = train(ds)
    assert (value(total), value(steps), value(w.read_value())) == (28.0, 2, 28.0)
    assert [op.type for op in train.get_concrete_function(ds).graph.operations].count("While") == 1
