"""Resizing, CenterCrop, RandomCrop and RandomBrightness beyond the harness's recorded
inference outputs: RandomCrop's and RandomBrightness's training behaviour, integer images,
and the layers inside a compiled fit and a `.keras` round trip."""
import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
L = keras.layers


def images(shape=(3, 6, 5, 2), seed=0):
    return np.random.default_rng(seed).uniform(0, 1, shape).astype("float32")


def test_random_crop_takes_a_window_of_the_image_while_training():
    x = images()
    out = L.RandomCrop(3, 2)(x, training=True).numpy()
    assert out.shape == (3, 3, 2, 2)
    windows = [x[:, i:i + 3, j:j + 2] for i in range(4) for j in range(4)]
    assert any(np.array_equal(out, w) for w in windows)


def test_random_crop_resizes_images_not_larger_than_the_target_while_training():
    out = L.RandomCrop(4, 4)(images((1, 3, 5, 1)), training=True)
    assert tuple(out.shape) == (1, 4, 4, 1)


def test_random_crop_passes_images_through_at_inference_as_keras():
    x = images()
    np.testing.assert_array_equal(L.RandomCrop(3, 2)(x, training=False).numpy(), x)


def test_random_brightness_shifts_each_image_by_one_delta_within_factor():
    x = images((40, 4, 4, 3)) * 0.5 + 0.25
    out = L.RandomBrightness((-0.2, 0.1), value_range=(0, 1))(x, training=True).numpy()
    delta = out - x
    assert np.allclose(delta, delta[:, :1, :1, :1], atol=1e-6)
    assert delta.min() >= -0.2 - 1e-6 and delta.max() <= 0.1 + 1e-6 and delta.std() > 0.02


def test_random_brightness_clips_to_the_value_range():
    out = L.RandomBrightness(1.0, value_range=(0, 1))(np.ones((20, 2, 2, 1), "float32"), training=True).numpy()
    assert out.min() >= 0 and out.max() <= 1


@pytest.mark.parametrize("make", [lambda: L.RandomBrightness(1.5), lambda: L.Resizing(2, 2, interpolation="cubic"),
                                  lambda: L.Resizing(2, 2, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)])
def test_bad_arguments_are_rejected(make):
    with pytest.raises(ValueError):
        make()


def test_resizing_keeps_integer_images_integer():
    x = np.arange(16, dtype="uint8").reshape(1, 4, 4, 1) * 16
    out = L.Resizing(2, 2)(x)
    assert out.dtype == gf.uint8 and tuple(out.shape) == (1, 2, 2, 1)


def test_a_model_trains_and_saves_with_the_image_size_layers(tmp_path):
    x, y = images((4, 6, 5, 2)), np.zeros((4, 1), "float32")
    model = keras.Sequential([keras.Input((6, 5, 2)), L.RandomBrightness(0.1, value_range=(0, 1)),
                              L.Resizing(4, 4), L.CenterCrop(3, 3), L.Flatten(), L.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    history = model.fit(x, y, batch_size=2, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    model.save(tmp_path / "m.keras")
    restored = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
