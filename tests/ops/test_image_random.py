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


# ---- stateless: one result per seed, the same in every mode ------------------------------------------

STATELESS = {
    "flip_left_right": lambda x, s: gf.image.stateless_random_flip_left_right(x, s),
    "flip_up_down": lambda x, s: gf.image.stateless_random_flip_up_down(x, s),
    "brightness": lambda x, s: gf.image.stateless_random_brightness(x, 0.3, s),
    "contrast": lambda x, s: gf.image.stateless_random_contrast(x, 0.5, 1.5, s),
    "hue": lambda x, s: gf.image.stateless_random_hue(x, 0.3, s),
    "saturation": lambda x, s: gf.image.stateless_random_saturation(x, 0.5, 1.5, s),
    "crop": lambda x, s: gf.image.stateless_random_crop(x, [2, 3, 4, 3], s),
}


@pytest.mark.parametrize("name", sorted(STATELESS))
def test_stateless_ops_give_one_result_per_seed_in_every_mode(name):
    fn = STATELESS[name]
    eager = run("eager", lambda x: fn(x, [1, 2]))
    np.testing.assert_array_equal(run("eager", lambda x: fn(x, [1, 2])), eager)
    np.testing.assert_allclose(run("graph", lambda x: fn(x, gf.constant([1, 2]))), eager, rtol=1e-6, atol=1e-6)
    others = [run("eager", lambda x, s=s: fn(x, [s, 9])) for s in range(4)]
    assert any(o.shape != eager.shape or not np.allclose(o, eager) for o in others)


def test_stateless_flip_and_brightness_keep_their_outcome_sets():
    for s in range(4):
        out = run("eager", lambda x, s=s: gf.image.stateless_random_flip_left_right(x, [s, 0]))
        for x, y in zip(IMAGES, out):
            assert np.array_equal(y, x) or np.array_equal(y, x[:, ::-1])
        delta = run("eager", lambda x, s=s: gf.image.stateless_random_brightness(x, 0.1, [s, 0])) - IMAGES
        assert np.allclose(delta, delta.flat[0], atol=1e-6) and abs(delta.flat[0]) <= 0.1


def test_stateless_ops_need_a_seed_known_when_built():
    graph = gf.Graph()
    with graph.as_default():
        seed = gf.compat.v1.placeholder(gf.int32, [2])
        with pytest.raises(ValueError, match="seed"):
            gf.image.stateless_random_flip_left_right(gf.constant(IMAGES), seed)


@pytest.mark.parametrize("mode", MODES)
def test_sample_distorted_bounding_box_covers_the_object(mode):
    gf.random.set_seed(5)
    boxes = np.array([[[0.2, 0.3, 0.6, 0.7]]], np.float32)
    area = 40 * 50

    def crop(_):
        return gf.image.sample_distorted_bounding_box([40, 50, 3], boxes, min_object_covered=0.5,
                                                      area_range=(0.2, 0.9))

    for _ in range(3):
        begin, size, box = run(mode, crop) if mode == "graph" else [t.numpy() for t in crop(None)]
        (y, x, c0), (h, w, c1) = begin, size
        assert (c0, c1) == (0, -1) and 0 <= y and y + h <= 40 and 0 <= x and x + w <= 50
        assert 0.2 * area * 0.8 <= h * w <= 0.9 * area * 1.2 or (h, w) == (40, 50)
        np.testing.assert_allclose(box[0, 0], [y / 40, x / 50, (y + h) / 40, (x + w) / 50], rtol=1e-6)
        oy = max(0, min(24, y + h) - max(8, y))
        ox = max(0, min(35, x + w) - max(15, x))
        assert oy * ox >= 0.5 * 16 * 20 or (h, w) == (40, 50)


def test_stateless_sample_distorted_bounding_box_repeats_per_seed():
    boxes = np.array([[[0.1, 0.1, 0.9, 0.9]]], np.float32)
    first = [t.numpy() for t in gf.image.stateless_sample_distorted_bounding_box([30, 30, 1], boxes, [3, 4])]
    again = [t.numpy() for t in gf.image.stateless_sample_distorted_bounding_box([30, 30, 1], boxes, [3, 4])]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
