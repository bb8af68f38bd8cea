"""The regularization layers while training: their noise has Keras's distribution (tested by
its statistics, since graphflow's random streams differ from Keras's), masks drop whole feature
maps, ActivityRegularization adds Keras's penalty, and fit trains through all of them. Their
inference behaviour (the identity) is checked against Keras by the layer harness."""
import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
L = keras.layers


def normal_inputs(shape, seed=0):
    return gf.constant(np.random.default_rng(seed).standard_normal(shape))


def test_gaussian_noise_adds_zero_mean_noise_of_stddev():
    x = gf.constant(np.ones((200, 100)))
    noise = L.GaussianNoise(0.3, dtype="float64")(x, training=True).numpy() - 1
    assert noise.shape == (200, 100)
    assert abs(noise.mean()) < 0.01 and abs(noise.std() - 0.3) < 0.01


def test_gaussian_dropout_multiplies_by_one_centred_noise():
    x = gf.constant(np.full((200, 100), 2.0))
    factor = L.GaussianDropout(0.2, dtype="float64")(x, training=True).numpy() / 2
    assert abs(factor.mean() - 1) < 0.01 and abs(factor.std() - np.sqrt(0.2 / 0.8)) < 0.01


def test_alpha_dropout_keeps_a_standard_normals_mean_and_variance():
    out = L.AlphaDropout(0.3, dtype="float64")(normal_inputs((400, 100)), training=True).numpy()
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1) < 0.02


def test_alpha_dropout_noise_shape_shares_one_decision_along_none_free_axes():
    rate, x = 0.5, normal_inputs((50, 4, 6))
    out = L.AlphaDropout(rate, noise_shape=(None, 1, 6), dtype="float64")(x, training=True).numpy()
    alpha_p = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    dropped = np.isclose(out, a * alpha_p - a * alpha_p * rate)
    kept = np.isclose(out, a * x.numpy() - a * alpha_p * rate)
    assert (dropped | kept).all()
    assert (dropped == dropped[:, :1]).all() and 0.3 < dropped.mean() < 0.7


@pytest.mark.parametrize("layer, shape, map_axes", [
    (lambda: L.SpatialDropout1D(0.5, dtype="float64"), (60, 4, 3), (1,)),
    (lambda: L.SpatialDropout2D(0.5, dtype="float64"), (30, 2, 3, 4), (1, 2)),
    (lambda: L.SpatialDropout2D(0.5, data_format="channels_first", dtype="float64"), (30, 4, 2, 3), (2, 3)),
    (lambda: L.SpatialDropout3D(0.5, dtype="float64"), (20, 2, 2, 2, 3), (1, 2, 3)),
], ids=["1d", "2d", "2d_channels_first", "3d"])
def test_spatial_dropout_drops_whole_feature_maps_and_rescales_the_rest(layer, shape, map_axes):
    out = layer()(gf.constant(np.ones(shape)), training=True).numpy()
    assert set(np.unique(out)) <= {0.0, 2.0}
    assert (out.min(axis=map_axes) == out.max(axis=map_axes)).all()
    assert 0.35 < (out == 0).mean() < 0.65


def test_spatial_dropout_requires_its_rank():
    with pytest.raises(ValueError):
        L.SpatialDropout2D(0.5)(gf.constant(np.ones((2, 3, 4))), training=True)


@pytest.mark.parametrize("make", [lambda: L.GaussianNoise(2.0), lambda: L.GaussianDropout(-0.1),
                                  lambda: L.AlphaDropout(1.5)])
def test_rates_outside_zero_one_are_rejected(make):
    with pytest.raises(ValueError):
        make()


def test_activity_regularization_adds_its_penalty_divided_by_the_batch():
    x = normal_inputs((4, 3))
    layer = L.ActivityRegularization(l1=0.1, l2=0.2, dtype="float64")
    assert np.array_equal(layer(x).numpy(), x.numpy())
    v = x.numpy()
    expected = (0.1 * np.abs(v).sum() + 0.2 * (v ** 2).sum()) / 4
    np.testing.assert_allclose(float(layer.losses[0]), expected, rtol=1e-12)


def _model(with_noise: bool):
    stack = [L.GaussianNoise(0.1), L.GaussianDropout(0.2), L.AlphaDropout(0.1), L.Identity(),
             L.ActivityRegularization(l2=0.5)] if with_noise else []
    return keras.Sequential([keras.Input((4, 3)), L.SpatialDropout1D(0.3) if with_noise else L.Identity(),
                             L.Flatten(), L.Dense(5, kernel_initializer="ones"), *stack, L.Dense(1)])


def test_fit_trains_through_the_regularization_layers_and_predict_is_exact(tmp_path):
    x = np.random.default_rng(0).standard_normal((8, 4, 3)).astype("float32")
    y = np.ones((8, 1), "float32")
    model = _model(True)
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    # at inference every regularization layer is the identity: the model is its Dense layers alone
    plain = _model(False)
    plain.set_weights(model.get_weights())
    np.testing.assert_array_equal(model.predict(x, verbose=0), plain.predict(x, verbose=0))
    path = str(tmp_path / "regularized.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    assert [type(layer).__name__ for layer in restored.layers] == [type(layer).__name__ for layer in model.layers]
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))


def test_activity_penalty_enters_the_training_loss():
    x = np.ones((4, 4, 3), "float32")
    y = np.zeros((4, 1), "float32")
    plain, regularized = _model(False), _model(True)
    regularized.set_weights(plain.get_weights())
    for m in (plain, regularized):
        m.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    base = plain.evaluate(x, y, verbose=0)
    penalised = regularized.evaluate(x, y, verbose=0)
    # evaluate runs at inference (no noise): the difference is the l2 penalty on Dense(5)'s output
    hidden = x.reshape(4, -1) @ plain.layers[2].get_weights()[0] + plain.layers[2].get_weights()[1]
    np.testing.assert_allclose(penalised - base, 0.5 * (hidden ** 2).sum() / 4, rtol=1e-5)
