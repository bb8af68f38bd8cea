"""Image augmentation layers: identity at inference, Keras 3's outputs in training for fixed
factor ranges (tests/data/keras_breadth/augmentation.*), and the random ones' invariants."""
import json
import os

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
L = keras.layers
DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data", "keras_breadth")
with open(os.path.join(DATA, "augmentation.json")) as f:
    CASES = json.load(f)["cases"]
A = dict(np.load(os.path.join(DATA, "augmentation.npz")))
IMAGES = A["images"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_training_output_matches_keras_for_a_fixed_factor(case):
    layer = getattr(L, case["class"])(**case["kwargs"])
    np.testing.assert_allclose(layer(IMAGES, training=True).numpy(), A[case["id"]], rtol=1e-5, atol=1e-5)
    traced = gf.function(lambda x: layer(x, training=True))
    np.testing.assert_allclose(traced(gf.constant(IMAGES)).numpy(), A[case["id"]], rtol=1e-5, atol=1e-5)
    clone = type(layer).from_config(layer.get_config())
    np.testing.assert_allclose(clone(IMAGES, training=True).numpy(), A[case["id"]], rtol=1e-5, atol=1e-5)


AUGMENTERS = [lambda: L.RandomFlip(), lambda: L.RandomRotation(0.2), lambda: L.RandomZoom(0.3),
              lambda: L.RandomTranslation(0.2, 0.2), lambda: L.RandomContrast(0.5)]


@pytest.mark.parametrize("make", AUGMENTERS, ids=["flip", "rotation", "zoom", "translation", "contrast"])
def test_augmentation_is_the_identity_at_inference_and_in_predict(make):
    layer = make()
    np.testing.assert_array_equal(layer(IMAGES).numpy(), IMAGES)
    model = keras.Sequential([keras.Input((5, 4, 2)), layer])
    np.testing.assert_array_equal(model.predict(IMAGES, verbose=0), IMAGES)


def test_random_flip_gives_each_image_or_its_flip():
    out = L.RandomFlip("horizontal", seed=3)(np.repeat(IMAGES, 8, axis=0), training=True).numpy()
    originals = np.repeat(IMAGES, 8, axis=0)
    kept = [np.array_equal(o, x) for o, x in zip(out, originals)]
    flipped = [np.array_equal(o, x[:, ::-1]) for o, x in zip(out, originals)]
    assert all(k or f for k, f in zip(kept, flipped))
    assert any(kept) and any(flipped)


def test_random_contrast_scales_deviations_by_one_factor_per_image_within_range():
    images = IMAGES * 100 + 400           # far from the clipping bounds
    out = L.RandomContrast((0.2, 0.3), value_range=(0, 1000))(images, training=True).numpy()
    mean = images.mean(axis=(1, 2), keepdims=True)
    for image, m, result in zip(images, mean, out):
        deviation = image - m
        f = float(((result - m) * deviation).sum() / (deviation ** 2).sum())   # the factor this image got
        np.testing.assert_allclose(result, deviation * f + m, atol=1e-3)
        assert 0.8 - 1e-5 <= f <= 1.3 + 1e-5


def test_bad_augmentation_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="fill_mode"):
        L.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(ValueError, match="mode"):
        L.RandomFlip("diagonal")
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        L.RandomTranslation(1.5, 0.0)
