"""tf.image's codecs, JPEG re-compression, resize methods and random flips (image_io_programs.py) against
TensorFlow 2.21's recorded outputs (tools/tfref/record_image_io.py), eagerly, in a TF1 graph with the files
fed to string placeholders, and traced by gf.function with the files as its arguments."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

import graphflow as gf

from .image_io_programs import ERRORS, ONE_OF, PROGRAMS

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
with open(os.path.join(DATA, "tf_reference", "image_io.json")) as _f:
    RECORDED = json.load(_f)
ARRAYS = np.load(os.path.join(DATA, "tf_reference", "image_io.npz"))

# Where graphflow deliberately differs: (program, key) -> (pixel columns not compared, why).
DEVIATIONS = {
    ("jpeg_crops", "even_right_edge"): (
        [-1], "TF's kernel decodes only the window's iMCU columns, so its chroma upsampling treats a window edge "
              "inside the image as the image's edge; graphflow gives what TF documents (decode, then crop), which "
              "differs there by a few levels"),
}


# Values within a few levels of TensorFlow's, not equal: (program, key) -> (levels, why).
TOLERANCES = {
    ("jxl", "lossy"): (1, "lossy JPEG XL: libjxl's float pipeline rounds a pixel differently between the libjxl "
                          "TF 2.21 bundles and pillow-jxl-plugin's; lossless files decode identically"),
}


def _read(name):
    with open(os.path.join(DATA, "image_io", name), "rb") as f:
        return f.read()


def _eager(fn, blobs):
    return {k: v.numpy() for k, v in fn(gf, *[gf.constant(b) for b in blobs]).items()}


def _graph(fn, blobs):
    graph = gf.Graph()
    with graph.as_default():
        feeds = [gf.compat.v1.placeholder(gf.string, []) for _ in blobs]
        out = fn(gf, *feeds)
    with gf.compat.v1.Session(graph=graph) as sess:
        return sess.run(out, feed_dict=dict(zip(feeds, blobs)))


def _function(fn, blobs):
    return {k: v.numpy() for k, v in gf.function(lambda *xs: fn(gf, *xs))(*[gf.constant(b) for b in blobs]).items()}


MODES = {"eager": _eager, "graph": _graph, "function": _function}


@pytest.fixture(scope="module")
def results():
    """Each program's outputs per mode, computed once for the tests below."""
    cache = {}

    def get(name, mode):
        if (name, mode) not in cache:
            files, fn = PROGRAMS[name]
            cache[name, mode] = MODES[mode](fn, [_read(f) for f in files])
        return cache[name, mode]
    return get


def _want(name, key):
    return ARRAYS[f"{name}/{key}"]


def _check_one_of(name, key, got, candidates):
    """A random draw: (image by image for a batch) one of the candidates TensorFlow recorded."""
    options = [_want(name, c) for c in candidates]
    pairs = zip(got, zip(*options)) if got.ndim == 4 else [(got, options)]
    for i, (g, opts) in enumerate(pairs):
        assert any(g.dtype == o.dtype and np.array_equal(g, o) for o in opts), \
            f"{name}/{key}: image {i} is none of TensorFlow's outcomes {candidates}"


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_tensorflow(results, name, mode):
    got_all = results(name, mode)
    assert sorted(got_all) == sorted(RECORDED["programs"][name])
    for key, got in got_all.items():
        got = np.asarray(got)
        if key in ONE_OF.get(name, {}):
            _check_one_of(name, key, got, ONE_OF[name][key])
            continue
        want = _want(name, key)
        what = f"{name}/{key} [{mode}]"
        assert got.dtype == want.dtype and got.shape == want.shape, \
            f"{what}: {got.dtype}{got.shape} != TensorFlow's {want.dtype}{want.shape}"
        if (name, key) in DEVIATIONS:
            skip = DEVIATIONS[name, key][0]
            got, want = np.delete(got, skip, axis=1), np.delete(want, skip, axis=1)
        if (name, key) in TOLERANCES:
            levels = TOLERANCES[name, key][0]
            assert np.abs(got.astype(int) - want.astype(int)).max() <= levels, what
        elif want.dtype.kind == "f":
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=what)
        else:
            np.testing.assert_array_equal(got, want, err_msg=what)


def test_deviations_stay_small(results):
    """The columns DEVIATIONS leaves out differ from TensorFlow's by a few levels, no more."""
    for (name, key), (skip, _) in DEVIATIONS.items():
        got, want = results(name, "eager")[key], _want(name, key)
        assert np.abs(got[:, skip].astype(int) - want[:, skip].astype(int)).max() <= 16


def test_random_draws_vary_and_repeat_with_the_seed():
    """As in TensorFlow: one op seed gives different flips call after call, and the same sequence again
    after the global seed is set again."""
    x = gf.constant(np.arange(8 * 2 * 2, dtype=np.float32).reshape(8, 2, 2, 1))

    def draws():
        gf.random.set_seed(11)
        return [gf.image.random_flip_left_right(x, seed=5).numpy() for _ in range(4)]
    first, again = draws(), draws()
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert any(not np.array_equal(first[0], d) for d in first[1:])


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_bad_input_raises_a_clear_error(name):
    files, fn = ERRORS[name]
    assert RECORDED["errors"][name] == "InvalidArgumentError"
    with pytest.raises((ValueError, TypeError)) as info:
        fn(gf, *[gf.constant(_read(f)) for f in files])
    message = str(info.value)
    assert any(op in message for op in ("Decode", "Extract", "Encode", "decode", "adjust_jpeg_quality", "Jpeg")), \
        message
