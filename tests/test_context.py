"""The mode switch: eager by default, TF1 graphs process-wide or per block, per thread."""
import threading

import numpy as np

import graphflow as gf

v1 = gf.compat.v1


def test_eager_is_the_default():
    assert gf.executing_eagerly() and v1.executing_eagerly()
    assert isinstance(gf.constant(1.0) + 1.0, gf.EagerTensor)


def test_disable_and_enable_eager_execution_switch_the_whole_process():
    v1.disable_eager_execution()
    assert not gf.executing_eagerly()
    t = gf.constant(1.0)
    assert isinstance(t, gf.SymbolicTensor) and t.graph is v1.get_default_graph()
    v1.enable_eager_execution()
    assert gf.executing_eagerly()


def test_eager_mode_runs_a_block_eagerly_inside_a_graph_program():
    v1.disable_eager_execution()
    with gf.eager_mode():
        assert gf.executing_eagerly()
        assert (gf.constant(2.0) * 3.0).numpy() == 6.0
    assert not gf.executing_eagerly()


def test_graph_mode_builds_into_the_default_graph_or_the_given_one():
    with gf.graph_mode() as g:
        assert not gf.executing_eagerly()
        t = gf.constant(1.0)
    assert gf.executing_eagerly() and t.graph is g
    mine = gf.Graph()
    with gf.graph_mode(mine):
        u = gf.constant(1.0)
    assert u.graph is mine


def test_modes_nest_and_unwind_even_on_errors():
    try:
        with gf.graph_mode():
            with gf.eager_mode():
                assert gf.executing_eagerly()
                raise KeyError("boom")
    except KeyError:
        pass
    assert gf.executing_eagerly()


def test_the_mode_is_per_thread():
    seen = {}

    def worker():
        seen["thread"] = gf.executing_eagerly()

    with gf.graph_mode():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        seen["main"] = gf.executing_eagerly()
    assert seen == {"thread": True, "main": False}


def test_control_dependencies_and_name_scope_are_no_ops_when_eager():
    with gf.name_scope("ignored"), gf.control_dependencies([gf.constant(1.0)]):
        assert (gf.constant(1.0) + 1.0).numpy() == 2.0
    assert gf.group(gf.constant(1.0)) is None


def user_program(x, w):
    """Ordinary TF-style code that does not know which mode runs it."""
    h = gf.tanh(gf.matmul(x, w))
    return gf.reduce_sum(h * h, axis=1) + gf.reduce_max(h)


def test_the_same_function_is_identical_in_both_modes():
    x = np.arange(6, dtype=np.float32).reshape(2, 3) / 10
    w = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    eager = user_program(gf.constant(x), gf.constant(w)).numpy()
    v1.disable_eager_execution()
    xp, wp = v1.placeholder(gf.float32, [None, 3]), v1.placeholder(gf.float32, [3, 4])
    y = user_program(xp, wp)
    with v1.Session() as sess:
        graph = sess.run(y, {xp: x, wp: w})
    np.testing.assert_array_equal(graph, eager)
