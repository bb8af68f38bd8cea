"""gf.Variable in both modes: eager values now; TF1 initializers, assign ops and collections."""
import numpy as np
import pytest

import graphflow as gf
from graphflow import errors

v1 = gf.compat.v1


# ---- eager ---------------------------------------------------------------------------------------------

def test_an_eager_variable_holds_a_value_and_updates_in_place():
    v = gf.Variable([1.0, 2.0])
    assert v.dtype is gf.float32 and v.shape.as_list() == [2] and v.trainable and v.name == "Variable:0"
    v.assign([3.0, 4.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub([0.5, 0.5])
    np.testing.assert_array_equal(v.numpy(), [3.5, 4.5])
    np.testing.assert_array_equal(v.read_value().numpy(), [3.5, 4.5])


def test_an_eager_variable_is_usable_wherever_a_tensor_is():
    v = gf.Variable([[1.0, 2.0]], name="w")
    np.testing.assert_array_equal((v * 2.0 + 1.0).numpy(), [[3.0, 5.0]])
    np.testing.assert_array_equal(gf.matmul(v, gf.transpose(v)).numpy(), [[5.0]])
    np.testing.assert_array_equal(np.asarray(v), [[1.0, 2.0]])
    assert gf.reduce_sum(v).numpy() == 3.0 and v.name == "w:0"


def test_variable_dtype_and_trainable_arguments():
    v = gf.Variable(3, dtype=gf.float64, trainable=False)
    assert v.dtype is gf.float64 and not v.trainable and v.numpy() == 3.0


def test_assign_returns_the_variable_and_checks_shape_and_dtype():
    v = gf.Variable([1.0, 2.0])
    assert v.assign([0.0, 0.0]) is v
    with pytest.raises(ValueError):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises((TypeError, ValueError)):
        v.assign(gf.constant([1, 2]))


def test_variable_initial_value_may_be_a_callable():
    v = gf.Variable(lambda: gf.ones([2]))
    np.testing.assert_array_equal(v.numpy(), [1.0, 1.0])


# ---- TF1 graphs ----------------------------------------------------------------------------------------------

def test_graph_variables_need_their_initializer_before_use():
    graph = gf.Graph()
    with graph.as_default():
        w = gf.Variable([1.0, 2.0], name="w")
        y = w * 3.0
    assert w.name == "w:0" and w.graph is graph and w.initializer.type == "AssignVariableOp"
    with v1.Session(graph=graph) as sess:
        with pytest.raises(errors.FailedPreconditionError, match="w"):
            sess.run(y)
        sess.run(w.initializer)
        np.testing.assert_array_equal(sess.run(y), [3.0, 6.0])


def test_global_variables_initializer_initialises_every_variable():
    graph = gf.Graph()
    with graph.as_default():
        a = gf.Variable(1.0, name="a")
        b = gf.Variable(gf.random.normal([3], seed=1), name="b")
        init = v1.global_variables_initializer()
    assert init.type == "NoOp" and init.name == "init"
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        va, vb = sess.run([a, b])
    assert va == 1.0 and vb.shape == (3,)


def test_variables_initializer_initialises_only_the_given_ones():
    graph = gf.Graph()
    with graph.as_default():
        a, b = gf.Variable(1.0), gf.Variable(2.0)
        init_a = v1.variables_initializer([a])
    with v1.Session(graph=graph) as sess:
        sess.run(init_a)
        assert sess.run(a) == 1.0
        with pytest.raises(errors.FailedPreconditionError):
            sess.run(b)


def test_assign_ops_run_when_fetched_and_return_the_new_value():
    graph = gf.Graph()
    with graph.as_default():
        v = gf.Variable(10.0)
        set_ = v.assign(1.0)
        add = v.assign_add(2.0)
        sub = v1.assign_sub(v, 0.5)
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        assert sess.run(v) == 10.0              # building the assign ops changed nothing
        assert sess.run(set_) == 1.0
        assert sess.run(add) == 3.0 and sess.run(add) == 5.0
        assert sess.run(sub) == 4.5 and sess.run(v) == 4.5


def test_trainable_and_global_variable_collections():
    graph = gf.Graph()
    with graph.as_default():
        w = gf.Variable(1.0, name="w")
        step = gf.Variable(0, trainable=False, name="step")
        assert v1.trainable_variables() == [w]
        assert v1.global_variables() == [w, step]
    assert graph.get_collection("trainable_variables") == [w]


def test_variable_names_are_unique_within_a_graph():
    with gf.Graph().as_default():
        a, b = gf.Variable(1.0, name="v"), gf.Variable(2.0, name="v")
        with gf.name_scope("layer"):
            c = gf.Variable(3.0, name="kernel")
    assert [a.name, b.name, c.name] == ["v:0", "v_1:0", "layer/kernel:0"]


def test_a_variable_initialised_from_a_placeholder_takes_the_fed_value():
    graph = gf.Graph()
    with graph.as_default():
        p = v1.placeholder(gf.float32, [2])
        v = gf.Variable(p)
    with v1.Session(graph=graph) as sess:
        sess.run(v.initializer, {p: [4.0, 5.0]})
        np.testing.assert_array_equal(sess.run(v), [4.0, 5.0])


def test_get_variable_reuses_by_name():
    """As TF1: sharing needs a reusing scope; without one a second get_variable is an error."""
    with gf.Graph().as_default():
        with v1.variable_scope("s", reuse=v1.AUTO_REUSE):
            a = v1.get_variable("w", initializer=gf.zeros([2, 3]))
            b = v1.get_variable("w")
        with v1.variable_scope("s"), pytest.raises(ValueError, match="already exists"):
            v1.get_variable("w")
    assert a is b and a.shape.as_list() == [2, 3]


def test_numpy_on_a_graph_variable_is_an_error():
    v1.disable_eager_execution()
    v = gf.Variable(1.0)
    with pytest.raises(NotImplementedError):
        v.numpy()


def test_variable_reprs_match_tensorflow():
    v = gf.Variable([1.0, 2.0])
    assert repr(v) == "<tf.Variable 'Variable:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>"
    with gf.Graph().as_default():
        g = gf.Variable(1.0)
    assert repr(g) == "<tf.Variable 'Variable:0' shape=() dtype=float32>"
