"""tf.image's random augmentations: what each may return (TensorFlow's random streams differ from
graphflow's, so values are checked against the set of outcomes the op defines), eagerly and in a
TF1 graph."""
from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf

IMAGES = np.random.default_rng(3).uniform(0, 1, (4, 5, 6, 3)).astype(np.float32)


def run(mode, fn):
    if mode == "eager":
        return fn(gf.constant(IMAGES)).numpy()
    graph = gf.Graph()
    with graph.as_default():
        out = fn(gf.constant(IMAGES))
    with gf.compat.v1.Session(graph=graph) as sess:
        return sess.run(out)


MODES = ["eager", "graph"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name, axis", [("random_flip_left_right", 2), ("random_flip_up_down", 1)])
def test_random_flip_flips_whole_images_or_none(mode, name, axis):
    gf.random.set_seed(7)
    seen = set()
    for _ in range(6):
        out = run(mode, getattr(gf.image, name))
        for x, y in zip(IMAGES, out):
            flipped = np.array_equal(y, np.flip(x, axis - 1))
            assert flipped or np.array_equal(y, x)
            seen.add(flipped)
    assert seen == {True, False}


@pytest.mark.parametrize("mode", MODES)
def test_random_brightness_adds_one_delta_within_bounds(mode):
    out = run(mode, lambda x: gf.image.random_brightness(x, 0.2, seed=1))
    delta = out - IMAGES
    assert np.allclose(delta, delta.flat[0], atol=1e-6) and abs(delta.flat[0]) <= 0.2


@pytest.mark.parametrize("mode", MODES)
def test_random_contrast_scales_around_the_mean_by_a_factor_in_range(mode):
    out = run(mode, lambda x: gf.image.random_contrast(x, 0.5, 1.5, seed=2))
    mean = IMAGES.mean(axis=(1, 2), keepdims=True)
    factor = (out - mean) / (IMAGES - mean)
    assert np.allclose(factor, factor.flat[0], rtol=1e-3) and 0.5 <= factor.flat[0] < 1.5


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn", [lambda x: gf.image.random_hue(x, 0.0),
                                lambda x: gf.image.random_saturation(x, 1.0, 1.0 + 1e-6)])
def test_random_colour_ops_with_an_empty_range_keep_the_image(mode, fn):
    np.testing.assert_allclose(run(mode, fn), IMAGES, atol=1e-5)


@pytest.mark.parametrize("mode", MODES)
def test_random_hue_and_saturation_stay_in_range(mode):
    for fn in (lambda x: gf.image.random_hue(x, 0.4, seed=3), lambda x: gf.image.random_saturation(x, 0.2, 2.0)):
        out = run(mode, fn)
        assert out.shape == IMAGES.shape and out.dtype == np.float32
        assert out.min() >= -1e-6 and out.max() <= 1 + 1e-6


@pytest.mark.parametrize("mode", MODES)
def test_random_crop_returns_a_block_of_the_input(mode):
    out = run(mode, lambda x: gf.image.random_crop(x, [2, 3, 4, 3], seed=4))
    assert out.shape == (2, 3, 4, 3)
    found = any(np.array_equal(out, IMAGES[b:b + 2, i:i + 3, j:j + 4])
                for b in range(3) for i in range(3) for j in range(3))
    assert found


def test_random_ops_reject_bad_ranges():
    with pytest.raises(ValueError):
        gf.image.random_brightness(IMAGES, -0.1)
    with pytest.raises(ValueError):
        gf.image.random_contrast(IMAGES, 1.0, 0.5)
    with pytest.raises(ValueError):
        gf.image.random_hue(IMAGES, 0.7)
    with pytest.raises(ValueError):
        gf.image.random_crop(IMAGES, [5, 5, 6, 3])
