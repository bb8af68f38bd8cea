"""gf.range against TensorFlow 2.21's recorded results (tools/tfref/record_range.py): values and
inferred dtypes, the wrong-direction errors in every mode, and programs whose bounds are graph
tensors known only when the graph runs (positions from tf.shape, a for loop counting down from a
reduce_max, columns picked by a computed range)."""
from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import graphflow as gf

REC = json.loads((pathlib.Path(__file__).parents[1] / "data" / "range" / "tf_range.json").read_text())


def _arg(v):
    if isinstance(v, list):
        return gf.constant(v[1], gf.int64) if v[0] == "int64" else np.float64(v[1])
    return v


def _call(case):
    return gf.range(*[_arg(a) for a in case["args"]], **case["kwargs"])


@pytest.mark.parametrize("case", REC["calls"], ids=lambda c: repr(c["args"]) + repr(c["kwargs"]))
def test_values_and_dtype_match_tensorflow(case):
    y = _call(case)
    assert y.dtype.name == case["dtype"]
    np.testing.assert_array_equal(y.numpy(), np.asarray(case["value"], y.dtype.as_numpy_dtype))


@pytest.mark.parametrize("case", REC["errors"], ids=lambda c: repr(c["args"]))
def test_a_range_from_the_wrong_direction_is_tensorflows_error_in_every_mode(case):
    with pytest.raises(gf.errors.InvalidArgumentError, match=case["message"]):
        _call(case)                                           # eager

    @gf.function
    def constant_bounds():
        return _call(case)
    with pytest.raises(gf.errors.InvalidArgumentError, match=case["message"]):
        constant_bounds()                                     # known while the graph is built

    @gf.function(input_signature=[gf.TensorSpec([], gf.int32)] * 3)
    def tensor_bounds(a, b, c):
        return gf.range(a, b, c)
    start, limit, *delta = case["args"]
    with pytest.raises(gf.errors.InvalidArgumentError, match="Range: " + case["message"]):
        tensor_bounds(gf.constant(start), gf.constant(limit), gf.constant(delta[0] if delta else 1))


def _positions(x):
    n = gf.shape(x)[0]
    pos = gf.cast(gf.range(n), gf.float32)[:, None]
    return x * gf.sin(pos / 2.0) + gf.cast(gf.range(n - 1, -1, -1), gf.float32)[:, None]


def _count_down(v):
    total = gf.constant(0)
    for i in gf.range(gf.reduce_max(v), 0, -1):
        total += i * gf.reduce_sum(gf.cast(v >= i, gf.int32))
    return total


def _last_columns(x):
    cols = gf.range(gf.shape(x)[1] - 2, gf.shape(x)[1])
    return gf.gather(x, cols, axis=1)


PROGRAMS = {"positions": (_positions, [None, 3], gf.float32),
            "count_down": (_count_down, [None], gf.int32),
            "last_columns": (_last_columns, [None, None], gf.float32)}


@pytest.mark.parametrize("mode", ["eager", "function", "session"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_programs_with_bounds_known_only_when_the_graph_runs(name, mode):
    fn, shape, dtype = PROGRAMS[name]
    rec = REC["programs"][name]
    x = np.asarray(rec["x"], dtype.as_numpy_dtype)
    if mode == "eager":
        y = fn(gf.constant(x)).numpy()
    elif mode == "function":
        y = gf.function(fn, input_signature=[gf.TensorSpec(shape, dtype)])(gf.constant(x)).numpy()
    else:
        graph = gf.Graph()
        with graph.as_default():
            p = gf.compat.v1.placeholder(dtype, shape)
            if name == "count_down":      # a Python for over a graph tensor needs AutoGraph, as in TF1
                with pytest.raises(TypeError, match="Iterating over a symbolic tensor"):
                    fn(p)
                return
            out = fn(p)
        y = gf.compat.v1.Session(graph=graph).run(out, {p: x})
    np.testing.assert_allclose(y, np.asarray(rec["y"]), rtol=1e-6, atol=1e-6)


def test_a_for_loop_over_a_graph_range_counts_instead_of_building_it():
    """AutoGraph's loop over gf.range(n) uses its bounds (the Range op itself never runs)."""
    @gf.function(input_signature=[gf.TensorSpec([], gf.int32)])
    def total(n):
        s = gf.constant(0)
        for i in gf.range(n):
            s += i
        return s
    assert int(total(gf.constant(10))) == 45
    assert int(total(gf.constant(0))) == 0


def test_a_range_of_known_bounds_is_a_static_value():
    """A perm built from gf.range with constant bounds is known while the graph is built."""
    @gf.function
    def reverse_axes(x):
        return gf.transpose(x, gf.range(2, -1, -1))
    assert reverse_axes(gf.ones([2, 3, 4])).shape == (4, 3, 2)
