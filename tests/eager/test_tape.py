"""GradientTape semantics, as TensorFlow defines them: what is watched, what a tape may be used
for after `gradient`, what unconnected sources get, nesting for higher derivatives."""
from __future__ import annotations

import collections

import numpy as np
import pytest

import graphflow as gf


def grad(fn, x, **kwargs):
    x = gf.constant(x)
    with gf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x, **kwargs)


# ---- watching ------------------------------------------------------------------------------------

def test_watched_constant_gets_its_gradient():
    np.testing.assert_allclose(grad(lambda x: x * x * x, 2.0).numpy(), 12.0)


def test_unwatched_constant_gets_none():
    x = gf.constant(2.0)
    with gf.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None


def test_ops_before_watch_are_not_connected():
    x = gf.constant(2.0)
    with gf.GradientTape() as tape:
        y = x * x
        tape.watch(x)
    assert tape.gradient(y, x) is None


def test_trainable_variables_are_watched_when_read():
    v = gf.Variable(3.0)
    frozen = gf.Variable(2.0, trainable=False)
    with gf.GradientTape() as tape:
        y = v * frozen
    dv, dfrozen = tape.gradient(y, [v, frozen])
    assert float(dv) == 2.0
    assert dfrozen is None
    assert tape.watched_variables() == (v,)


def test_watch_accessed_variables_false_watches_only_what_is_asked():
    v, w = gf.Variable(3.0), gf.Variable(4.0)
    with gf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = v * w
    dv, dw = tape.gradient(y, [v, w])
    assert dv is None
    assert float(dw) == 3.0
    assert tape.watched_variables() == (w,)


def test_watched_variables_keep_first_watch_order():
    a, b = gf.Variable(1.0), gf.Variable(2.0)
    with gf.GradientTape() as tape:
        _ = b * a + b
    assert tape.watched_variables() == (b, a)


def test_variable_read_several_times_sums_its_gradients():
    v = gf.Variable(3.0)
    with gf.GradientTape() as tape:
        y = v * v + v
    assert float(tape.gradient(y, v)) == 7.0


def test_watching_a_non_tensor_is_an_error():
    with gf.GradientTape() as tape:
        with pytest.raises(ValueError):
            tape.watch(3.0)


def test_ops_after_the_block_are_not_recorded():
    x = gf.constant(2.0)
    with gf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    z = y * x
    assert float(tape.gradient(y, x)) == 4.0
    assert tape.gradient(z, x) is None


# ---- persistence and reuse --------------------------------------------------------------------------

def test_non_persistent_tape_can_be_used_once():
    x = gf.constant(2.0)
    with gf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape can only be used to compute one set"):
        tape.gradient(y, x)


def test_persistent_tape_answers_several_calls():
    x = gf.constant(2.0)
    with gf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert float(tape.gradient(y, x)) == 4.0
    assert float(tape.gradient(z, x)) == 32.0
    assert float(tape.gradient(y, x)) == 4.0


def test_stop_recording_treats_the_block_as_constants():
    x = gf.constant(2.0)
    with gf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        with tape.stop_recording():
            z = y * x
        w = z * y
    assert float(tape.gradient(w, x)) == 32.0      # d(z * x^2)/dx with z held at 8


def test_reset_forgets_everything_recorded():
    x = gf.constant(2.0)
    with gf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        tape.reset()
        tape.watch(x)
        z = x * 3.0
    assert tape.gradient(y, x) is None
    assert float(tape.gradient(z, x)) == 3.0


def test_reset_outside_the_block_is_an_error():
    tape = gf.GradientTape()
    with pytest.raises(ValueError, match="not recording"):
        tape.reset()


# ---- sources, targets and unconnected gradients -----------------------------------------------------

def test_unconnected_sources_get_none_or_zeros():
    x, z = gf.constant([1.0, 2.0]), gf.constant([5.0, 6.0, 7.0])
    with gf.GradientTape(persistent=True) as tape:
        tape.watch([x, z])
        y = gf.reduce_sum(x * x)
    assert tape.gradient(y, [x, z])[1] is None
    zero = tape.gradient(y, [x, z], unconnected_gradients="zero")[1]
    np.testing.assert_array_equal(zero.numpy(), np.zeros(3, np.float32))
    zero = tape.gradient(y, z, unconnected_gradients=gf.UnconnectedGradients.ZERO)
    assert zero.shape == (3,)
    with pytest.raises(ValueError, match="unconnected_gradients"):
        tape.gradient(y, z, unconnected_gradients="ones")


def test_unconnected_variable_gets_zeros_of_its_shape():
    v = gf.Variable(np.ones((2, 3), np.float32))
    x = gf.constant(1.0)
    with gf.GradientTape() as tape:
        tape.watch(x)
        y = x * 2.0
    assert tape.gradient(y, v, unconnected_gradients="zero").shape == (2, 3)


def test_nested_sources_keep_their_structure():
    Pair = collections.namedtuple("Pair", "first second")
    a, b, c = gf.constant(1.0), gf.constant(2.0), gf.constant(3.0)
    with gf.GradientTape() as tape:
        tape.watch([a, b, c])
        y = a * 1.0 + b * 2.0 + c * 3.0
    out = tape.gradient(y, {"z": [a, (b,)], "y": Pair(c, a)})
    assert set(out) == {"z", "y"}
    assert isinstance(out["z"][1], tuple) and isinstance(out["y"], Pair)
    assert [float(out["z"][0]), float(out["z"][1][0]), float(out["y"].first), float(out["y"].second)] == \
        [1.0, 2.0, 3.0, 1.0]


def test_several_targets_are_summed_and_output_gradients_weight_them():
    x = gf.constant(2.0)
    with gf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y1, y2 = x * x, x * 3.0
    assert float(tape.gradient([y1, y2], x)) == 7.0
    assert float(tape.gradient([y1, y2], x, output_gradients=[gf.constant(10.0), None])) == 43.0


def test_output_gradients_of_a_vector_target():
    x = gf.constant(2.0)
    with gf.GradientTape() as tape:
        tape.watch(x)
        y = gf.stack([x * x, x])
    assert float(tape.gradient(y, x, output_gradients=gf.constant([1.0, 10.0]))) == 14.0


def test_a_tensor_used_several_times_accumulates():
    x = gf.constant([1.0, 2.0])
    with gf.GradientTape() as tape:
        tape.watch(x)
        h = gf.exp(x)
        y = gf.reduce_sum(h * h + h + gf.sin(h))
    e = np.exp([1.0, 2.0])
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), (2 * e + 1 + np.cos(e)) * e, rtol=1e-6)


def test_gradient_with_respect_to_an_intermediate_tensor():
    x = gf.constant(3.0)
    with gf.GradientTape() as tape:
        tape.watch(x)
        h = x * x
        y = h * h
    assert float(tape.gradient(y, h)) == 18.0


def test_target_is_its_own_source():
    x = gf.constant([1.0, 2.0])
    with gf.GradientTape() as tape:
        tape.watch(x)
    np.testing.assert_array_equal(tape.gradient(x, x).numpy(), [1.0, 1.0])


def test_none_target_is_a_type_error():
    with gf.GradientTape() as tape:
        pass
    with pytest.raises(TypeError):
        tape.gradient(None, gf.constant(1.0))


def test_integer_sources_and_targets_are_unconnected():
    xi = gf.constant([1, 2])
    x = gf.constant(2.0)
    with gf.GradientTape(persistent=True) as tape:
        tape.watch([xi, x])
        yf = gf.cast(xi, gf.float32) * 2.0
        yi = gf.cast(x * x, gf.int32)
    assert tape.gradient(yf, xi) is None
    zero = tape.gradient(yf, xi, unconnected_gradients="zero")
    assert zero.dtype == gf.int32 and zero.numpy().tolist() == [0, 0]
    assert tape.gradient(yi, x) is None


def test_gradient_has_the_dtype_of_its_source():
    x = gf.constant(2.0, gf.float64)
    with gf.GradientTape() as tape:
        tape.watch(x)
        y = gf.square(gf.cast(x, gf.float32))
    g = tape.gradient(y, x)
    assert g.dtype == gf.float64 and float(g) == 4.0


def test_stop_gradient_and_non_differentiable_ops_block_gradients():
    x = gf.constant([1.0, 3.0, 2.0])
    with gf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        stopped = gf.stop_gradient(x) * x
        index = gf.cast(gf.argmax(x), gf.float32)
    np.testing.assert_array_equal(tape.gradient(stopped, x).numpy(), [1.0, 3.0, 2.0])
    assert tape.gradient(index, x) is None


def test_unused_outputs_of_a_multi_output_op_count_as_zero():
    x = gf.constant([[1.0, 2.0], [3.0, 4.0]])
    with gf.GradientTape() as tape:
        tape.watch(x)
        first, _ = gf.unstack(x)
        y = gf.reduce_sum(first * 2.0)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[2.0, 2.0], [0.0, 0.0]])


# ---- higher derivatives ---------------------------------------------------------------------------------

def test_nested_tapes_give_second_derivatives():
    x = gf.constant(2.0)
    with gf.GradientTape() as outer:
        outer.watch(x)
        with gf.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        dy = inner.gradient(y, x)
    assert float(dy) == 12.0
    assert float(outer.gradient(dy, x)) == 12.0


def test_third_derivative_through_three_tapes():
    x = gf.constant(0.5)
    with gf.GradientTape() as t3:
        t3.watch(x)
        with gf.GradientTape() as t2:
            t2.watch(x)
            with gf.GradientTape() as t1:
                t1.watch(x)
                y = gf.sin(x)
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    np.testing.assert_allclose(float(t3.gradient(d2, x)), -np.cos(0.5), rtol=1e-6)


def test_persistent_tape_inside_its_block_records_its_own_gradient():
    x = gf.constant(2.0)
    with gf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x * x
        dy = tape.gradient(y, x)
    assert float(tape.gradient(dy, x)) == 12.0


def test_second_derivative_of_a_network_matches_finite_differences():
    x = gf.constant(np.array([[1.0, 2.0]]))
    weights = gf.constant(np.array([[1.0, 3.0]]))

    def penalty(w_value, outer=None):
        w = gf.Variable(w_value)
        with gf.GradientTape() as inner:
            y = gf.reduce_sum(gf.nn.softmax(gf.nn.relu(gf.matmul(x, w))) * weights)
        g = inner.gradient(y, w)
        return gf.reduce_sum(g * g), w

    w0 = np.array([[0.5, -1.0], [1.5, 0.25]])
    with gf.GradientTape() as outer:
        p, w = penalty(w0)
    got = outer.gradient(p, w).numpy()
    expected = np.zeros_like(w0)
    for i in np.ndindex(*w0.shape):
        up, down = w0.copy(), w0.copy()
        up[i] += 1e-6
        down[i] -= 1e-6
        expected[i] = (float(penalty(up)[0]) - float(penalty(down)[0])) / 2e-6
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-8)


# ---- graphs ---------------------------------------------------------------------------------------------

def test_tape_while_building_a_graph_builds_the_backward_graph():
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [None])
        v = gf.Variable(2.0)
        with gf.GradientTape() as tape:
            tape.watch(x)
            y = gf.reduce_sum(x * x * v)
        dx, dv = tape.gradient(y, [x, v])
        init = gf.compat.v1.global_variables_initializer()
    with gf.compat.v1.Session(graph=graph, optimize=False) as sess:
        sess.run(init)
        got_dx, got_dv = sess.run([dx, dv], {x: [1.0, 3.0]})
    np.testing.assert_allclose(got_dx, [4.0, 12.0])
    np.testing.assert_allclose(got_dv, 10.0)


def test_tape_inside_gf_function():
    if not hasattr(gf, "function"):
        pytest.skip("gf.function not available")
    v = gf.Variable([1.0, 2.0])

    @gf.function
    def step(x):
        with gf.GradientTape() as tape:
            loss = gf.reduce_sum(v * v * x)
        return tape.gradient(loss, v)

    np.testing.assert_allclose(step(gf.constant(3.0)).numpy(), [6.0, 12.0])
