"""Bad inputs give TF-style messages naming the op, the shapes and the user's line, never numpy's
own wording, in every mode; shape checks a graph defers to run time included."""
import re

import numpy as np
import pytest

import graphflow as gf

HERE = r"test_bad_inputs\.py:\d+"
NUMPY_WORDING = ("gufunc", "remapped shapes", "could not be broadcast together", "core dimension",
                 "input array dimensions", "zero-size array")

f32 = lambda *shape: np.ones(shape, np.float32)   # noqa: E731

# name -> (build(*placeholders), placeholder shapes, fed values, expected message)
DEFERRED = {
    "matmul": (lambda a, b: gf.matmul(a, b), [(None, None)] * 2, [f32(2, 3), f32(4, 5)],
               r"MatMul \(node \w+\) failed: inner dimensions do not match: \(2, 3\) @ \(4, 5\) \(3 vs 4\)\. "
               r"Inputs: float32\[2,3\], float32\[4,5\]"),
    "batch_matmul": (lambda a, b: gf.matmul(a, b), [(None, None, None)] * 2, [f32(2, 2, 3), f32(2, 4, 5)],
                     r"MatMul \(node \w+\) failed: inner dimensions do not match"),
    "add": (lambda a, b: a + b, [(None,)] * 2, [f32(3), f32(4)],
            r"Add \(node \w+\) failed: Incompatible shapes for broadcasting: \(3,\) and \(4,\)"),
    "where": (lambda a, b: gf.where(a > 0, a, b), [(None,)] * 2, [f32(3), f32(4)],
              r"Select \(node \w+\) failed: Incompatible shapes for broadcasting"),
    "concat": (lambda a, b: gf.concat([a, b], 0), [(None, None)] * 2, [f32(2, 3), f32(2, 4)],
               r"ConcatV2 \(node \w+\) failed: dimension 1 of the inputs must match"),
    "squeeze": (lambda a: gf.squeeze(a, [0]), [(None, None)], [f32(2, 3)],
                r"Squeeze \(node \w+\) failed: cannot squeeze dimension 0 of size 2"),
    "stack": (lambda a, b: gf.stack([a, b]), [(None,)] * 2, [f32(3), f32(4)],
              r"Pack \(node \w+\) failed: all inputs must have the same shape"),
    "broadcast_to": (lambda a: gf.broadcast_to(a, [4]), [(None,)], [f32(3)],
                     r"BroadcastTo \(node \w+\) failed: Incompatible shapes for broadcasting: \(3,\) and \(4,\)"),
    "split_sizes": (lambda a: gf.split(a, [1, 1]), [(None,)], [f32(3)],
                    r"Split \(node \w+\) failed: sizes \[1, 1\] do not add up to dimension 0 of size 3"),
}


def _session(build, shapes, values):
    graph = gf.Graph()
    with graph.as_default():
        holders = [gf.compat.v1.placeholder(gf.float32, s) for s in shapes]
        out = build(*holders)
    with gf.compat.v1.Session(graph=graph) as sess:
        return sess.run(out, feed_dict=dict(zip(holders, values)))


def _function(build, shapes, values):
    f = gf.function(build, input_signature=[gf.TensorSpec(s, gf.float32) for s in shapes])
    return f(*values)


def _check(excinfo, pattern):
    message = str(excinfo.value)
    assert re.search(pattern, message), message
    assert re.search(HERE, message), f"no user line in: {message}"
    assert not any(w in message for w in NUMPY_WORDING), message


@pytest.mark.parametrize("run", [_session, _function], ids=["session", "function"])
@pytest.mark.parametrize("name", sorted(DEFERRED))
def test_shape_errors_found_at_run_time_use_tf_wording(name, run):
    build, shapes, values, pattern = DEFERRED[name]
    with pytest.raises(gf.errors.InvalidArgumentError) as excinfo:
        run(build, shapes, values)
    _check(excinfo, pattern)


@pytest.mark.parametrize("op,fn", [("FloorDiv", lambda x, y: x // y), ("FloorMod", gf.math.floormod)])
def test_integer_division_by_zero_names_the_op_inputs_and_line(op, fn):
    with pytest.raises(gf.errors.InvalidArgumentError) as excinfo:
        fn(gf.constant([1, 2]), gf.constant([1, 0]))
    _check(excinfo, rf"{op}: Integer division by zero\. Inputs: int32\[2\], int32\[2\]")


def test_integer_division_by_zero_in_a_graph_names_the_node():
    with pytest.raises(gf.errors.InvalidArgumentError) as excinfo:
        _session(lambda a: gf.cast(a, gf.int32) // gf.zeros_like(gf.cast(a, gf.int32)), [(2,)], [f32(2)])
    _check(excinfo, r"FloorDiv \(node \w+\) failed: Integer division by zero")


def test_split_errors_name_the_shape_and_line():
    with pytest.raises(gf.errors.InvalidArgumentError) as excinfo:
        gf.split(gf.ones([3]), 2)
    _check(excinfo, r"Split: dimension 0 of size 3 is not divisible by 2 \(shape \(3,\)\)")


def test_equal_split_of_an_unknown_dimension_is_decided_at_run_time():
    # As in TF: building succeeds with pieces of unknown size; a size that does not divide fails at run time.
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float32, (None, 3))
        a, b = gf.split(x, 2)
        assert a.shape.as_list() == [None, 3]
        total = gf.reduce_sum(a) - gf.reduce_sum(b)
        grad = gf.gradients(total, x)[0]
        with gf.compat.v1.Session() as sess:
            value = np.arange(12, dtype=np.float32).reshape(4, 3)
            out, g = sess.run([total, grad], {x: value})
            assert out == value[:2].sum() - value[2:].sum()
            np.testing.assert_array_equal(g, [[1] * 3] * 2 + [[-1] * 3] * 2)
            with pytest.raises(gf.errors.InvalidArgumentError) as excinfo:
                sess.run(a, {x: np.zeros((3, 3), np.float32)})
    _check(excinfo, r"dimension 0 of size 3 is not divisible by 2 \(shape \(3, 3\)\)")


def test_split_sizes_that_do_not_cover_the_axis_raise_eagerly():
    with pytest.raises(gf.errors.InvalidArgumentError) as excinfo:
        gf.split(gf.ones([3]), [1, 1])
    _check(excinfo, r"Split: sizes \[1, 1\] do not add up to dimension 0 of size 3")


def test_static_graph_errors_name_the_op_once():
    graph = gf.Graph()
    with graph.as_default(), pytest.raises(ValueError) as excinfo:
        gf.matmul(gf.ones([2, 3]), gf.ones([4, 5]))
    assert "MatMul: MatMul" not in str(excinfo.value)
    _check(excinfo, r"^MatMul: inner dimensions do not match: \(2, 3\) @ \(4, 5\)")
