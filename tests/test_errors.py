"""Errors say what went wrong where: the op, its inputs' shapes and dtypes, and the user's line
(the line in this file that built or called the op). Every misuse is an exception, never a hang."""
import sys

import numpy as np
import pytest

import graphflow as gf
from graphflow import errors

v1 = gf.compat.v1


def here() -> int:
    """The caller's line number."""
    return sys._getframe(1).f_lineno


def at(line: int) -> str:
    return f"{__file__}:{line}"


# ---- graph construction: ValueError / TypeError at the line that built the op ----------------------------

def test_graph_shape_mismatch_names_the_op_the_shapes_and_the_line():
    with gf.Graph().as_default():
        a, b = gf.constant([1.0, 2.0]), gf.constant([1.0, 2.0, 3.0])
        with pytest.raises(ValueError) as err:
            line = here() + 1
            gf.add(a, b)
    msg = str(err.value)
    assert "Add" in msg and "float32[2]" in msg and "float32[3]" in msg and at(line) in msg


def test_graph_dtype_mismatch_is_a_type_error_naming_both_dtypes():
    with gf.Graph().as_default():
        a, b = gf.constant([1.0, 2.0]), gf.constant([1, 2])
        with pytest.raises(TypeError) as err:
            line = here() + 1
            a * b
    msg = str(err.value)
    assert "Mul" in msg and "float32[2]" in msg and "int32[2]" in msg and at(line) in msg


def test_graph_matmul_mismatch_shows_unknown_dims_as_question_marks():
    with gf.Graph().as_default():
        x = v1.placeholder(gf.float32, [None, 3])
        with pytest.raises(ValueError) as err:
            line = here() + 1
            gf.matmul(x, gf.ones([2, 2]))
    msg = str(err.value)
    assert "MatMul" in msg and "float32[?,3]" in msg and "float32[2,2]" in msg and at(line) in msg


def test_graph_reshape_to_an_impossible_shape_fails_at_build_time():
    with gf.Graph().as_default():
        with pytest.raises(ValueError) as err:
            line = here() + 1
            gf.reshape(gf.zeros([2, 3]), [4, 2])
    assert "Reshape" in str(err.value) and at(line) in str(err.value)


def test_an_op_with_inputs_from_two_graphs_is_rejected_at_its_line():
    other = gf.Graph()
    with other.as_default():
        foreign = gf.constant(1.0)
    with gf.Graph().as_default():
        with pytest.raises(ValueError) as err:
            line = here() + 1
            gf.add(gf.constant(1.0), foreign)
    assert "graph" in str(err.value) and at(line) in str(err.value)


# ---- eager: InvalidArgumentError (also a ValueError) at the calling line ---------------------------------

def test_invalid_argument_error_is_also_a_value_error():
    assert issubclass(errors.InvalidArgumentError, ValueError)
    assert issubclass(errors.InvalidArgumentError, errors.OpError)


def test_eager_shape_mismatch_names_the_op_the_shapes_and_the_line():
    a, b = gf.constant([[1.0, 2.0, 3.0]] * 2), gf.constant([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(errors.InvalidArgumentError) as err:
        line = here() + 1
        a + b
    msg = str(err.value)
    assert "Add" in msg and "float32[2,3]" in msg and "float32[4]" in msg and at(line) in msg


def test_eager_dtype_mismatch_names_both_dtypes():
    with pytest.raises(errors.InvalidArgumentError) as err:
        line = here() + 1
        gf.matmul(gf.ones([2, 2]), gf.ones([2, 2], gf.float64))
    msg = str(err.value)
    assert "MatMul" in msg and "float32[2,2]" in msg and "float64[2,2]" in msg and at(line) in msg


def test_eager_unsupported_dtype_names_the_op():
    with pytest.raises(errors.InvalidArgumentError) as err:
        gf.math.log(gf.constant([1, 2]))
    assert "Log" in str(err.value) and "int32" in str(err.value)


def test_a_symbolic_tensor_cannot_be_used_eagerly():
    with gf.Graph().as_default():
        t = gf.constant(1.0)
    with pytest.raises(TypeError, match="symbolic"):
        gf.add(gf.constant(1.0), t)


def test_placeholder_in_eager_mode_is_an_error():
    with pytest.raises(RuntimeError, match="eager"):
        v1.placeholder(gf.float32, [2])


# ---- symbolic tensors have no value --------------------------------------------------------------------

@pytest.mark.parametrize("use", [
    pytest.param(lambda t: t.numpy(), id="numpy"),
    pytest.param(lambda t: np.asarray(t), id="asarray"),
    pytest.param(lambda t: bool(t), id="bool"),
    pytest.param(lambda t: iter(t), id="iter"),
    pytest.param(lambda t: [v for v in t], id="for-loop"),
    pytest.param(lambda t: 1 if t else 0, id="if"),
])
def test_using_a_symbolic_tensor_as_a_value_is_a_clear_error(use):
    with gf.Graph().as_default():
        t = gf.constant([1.0, 2.0], name="sym")
        with pytest.raises((TypeError, NotImplementedError, AttributeError)) as err:   # numpy: TF's AttributeError
            use(t)
    assert "sym:0" in str(err.value) and "symbolic" in str(err.value)


# ---- Session.run: feeds and fetches -----------------------------------------------------------------------

@pytest.fixture
def graph_with_placeholder():
    graph = gf.Graph()
    with graph.as_default():
        x = v1.placeholder(gf.float32, [None, 3], name="x")
        y = x * 2.0
    return graph, x, y


def test_feeding_a_wrong_shape_names_the_tensor_both_shapes_and_where_it_was_defined(graph_with_placeholder):
    graph, x, y = graph_with_placeholder
    with v1.Session(graph=graph) as sess:
        with pytest.raises(ValueError) as err:
            sess.run(y, {x: np.zeros((2, 4), np.float32)})
    msg = str(err.value)
    assert "x:0" in msg and "(2, 4)" in msg and "(None, 3)" in msg and __file__ in msg


def test_feeding_a_wrong_rank_is_rejected(graph_with_placeholder):
    graph, x, y = graph_with_placeholder
    with v1.Session(graph=graph) as sess, pytest.raises(ValueError):
        sess.run(y, {x: np.zeros(3, np.float32)})


@pytest.mark.parametrize("key", ["nope:0", "x", 3, 1.5])
def test_feed_keys_that_are_not_tensors_of_the_graph_are_type_errors(graph_with_placeholder, key):
    graph, x, y = graph_with_placeholder
    with v1.Session(graph=graph) as sess:
        with pytest.raises(TypeError, match="feed_dict key"):
            sess.run(y, {key: 1.0})


def test_feeding_a_tensor_of_another_graph_is_a_type_error(graph_with_placeholder):
    graph, x, y = graph_with_placeholder
    with gf.Graph().as_default():
        foreign = v1.placeholder(gf.float32, [None, 3])
    with v1.Session(graph=graph) as sess:
        with pytest.raises(TypeError, match="not an element"):
            sess.run(y, {foreign: np.zeros((1, 3))})


def test_fetching_a_tensor_of_another_graph_is_a_value_error(graph_with_placeholder):
    graph, x, y = graph_with_placeholder
    with gf.Graph().as_default():
        foreign = gf.constant(1.0)
    with v1.Session(graph=graph) as sess:
        with pytest.raises(ValueError, match="not an element"):
            sess.run(foreign)


@pytest.mark.parametrize("fetch", [None, 3, object()])
def test_fetches_that_are_not_graph_elements_are_type_errors(graph_with_placeholder, fetch):
    graph, x, y = graph_with_placeholder
    with v1.Session(graph=graph) as sess, pytest.raises(TypeError, match="Fetch argument"):
        sess.run(fetch)


def test_a_missing_placeholder_feed_names_the_placeholder_its_dtype_shape_and_line():
    graph = gf.Graph()
    with graph.as_default():
        line = here() + 1
        x = v1.placeholder(gf.float32, [None, 3], name="needed")
        y = gf.reduce_sum(x)
    with v1.Session(graph=graph) as sess:
        with pytest.raises(errors.InvalidArgumentError) as err:
            sess.run(y)
    msg = str(err.value)
    assert "needed" in msg and "float32" in msg and "[?,3]" in msg and at(line) in msg


def test_a_closed_session_refuses_to_run(graph_with_placeholder):
    graph, x, y = graph_with_placeholder
    sess = v1.Session(graph=graph)
    sess.close()
    with pytest.raises(RuntimeError, match="closed"):
        sess.run(y, {x: np.zeros((1, 3))})


# ---- graph-mode run-time errors name the op and the line that built it --------------------------------------

def test_gather_out_of_range_at_run_time_names_the_op_and_its_line():
    graph = gf.Graph()
    with graph.as_default():
        idx = v1.placeholder(gf.int32, [None])
        line = here() + 1
        out = gf.gather(gf.constant([1.0, 2.0, 3.0]), idx)
    with v1.Session(graph=graph) as sess:
        with pytest.raises(errors.InvalidArgumentError) as err:
            sess.run(out, {idx: [0, 7]})
        msg = str(err.value)
        assert "GatherV2" in msg and "7" in msg and at(line) in msg
        np.testing.assert_array_equal(sess.run(out, {idx: [2, 0]}), [3.0, 1.0])   # still usable


def test_check_numerics_failure_names_the_message_the_node_and_its_line():
    graph = gf.Graph()
    with graph.as_default():
        x = v1.placeholder(gf.float32, [2])
        line = here() + 1
        checked = gf.debugging.check_numerics(gf.math.log(x), "log of x")
    with v1.Session(graph=graph) as sess:
        with pytest.raises(errors.InvalidArgumentError) as err:
            sess.run(checked, {x: [1.0, -1.0]})
    msg = str(err.value)
    assert "log of x" in msg and "NaN" in msg and "CheckNumerics" in msg and at(line) in msg
    assert err.value.op is checked.op


def test_integer_division_by_zero_fails_in_both_modes():
    with pytest.raises(errors.InvalidArgumentError, match="division by zero"):
        gf.constant([1, 2]) // gf.constant([1, 0])
    graph = gf.Graph()
    with graph.as_default():
        out = gf.math.floormod(gf.constant([1, 2]), gf.constant([0, 1]))
    with v1.Session(graph=graph) as sess, pytest.raises(errors.InvalidArgumentError, match="FloorMod"):
        sess.run(out)


def test_assert_equal_fails_at_run_time_with_its_message():
    graph = gf.Graph()
    with graph.as_default():
        x = v1.placeholder(gf.int32, [2])
        check = gf.debugging.assert_equal(x, gf.constant([1, 2]), message="x must be [1, 2]")
    with v1.Session(graph=graph) as sess:
        sess.run(check, {x: [1, 2]})
        with pytest.raises(errors.InvalidArgumentError, match="x must be"):
            sess.run(check, {x: [1, 3]})


def test_reading_an_uninitialised_variable_is_a_failed_precondition_naming_it():
    graph = gf.Graph()
    with graph.as_default():
        w = gf.Variable([1.0, 2.0], name="weights")
        y = w * 2.0
    with v1.Session(graph=graph) as sess:
        with pytest.raises(errors.FailedPreconditionError, match="weights"):
            sess.run(y)
