"""The Graph IR as a TF1 user sees it: unique names, name scopes, lookups, control dependencies."""
import numpy as np
import pytest

import graphflow as gf

v1 = gf.compat.v1


def test_ops_get_unique_names_from_their_type_or_the_given_name():
    with gf.Graph().as_default() as g:
        a = gf.constant(1.0)
        b = gf.constant(2.0, name="b")
        b_again = gf.constant(3.0, name="b")
        c = gf.constant(4.0)
    assert [t.name for t in (a, b, b_again, c)] == ["Const:0", "b:0", "b_1:0", "Const_1:0"]
    assert [op.name for op in g.get_operations()] == ["Const", "b", "b_1", "Const_1"]


def test_name_scopes_prefix_names_and_are_made_unique_when_reopened():
    with gf.Graph().as_default():
        a = gf.constant(1.0)
        with gf.name_scope("layer"):
            first = a + 1.0
            with gf.name_scope("inner"):
                nested = first * 2.0
        with gf.name_scope("layer"):
            second = a + 1.0
    assert first.name.startswith("layer/")
    assert nested.name.startswith("layer/inner/")
    assert second.name.startswith("layer_1/")


def test_a_scope_name_ending_in_a_slash_is_reused_as_is():
    with gf.Graph().as_default():
        with gf.name_scope("block"):
            gf.constant(1.0)
        with gf.name_scope("block/"):
            t = gf.constant(2.0, name="w")
    assert t.name == "block/w:0"


def test_get_operations_lists_ops_in_creation_order():
    with gf.Graph().as_default() as g:
        x = v1.placeholder(gf.float32, [2], name="x")
        y = gf.square(x, name="sq")
        gf.reduce_sum(y, name="total")
    assert [op.name for op in g.get_operations()] == ["x", "sq", "total"]
    assert [op.type for op in g.get_operations()] == ["Placeholder", "Square", "Sum"]


def test_tensors_and_operations_can_be_looked_up_by_name():
    with gf.Graph().as_default() as g:
        x = v1.placeholder(gf.float32, [None, 3], name="x")
        parts = gf.split(x, 3, axis=1, name="parts")
    assert g.get_tensor_by_name("x:0") is x
    assert g.get_tensor_by_name("parts:2") is parts[2]
    assert g.get_operation_by_name("parts") is parts[0].op
    assert g.as_graph_element("x:0") is x and g.as_graph_element("x") is x.op


@pytest.mark.parametrize("name,error", [("x", ValueError), ("nope:0", KeyError), ("x:5", KeyError)])
def test_bad_lookups_raise(name, error):
    with gf.Graph().as_default() as g:
        v1.placeholder(gf.float32, [2], name="x")
    with pytest.raises(error):
        g.get_tensor_by_name(name)


def test_symbolic_tensors_know_their_op_graph_shape_and_dtype():
    with gf.Graph().as_default() as g:
        x = v1.placeholder(gf.float32, [None, 3], name="x")
        y = gf.reduce_mean(x, axis=0)
    assert y.graph is g and y.op.graph is g and y.op.inputs[0] is x
    assert y.shape.as_list() == [3] and x.shape.as_list() == [None, 3]
    assert y.dtype is gf.float32 and y.op.type == "Mean"
    assert repr(x) == "<tf.Tensor 'x:0' shape=(None, 3) dtype=float32>"
    assert repr(x.op) == "<tf.Operation 'x' type=Placeholder>"


def test_control_dependencies_are_recorded_on_ops_built_in_the_block():
    with gf.Graph().as_default():
        first = gf.constant(1.0, name="first")
        with gf.control_dependencies([first]):
            second = gf.constant(2.0, name="second")
            with gf.control_dependencies([second.op]):
                third = gf.identity(second, name="third")
        outside = gf.constant(3.0)
    assert second.op.control_inputs == (first.op,)
    assert set(third.op.control_inputs) == {first.op, second.op}
    assert outside.op.control_inputs == ()


def test_control_dependencies_none_clears_the_outer_block():
    with gf.Graph().as_default() as g:
        first = gf.constant(1.0)
        with gf.control_dependencies([first]):
            with g.control_dependencies(None):
                free = gf.constant(2.0)
    assert free.op.control_inputs == ()


def test_graph_as_default_builds_a_graph_inside_an_eager_program():
    assert gf.executing_eagerly()
    g = gf.Graph()
    with g.as_default():
        assert not gf.executing_eagerly()
        assert v1.get_default_graph() is g
        t = gf.constant([1.0, 2.0]) * 2.0
    assert gf.executing_eagerly()
    assert t.graph is g and isinstance(gf.constant(1.0), gf.EagerTensor)
    with v1.Session(graph=g) as sess:
        np.testing.assert_array_equal(sess.run(t), [2.0, 4.0])


def test_nested_graphs_build_in_the_innermost():
    outer, inner = gf.Graph(), gf.Graph()
    with outer.as_default():
        a = gf.constant(1.0)
        with inner.as_default():
            b = gf.constant(2.0)
        c = gf.constant(3.0)
    assert a.graph is outer and b.graph is inner and c.graph is outer


def test_reset_default_graph_gives_a_fresh_graph_and_is_refused_inside_a_graph_block():
    v1.disable_eager_execution()
    gf.constant(1.0)
    old = v1.get_default_graph()
    assert old.get_operations()
    v1.reset_default_graph()
    assert v1.get_default_graph() is not old and not v1.get_default_graph().get_operations()
    with gf.Graph().as_default(), pytest.raises(AssertionError):
        v1.reset_default_graph()


def test_shape_known_at_build_time_is_folded_into_reshape():
    with gf.Graph().as_default():
        x = v1.placeholder(gf.float32, [4, 6])
        y = gf.reshape(x, [gf.shape(x)[0], -1, 2])
        z = gf.reshape(x, gf.shape(gf.transpose(x)))
    assert y.shape.as_list() == [4, 3, 2]
    assert z.shape.as_list() == [6, 4]


def test_dynamic_shapes_stay_unknown_until_run_time():
    with gf.Graph().as_default() as g:
        x = v1.placeholder(gf.float32, [None, 3])
        n = gf.shape(x)[0]
        y = gf.reshape(x, [n, 3, 1])
    assert y.shape.as_list() == [None, 3, 1]
    with v1.Session(graph=g) as sess:
        assert sess.run(y, {x: np.zeros((5, 3))}).shape == (5, 3, 1)
        assert sess.run(n, {x: np.zeros((2, 3))}) == 2
