"""gf.cond and gf.while_loop: the same numbers eagerly, in TF1 graphs and in gf.function; the If /
While graph ops; TensorFlow's errors; gradients (expected values checked against TF 2.21)."""
import numpy as np
import pytest

import graphflow as gf


def leaves(out):
    if isinstance(out, (list, tuple)):
        return [x for o in out for x in leaves(o)]
    return [out]


def run_everywhere(fn, *arrays):
    """fn(*tensors) eagerly, in a TF1 graph run by a Session, and as a gf.function: each mode's
    results as numpy arrays (flattened)."""
    eager = [np.asarray(t) for t in leaves(fn(*[gf.constant(a) for a in arrays]))]
    graph = gf.Graph()
    with graph.as_default():
        phs = [gf.compat.v1.placeholder(gf.as_dtype(np.asarray(a).dtype.name), np.shape(a)) for a in arrays]
        outs = leaves(fn(*phs))
        with gf.compat.v1.Session() as sess:
            sess.run(gf.compat.v1.global_variables_initializer())
            tf1 = [np.asarray(v) for v in sess.run(outs, dict(zip(phs, arrays)))]
    function = [np.asarray(t) for t in leaves(gf.function(fn)(*[gf.constant(a) for a in arrays]))]
    return {"eager": eager, "tf1": tf1, "function": function}


def assert_same_everywhere(fn, *arrays, expected=None):
    results = run_everywhere(fn, *arrays)
    want = results["eager"] if expected is None else [np.asarray(e) for e in expected]
    for mode, got in results.items():
        assert len(got) == len(want), mode
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-6, err_msg=mode)
            assert g.dtype == np.asarray(w).dtype, mode


def ops_of(fn, *specs):
    return [op.type for op in gf.function(fn).get_concrete_function(*specs).graph.get_operations()]


# ---- cond ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("p", [True, False])
def test_cond_picks_a_branch_in_every_mode(p):
    fn = lambda p, x: gf.cond(p, lambda: (x, x * 2.0), lambda: (x * 3.0, x))   # noqa: E731
    x = np.array([1.0, 2.0], np.float32)
    expected = (x, x * 2) if p else (x * 3, x)
    assert_same_everywhere(fn, np.bool_(p), x, expected=expected)


def test_cond_branches_may_capture_outer_tensors_and_return_python_numbers():
    def fn(p, x, y):
        return gf.cond(p, lambda: x * y + 1, lambda: gf.constant(0.0) + 2)
    assert_same_everywhere(fn, np.bool_(True), np.float32(2.0), np.float32(3.0), expected=[np.float32(7.0)])
    assert_same_everywhere(fn, np.bool_(False), np.float32(2.0), np.float32(3.0), expected=[np.float32(2.0)])


def test_eager_cond_takes_python_bools_and_returns_python_values():
    assert gf.cond(gf.constant(True), lambda: 1, lambda: 2) == 1
    assert gf.cond(False, lambda: 1, lambda: 2) == 2


def test_cond_builds_stateless_if_unless_a_branch_has_state():
    v = gf.Variable(1.0)
    pure = ops_of(lambda p, x: gf.cond(p, lambda: x, lambda: -x), gf.constant(True), gf.constant(1.0))
    stateful = ops_of(lambda p, x: gf.cond(p, lambda: x * v, lambda: x), gf.constant(True), gf.constant(1.0))
    assert "StatelessIf" in pure and "If" not in pure
    assert "If" in stateful


def test_cond_output_shape_is_what_both_branches_admit():
    cf = gf.function(lambda p, x: gf.cond(p, lambda: x, lambda: gf.concat([x, x], 0))).get_concrete_function(
        gf.constant(True), gf.constant([1.0]))
    assert cf.outputs[0].shape.as_list() == [None]
    graph = gf.Graph()
    with graph.as_default():
        p = gf.compat.v1.placeholder(gf.bool, [])
        out = gf.cond(p, lambda: gf.zeros([2]), lambda: gf.zeros([2, 2]))
    assert out.shape.rank is None


def test_only_the_taken_branch_runs_its_side_effects():
    v = gf.Variable(0.0)

    @gf.function
    def f(p):
        gf.cond(p, lambda: v.assign_add(1.0), lambda: v.assign_add(10.0))
        return v.read_value()
    assert float(f(gf.constant(True))) == 1.0
    assert float(f(gf.constant(False))) == 11.0


def test_cond_structure_mismatch_is_tensorflows_type_error():
    @gf.function
    def f(p, x):
        return gf.cond(p, lambda: {"a": x}, lambda: {"b": x})
    with pytest.raises(TypeError, match="true_fn and false_fn arguments to tf.cond must have the same number, "
                                        "type, and overall structure of return values"):
        f(gf.constant(True), gf.constant(1.0))


def test_cond_dtype_mismatch_is_a_type_error():
    @gf.function
    def f(p, x):
        return gf.cond(p, lambda: x, lambda: gf.constant(1))
    with pytest.raises(TypeError, match="have different types"):
        f(gf.constant(True), gf.constant(1.0))


def test_cond_pred_must_be_a_bool_scalar_tensor_in_graphs():
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [])
        with pytest.raises(TypeError, match="pred must not be a Python bool"):
            gf.cond(True, lambda: x, lambda: x)
        with pytest.raises(TypeError, match="must be a bool tensor"):
            gf.cond(x, lambda: x, lambda: x)
        with pytest.raises(ValueError, match="must be a scalar"):
            gf.cond(gf.constant([True, False]), lambda: x, lambda: x)


# ---- while_loop ----------------------------------------------------------------------------------------------

def test_while_loop_gives_the_same_numbers_in_every_mode():
    fn = lambda x: gf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2.0), [0, x])   # noqa: E731
    assert_same_everywhere(fn, np.array([1.0, 3.0], np.float32),
                           expected=[np.int32(3), np.array([8.0, 24.0], np.float32)])


def test_while_loop_keeps_the_loop_vars_structure():
    out = gf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2), (0, 1.0))
    assert isinstance(out, tuple) and int(out[0]) == 3 and float(out[1]) == 8.0
    out = gf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2), [0, 1.0])
    assert isinstance(out, list)
    single = gf.function(lambda x: gf.while_loop(lambda x: x < 10.0, lambda x: x * 2.0, x))(gf.constant(1.0))
    assert float(single) == 16.0


def test_maximum_iterations_stops_the_loop():
    fn = lambda x: gf.while_loop(lambda i, y: i < 100, lambda i, y: (i + 1, y + 1.0), (0, x),   # noqa: E731
                                 maximum_iterations=5)
    assert_same_everywhere(fn, np.float32(0.0), expected=[np.int32(5), np.float32(5.0)])


def test_a_loop_may_change_shape_within_its_shape_invariants():
    def fn(x):
        return gf.while_loop(lambda x: gf.reduce_sum(x) < 10, lambda x: gf.concat([x, x], 0), [x],
                             shape_invariants=[gf.TensorShape([None])])
    assert_same_everywhere(fn, np.array([1.0], np.float32), expected=[np.ones(16, np.float32)])


def test_a_shape_change_without_invariants_is_tensorflows_value_error():
    @gf.function
    def f(x):
        return gf.while_loop(lambda x: gf.reduce_sum(x) < 10, lambda x: gf.concat([x, x], 0), [x])
    with pytest.raises(ValueError, match=r"enters the loop with shape \(1,\), but has shape \(2,\) after one "
                                         r"iteration. To allow the shape to vary"):
        f(gf.constant([1.0]))


def test_a_dtype_change_is_a_type_error():
    @gf.function
    def f(x):
        return gf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, gf.cast(x, gf.int32)), [0, x])
    with pytest.raises(TypeError, match="enters the loop with type .*float32 but has type .*int32"):
        f(gf.constant(1.0))


def test_a_body_returning_another_structure_is_a_value_error():
    @gf.function
    def f(x):
        return gf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1,), [0, x])
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        f(gf.constant(1.0))


def test_while_builds_stateless_while_unless_the_body_has_state():
    v = gf.Variable(0.0)
    pure = ops_of(lambda x: gf.while_loop(lambda x: x < 5.0, lambda x: x + 1.0, [x]), gf.constant(0.0))
    stateful = ops_of(lambda x: gf.while_loop(lambda x: x < 5.0, lambda x: x + v.assign_add(1.0), [x]),
                      gf.constant(0.0))
    assert "StatelessWhile" in pure and "While" in stateful


def test_side_effects_in_a_loop_body_run_every_iteration():
    v = gf.Variable(0.0)

    @gf.function
    def f(n):
        gf.while_loop(lambda i: i < n, lambda i: (v.assign_add(2.0), i + 1)[1], [0])
        return v.read_value()
    assert float(f(gf.constant(4))) == 8.0


def test_cond_inside_a_while_body():
    def fn(x):
        body = lambda i, y: (i + 1, gf.cond(i % 2 == 0, lambda: y + 1.0, lambda: y * 2.0))   # noqa: E731
        return gf.while_loop(lambda i, y: i < 4, body, (0, x))[1]
    assert_same_everywhere(fn, np.float32(0.0), expected=[np.float32(6.0)])


# ---- gradients -------------------------------------------------------------------------------------------

def _grad_everywhere(fn, x):
    """d fn(x) / dx eagerly (tape), in a TF1 graph (gf.gradients) and in gf.function (tape inside)."""
    x_t = gf.constant(x)
    with gf.GradientTape() as tape:
        tape.watch(x_t)
        y = fn(x_t)
    eager = tape.gradient(y, x_t).numpy()
    graph = gf.Graph()
    with graph.as_default():
        p = gf.compat.v1.placeholder(gf.float32, np.shape(x))
        (g,) = gf.gradients(fn(p), [p])
        with gf.compat.v1.Session() as sess:
            tf1 = sess.run(g, {p: x})

    @gf.function
    def traced(x):
        with gf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
        return tape.gradient(y, x)
    return eager, tf1, traced(x_t).numpy()


@pytest.mark.parametrize("x", [2.0, 0.5])
def test_cond_gradient_follows_the_taken_branch(x):
    fn = lambda x: gf.cond(x > 1.0, lambda: gf.sin(x), lambda: x * x)   # noqa: E731
    expected = np.cos(x) if x > 1 else 2 * x
    for got in _grad_everywhere(fn, np.float32(x)):
        np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_while_gradient_differentiates_every_iteration():
    fn = lambda x: gf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * y), [0, x])[1]   # noqa: E731
    for got in _grad_everywhere(fn, np.float32(1.1)):
        np.testing.assert_allclose(got, 8 * 1.1 ** 7, rtol=1e-5)


def test_while_gradient_reaches_loop_invariant_captures():
    def fn(x):
        a = x * 1.0
        return gf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * a + 1.0), (0, gf.constant(1.0)))[1]
    # y3 = a^3 + a^2 + a + 1 with a = x
    for got in _grad_everywhere(fn, np.float32(2.0)):
        np.testing.assert_allclose(got, 3 * 4.0 + 2 * 2.0 + 1, rtol=1e-6)


def test_variables_read_inside_a_branch_get_gradients():
    w = gf.Variable(3.0)

    @gf.function
    def f(x):
        with gf.GradientTape() as tape:
            y = gf.cond(x > 0, lambda: w * w * x, lambda: w)
        return tape.gradient(y, w)
    assert float(f(gf.constant(2.0))) == 12.0
    assert float(f(gf.constant(-2.0))) == 1.0


def test_a_gradient_through_random_draws_in_a_branch_is_refused():
    @gf.function
    def f(x):
        with gf.GradientTape() as tape:
            tape.watch(x)
            y = gf.cond(x > 0, lambda: x * gf.random.uniform([]), lambda: x)
        return tape.gradient(y, x)
    with pytest.raises(NotImplementedError, match="would not give the same values again"):
        f(gf.constant(1.0))
