"""Converted control flow is gf.cond / gf.while_loop: gradients flow through it, and a converted
loop is the same graph as the hand-written while_loop (one trace, whatever the trip count)."""
import numpy as np

import graphflow as gf


def cube_by_loop(x, n):
    y = gf.ones_like(x)
    i = 0
    while i < n:
        y = y * x
        i += 1
    return y


def test_gradient_of_a_converted_while_loop_from_outside():
    f = gf.function(cube_by_loop)
    x = gf.constant([1.5, -2.0])
    with gf.GradientTape() as tape:
        tape.watch(x)
        y = f(x, gf.constant(3))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 3 * np.array([1.5, -2.0]) ** 2, rtol=1e-6)


def test_gradient_inside_the_function_through_a_converted_for_loop_and_if():
    @gf.function
    def f(x):
        with gf.GradientTape() as tape:
            tape.watch(x)
            y = x
            for k in gf.range(3):
                if k % 2 == 0:
                    y = y * x
                else:
                    y = y + gf.sin(x)
        return tape.gradient(y, x)
    x = 0.7
    # y = ((x*x) + sin x) * x = x^3 + x sin x
    expected = 3 * x ** 2 + np.sin(x) + x * np.cos(x)
    np.testing.assert_allclose(f(gf.constant(x)).numpy(), expected, rtol=1e-5)


def test_gradient_reaches_variables_read_in_a_converted_loop():
    w = gf.Variable(2.0)

    @gf.function
    def f(x):
        with gf.GradientTape() as tape:
            y = x
            for _ in gf.range(2):
                y = y * w
        return tape.gradient(y, w)
    # y = x w^2, dy/dw = 2 x w
    np.testing.assert_allclose(f(gf.constant(3.0)).numpy(), 12.0)


def test_gradient_through_a_converted_if():
    f = gf.function(_piecewise)
    for x, slope in [(2.0, 4.0), (-1.0, 3.0)]:
        t = gf.constant(x)
        with gf.GradientTape() as tape:
            tape.watch(t)
            y = f(t)
        np.testing.assert_allclose(tape.gradient(y, t).numpy(), slope, rtol=1e-6)


def _piecewise(x):
    if x > 0:
        y = x * x
    else:
        y = 3.0 * x
    return y


def test_converted_loop_is_traced_once_for_any_trip_count():
    f = gf.function(cube_by_loop)
    for n in (0, 1, 5, 50):
        np.testing.assert_allclose(f(gf.constant(1.1), gf.constant(n)).numpy(), 1.1 ** n, rtol=1e-5)
    assert f.experimental_get_tracing_count() == 1


def _while_ops(fn, *args):
    graph = gf.function(fn).get_concrete_function(*args).graph
    loops = [op for op in graph.operations if op.type in ("While", "StatelessWhile")]
    assert len(loops) == 1
    op = loops[0]
    return (op.type, len(op.inputs), sorted(o.type for o in op.attrs["cond_graph"].operations),
            sorted(o.type for o in op.attrs["body_graph"].operations))


def test_converted_while_builds_the_same_loop_as_a_hand_written_while_loop():
    def converted(x, n):
        i = 0
        while i < n:
            x = x * 0.5 + 1.0
            i += 1
        return x

    def hand_written(x, n):
        _, x = gf.while_loop(lambda i, x: i < n, lambda i, x: (i + 1, x * 0.5 + 1.0), (gf.constant(0), x))
        return x
    args = (gf.constant(3.0), gf.constant(10))
    assert _while_ops(converted, *args) == _while_ops(hand_written, *args)
