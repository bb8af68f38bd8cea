"""Sizes known only when the graph runs, against TensorFlow 2.21's recorded results
(tools/tfref/record_dynamic_sizes.py): top_k's k, unsorted_segment_*'s num_segments, bincount's
minlength/maxlength, linspace's num, image.resize's size, map_fn and TensorArray over a first
dimension from tf.shape (a TensorArray of such a size written in a gf.range loop too). Each program
of tests/ops/dynamic_size_programs.py runs eagerly, in a
gf.function traced for None dims and in a TF1 graph fed through a placeholder of unknown dims;
values, gradients (where TF has them) and the run-time errors of bad sizes are TF's."""
from __future__ import annotations

import functools
import json
import pathlib

import numpy as np
import pytest

import graphflow as gf

from . import dynamic_size_programs as programs

REC = json.loads((pathlib.Path(__file__).parents[1] / "data" / "dynamic_sizes" / "tf_dynamic_sizes.json").read_text())
X = np.asarray(REC["x"], np.float32)
MODES = ["eager", "function", "session"]


def _run(fn, mode):
    """fn(x) in `mode`: eager, gf.function with a None-dims signature, or a TF1 Session."""
    if mode == "eager":
        return fn(gf.constant(X)).numpy()
    if mode == "function":
        return gf.function(fn, input_signature=[gf.TensorSpec([None, None], gf.float32)])(gf.constant(X)).numpy()
    graph = gf.Graph()
    with graph.as_default():
        p = gf.compat.v1.placeholder(gf.float32, [None, None])
        out = fn(p)
    return gf.compat.v1.Session(graph=graph).run(out, {p: X})


def _gradient(fn):
    def dx(x):
        with gf.GradientTape() as tape:
            tape.watch(x)
            loss = gf.reduce_sum(gf.sin(gf.cast(fn(x), gf.float32)))
        return tape.gradient(loss, x)
    return dx


def _session_gradient(fn):
    def dx(x):
        return gf.compat.v1.gradients(gf.reduce_sum(gf.sin(gf.cast(fn(x), gf.float32))), x)[0]
    return dx


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(programs.PROGRAMS))
def test_values_match_tensorflow(name, mode):
    fn = programs.PROGRAMS[name][0]
    rec = REC["programs"][name]
    y = _run(lambda x: fn(gf, x), mode)
    assert list(y.shape) == rec["shape"]
    np.testing.assert_allclose(y, np.asarray(rec["y"]), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(n for n, p in programs.PROGRAMS.items() if p[2]))
def test_gradients_match_tensorflow(name, mode):
    fn = programs.PROGRAMS[name][0]
    make = _session_gradient if mode == "session" else _gradient
    dx = _run(make(lambda x: fn(gf, x)), mode)
    np.testing.assert_allclose(dx, np.asarray(REC["programs"][name]["dx"]), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(programs.FAILING))
def test_bad_run_time_sizes_raise_tensorflows_error(name, mode):
    fn = programs.FAILING[name]
    with pytest.raises(gf.errors.InvalidArgumentError, match=REC["errors"][name].replace(".", r"\.")):
        _run(lambda x: fn(gf, x), mode)


def test_known_sizes_still_give_known_shapes():
    """With sizes known while the graph is built, the outputs' shapes are known as before."""
    @gf.function(input_signature=[gf.TensorSpec([3, 4], gf.float32)])
    def shapes(x):
        return (gf.math.top_k(x, 2).values, gf.math.unsorted_segment_sum(x, [0, 1, 0], 2),
                gf.image.resize(x[None, :, :, None], [6, 2])[0, :, :, 0], gf.linspace(0.0, 1.0, 5))
    assert [t.shape.as_list() for t in shapes.get_concrete_function().structured_outputs] == \
        [[3, 2], [2, 4], [6, 2], [5]]


@pytest.mark.parametrize("mode", ["eager", "function"])
@pytest.mark.parametrize("name", sorted(programs.LOOPS))
def test_loops_writing_arrays_of_run_time_size_match_tensorflow(name, mode):
    """A Python for over gf.range needs AutoGraph (gf.function) or eager execution, as in TF."""
    program = functools.partial(programs.LOOPS[name], gf)    # AutoGraph converts the program itself
    rec = REC["programs"][name]
    np.testing.assert_allclose(_run(program, mode), np.asarray(rec["y"]), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_run(_gradient(program), mode), np.asarray(rec["dx"]), rtol=1e-4, atol=1e-5)
