"""Shape-like arguments that are graph tensors known only when the graph runs (paddings,
multiples, depth, slice bounds, shift, repeats, perm, axis computed from gf.shape / gf.rank),
against TensorFlow 2.21's recorded results (tools/tfref/record_dynamic_shapes.py): each program of
tools/tfref/dynamic_shape_programs.py eagerly, in a gf.function traced for [None, None] inputs and
in a TF1 graph fed through a [None, None] placeholder, with its gradient where TF differentiates
it, and bad run-time values raising TF's error in every mode."""
from __future__ import annotations

import importlib.util
import json
import pathlib
import re

import numpy as np
import pytest

import graphflow as gf

ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("tfref_dynamic_shape_programs",
                                               ROOT / "tools" / "tfref" / "dynamic_shape_programs.py")
progs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(progs)
REC = json.loads((ROOT / "tests" / "data" / "dynamic_shapes" / "tf_dynamic_shapes.json").read_text())
MODES = ("eager", "function", "session")


def _with_grad(fn, grad):
    def run(x):
        with gf.GradientTape() as tape:
            tape.watch(x)
            y = fn(gf, x)
            loss = gf.reduce_sum(y * y)
        return [y, tape.gradient(loss, x)] if grad else [y]
    return run


def _run(fn, mode, grad=False):
    x = progs.X
    if mode == "eager":
        return [v.numpy() for v in _with_grad(fn, grad)(gf.constant(x))]
    if mode == "function":
        f = gf.function(_with_grad(fn, grad), input_signature=[gf.TensorSpec([None, None], gf.float32)])
        return [v.numpy() for v in f(gf.constant(x))]
    graph = gf.Graph()
    with graph.as_default():
        p = gf.compat.v1.placeholder(gf.float32, [None, None])
        y = fn(gf, p)
        outs = [y, gf.gradients(gf.reduce_sum(y * y), p)[0]] if grad else [y]
    return gf.compat.v1.Session(graph=graph).run(outs, {p: x})


def test_every_program_was_recorded():
    assert sorted(REC["programs"]) == sorted(progs.PROGRAMS)
    assert sorted(REC["errors"]) == sorted(progs.ERRORS)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(progs.PROGRAMS))
def test_program_matches_tensorflow(name, mode):
    rec = REC["programs"][name][mode]
    y, *g = _run(progs.PROGRAMS[name], mode, grad=name in progs.DIFFERENTIABLE)
    assert np.asarray(y).dtype.name == rec["dtype"]
    np.testing.assert_allclose(y, np.asarray(rec["y"]), rtol=1e-6, atol=1e-6)
    if g:
        np.testing.assert_allclose(g[0], np.asarray(rec["grad"]), rtol=1e-5, atol=1e-5)


def _static_shape(fn):
    """The output's shape while a [None, None] function is traced."""
    shapes = []

    @gf.function(input_signature=[gf.TensorSpec([None, None], gf.float32)])
    def f(x):
        y = fn(gf, x)
        shapes.append(y.shape.as_list())
        return y
    f.get_concrete_function()
    return shapes[-1]


def test_unknown_values_give_unknown_dims_and_known_ones_stay_known():
    assert _static_shape(progs.tile_list) == [None, None]
    assert _static_shape(progs.one_hot_depth) == [None, None]
    assert _static_shape(lambda tf, x: tf.pad(x, [[1, 2], [0, 0]])) == [None, None]
    assert _static_shape(lambda tf, x: tf.tile(tf.ones([2, 3]), [tf.rank(x), 1])) == [4, 3]
    assert _static_shape(lambda tf, x: tf.one_hot([0, 1], tf.rank(x) + 1)) == [2, 3]
    assert _static_shape(progs.transpose_range_perm) == [None, None]
    assert _static_shape(progs.reduce_rank_axis) == [None]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(progs.ERRORS))
def test_bad_run_time_values_raise_tensorflows_error(name, mode):
    rec = REC["errors"][name]
    assert rec[mode]["class"] == "InvalidArgumentError"
    message = progs.OWN_MESSAGES.get(name, rec["eager"]["message"])
    with pytest.raises(gf.errors.InvalidArgumentError, match=re.escape(message)):
        _run(progs.ERRORS[name], mode)
