"""Breaking AutoGraph's rules is an error that names the variable and the user's line; errors
inside converted code point at the user's lines, never at generated code."""
import traceback

import pytest

import graphflow as gf


def line_of(fn, text: str) -> int:
    """The file line of the first source line of `fn` that contains `text`."""
    import inspect
    lines, start = inspect.getsourcelines(fn)
    return start + next(i for i, s in enumerate(lines) if text in s)


def raises(fn, *args, error=Exception):
    with pytest.raises(error) as info:
        gf.function(fn)(*args)
    return info.value


def test_variable_undefined_in_one_branch_is_named():
    def f(x):
        if x > 0:
            y = x
        return y
    e = raises(f, gf.constant(1.0), error=ValueError)
    assert "'y' must be defined at the end of the else branch" in str(e)
    assert f"test_errors.py:{line_of(f, 'if x > 0')}" in str(e)


def test_different_dtypes_in_the_branches_are_named():
    def f(x):
        if x > 0:
            y = x
        else:
            y = gf.cast(x, gf.int32)
        return y
    e = raises(f, gf.constant(1.0), error=TypeError)
    assert "'y' has dtype float32 in the main branch, but dtype int32 in the else branch" in str(e)
    assert f"test_errors.py:{line_of(f, 'if x > 0')}" in str(e)


def test_different_structures_in_the_branches_are_named():
    def f(x):
        if x > 0:
            y = (x, x)
        else:
            y = x
        return y
    e = raises(f, gf.constant(1.0), error=ValueError)
    assert "'y' must have the same nested structure in the main branch and in the else branch" in str(e)


def test_none_in_a_branch_is_named():
    def f(x):
        if x > 0:
            y = x
        else:
            y = None
        return y
    e = raises(f, gf.constant(1.0), error=ValueError)
    assert "'y' is None at the end of the else branch" in str(e)


def test_loop_variable_changing_dtype_is_named():
    def f(x):
        i = 0
        while x > 0:
            x = x - 1.0
            i = gf.cast(i, gf.float32)
        return x, i
    e = raises(f, gf.constant(1.0), error=TypeError)
    assert "'i' has dtype int32 before the loop, but dtype float32 after one iteration" in str(e)
    assert f"test_errors.py:{line_of(f, 'while x > 0')}" in str(e)


def test_loop_variable_changing_shape_points_to_set_loop_options():
    def f(x):
        while gf.reduce_sum(x) < 100.0:
            x = gf.concat([x, x], 0)
        return x
    e = raises(f, gf.constant([1.0]), error=ValueError)
    assert "'x' has shape (1,) before the loop, but shape (2,) after one iteration" in str(e)
    assert "set_loop_options" in str(e)


def test_shape_invariant_that_does_not_admit_the_initial_shape():
    def f(x):
        while gf.reduce_sum(x) < 100.0:
            gf.autograph.experimental.set_loop_options(shape_invariants=[(x, gf.TensorShape([3]))])
            x = gf.concat([x, x], 0)
        return x
    e = raises(f, gf.constant([1.0]), error=ValueError)
    assert "shape invariant" in str(e) and "'x'" in str(e)


def test_loop_variable_never_defined_is_named():
    def f(n):
        i = 0
        while i < n:
            if i > 100:
                late = i
            i += 1
        return late
    e = raises(f, gf.constant(3), error=ValueError)
    assert "'late'" in str(e)


def test_undefined_variable_after_a_python_if_names_it():
    def f(x, flag):
        if flag:
            y = x
        return y
    e = raises(f, gf.constant(1.0), False, error=UnboundLocalError)
    assert "'y' is used before it is assigned" in str(e)


def test_python_list_as_a_loop_variable_of_a_tensor_loop():
    def f(n):
        items = []
        for i in gf.range(n):
            items = items + [i]
        return items
    e = raises(f, gf.constant(3), error=Exception)
    assert "'items'" in str(e)


def test_return_in_only_one_branch_with_nothing_after():
    def f(x):
        if x > 0:
            return x
    e = raises(f, gf.constant(1.0), error=ValueError)
    assert "return" in str(e)


def test_errors_in_converted_code_point_at_the_users_line():
    def f(x):
        if x > 0:
            y = gf.reshape(x, [2, 2])   # a scalar cannot become 2x2
        else:
            y = gf.reshape(x, [1])
        return y
    e = raises(f, gf.constant(1.0), error=ValueError)
    text = "".join(traceback.format_exception(e))
    reshape_line = line_of(f, "[2, 2]")
    assert f'line {reshape_line}, in f' in text
    assert "y = gf.reshape(x, [2, 2])" in text
    assert "in user code (converted by AutoGraph)" in text
    assert "if_body" not in text and "ag__" not in text          # no generated code in sight
    assert "graphflow/autograph/" not in text                      # nor AutoGraph's own frames


def test_scalar_tensor_is_not_iterable():
    def f(x):
        for v in x:
            x = v
        return x
    e = raises(f, gf.constant(1.0), error=TypeError)
    assert "scalar tensor" in str(e)


def test_unconvertible_function_warns_and_runs_as_is(caplog):
    namespace = {}
    exec("def g(x):\n    return x + 1.0\n", {"gf": gf}, namespace)      # no source file: cannot be converted
    with caplog.at_level("WARNING", logger="graphflow"):
        assert float(gf.function(namespace["g"])(gf.constant(1.0))) == 2.0
    assert "AutoGraph could not convert g" in caplog.text
