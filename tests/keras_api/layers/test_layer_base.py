"""The Layer contract: names, weights, lazy building, trainable, configs, training flags."""
import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
L = keras.layers


def test_layers_are_named_after_their_class_with_a_counter():
    assert [L.Dense(1).name, L.Dense(1).name, L.Conv2D(1, 1).name, L.MaxPooling2D().name] == \
        ["dense", "dense_1", "conv2d", "max_pooling2d"]
    assert L.BatchNormalization().name == "batch_normalization"
    assert L.GlobalAveragePooling2D().name == "global_average_pooling2d"


def test_clear_session_restarts_the_names():
    L.Dense(1)
    keras.backend.clear_session()
    assert L.Dense(1).name == "dense"


def test_custom_layer_names_are_snake_case():
    class MyFancyLayer(L.Layer):
        pass
    assert MyFancyLayer().name == "my_fancy_layer"


def test_weights_are_created_on_first_call_from_the_input_shape():
    layer = L.Dense(3)
    assert layer.weights == [] and not layer.built
    layer(np.ones((2, 5), np.float32))
    assert [w.name for w in layer.weights] == ["dense/kernel:0", "dense/bias:0"]
    assert [tuple(w.shape) for w in layer.weights] == [(5, 3), (3,)]
    assert layer.count_params() == 18


def test_default_initializers_are_glorot_uniform_kernel_and_zero_bias():
    layer = L.Dense(50)
    layer(np.ones((1, 40), np.float32))
    limit = np.sqrt(6 / 90)
    kernel = layer.kernel.numpy()
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.9 * limit
    np.testing.assert_array_equal(layer.bias.numpy(), 0)


def test_count_params_of_an_unbuilt_layer_explains():
    with pytest.raises(ValueError, match="isn't built"):
        L.Dense(2).count_params()


def test_add_weight_sorts_trainable_and_non_trainable():
    class Counter(L.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
            self.n = self.add_weight(shape=(), initializer="zeros", trainable=False, name="n")

        def call(self, x):
            self.n.assign_add(1.0)
            return x * self.w
    layer = Counter()
    layer(np.ones((1, 2), np.float32))
    assert [w.name for w in layer.trainable_weights] == ["counter/w:0"]
    assert [w.name for w in layer.non_trainable_weights] == ["counter/n:0"]
    assert float(layer.n.numpy()) == 1.0


def test_add_weight_accepts_the_keras2_argument_order():
    class Old(L.Layer):
        def build(self, input_shape):
            self.k = self.add_weight("k", shape=(2, 2), initializer="ones")
    layer = Old()
    layer(np.ones((1, 2), np.float32))
    assert layer.k.name == "old/k:0" and tuple(layer.k.shape) == (2, 2)


def test_trainable_false_moves_every_weight_to_non_trainable():
    layer = L.Dense(2)
    layer(np.ones((1, 3), np.float32))
    layer.trainable = False
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 2


def test_nested_layers_are_tracked_in_attribute_order():
    class Block(L.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.first = L.Dense(4)
            self.second = L.Dense(2)

        def call(self, x):
            return self.second(self.first(x))
    block = Block()
    block(np.ones((1, 3), np.float32))
    assert [w.name for w in block.weights] == ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0",
                                               "dense_1/bias:0"]


def test_dense_needs_a_known_last_dimension():
    with pytest.raises(ValueError, match="last dimension"):
        L.Dense(2)(keras.Input(batch_shape=(None, None)))


def test_set_weights_names_the_layer_and_shapes_on_mismatch():
    layer = L.Dense(2)
    layer(np.ones((1, 3), np.float32))
    with pytest.raises(ValueError, match=r"'dense'.*\(3, 2\).*\(4, 2\)"):
        layer.set_weights([np.zeros((4, 2)), np.zeros(2)])


def test_numpy_float64_inputs_are_cast_to_the_layer_dtype():
    out = L.Dense(2)(np.ones((1, 3)))
    assert out.dtype == gf.float32


def test_custom_layer_config_is_captured_from_its_constructor():
    class Scale(L.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor
    layer = Scale(3.0, name="scale")
    config = layer.get_config()
    assert config["factor"] == 3.0 and config["name"] == "scale"
    assert Scale.from_config(config).factor == 3.0


def test_custom_layer_with_an_unserialisable_argument_asks_for_get_config():
    class Holder(L.Layer):
        def __init__(self, thing, **kwargs):
            super().__init__(**kwargs)
            self.thing = thing
    with pytest.raises(NotImplementedError, match="get_config"):
        Holder(object()).get_config()


def test_dropout_zeroes_and_rescales_only_in_training():
    layer = L.Dropout(0.5, seed=3)
    x = np.ones((200, 50), np.float32)
    np.testing.assert_array_equal(layer(x).numpy(), x)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    out = layer(x, training=True).numpy()
    assert set(np.unique(out)) == {0.0, 2.0}
    assert 0.45 < (out == 0).mean() < 0.55


def test_training_flag_reaches_nested_layers_through_the_call_context():
    seen = []

    class Probe(L.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x
    model = keras.Sequential([keras.Input((2,)), Probe()])
    seen.clear()
    model(np.ones((1, 2), np.float32), training=True)
    model(np.ones((1, 2), np.float32))
    assert seen == [True, None]


def test_batch_normalization_uses_batch_statistics_and_updates_moving_averages_in_training():
    layer = L.BatchNormalization()
    x = np.array([[1.0, 2.0], [3.0, 6.0]], np.float32)
    out = layer(x, training=True).numpy()
    mean, var = x.mean(0), x.var(0)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.01 * mean, rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.99 + 0.01 * var, rtol=1e-5)


def test_batch_normalization_uses_moving_averages_at_inference():
    layer = L.BatchNormalization(epsilon=0.0)
    x = np.array([[1.0, 2.0], [3.0, 6.0]], np.float32)
    layer(x)
    layer.set_weights([np.ones(2), np.zeros(2), np.array([1.0, 2.0]), np.array([4.0, 16.0])])
    np.testing.assert_allclose(layer(x).numpy(), [[0.0, 0.0], [1.0, 1.0]], rtol=1e-6)
    np.testing.assert_allclose(layer.moving_mean.numpy(), [1.0, 2.0])


def test_batch_normalization_over_channels_of_images():
    layer = L.BatchNormalization()
    x = np.random.default_rng(0).standard_normal((4, 3, 3, 2)).astype(np.float32) * 3 + 1
    out = layer(x, training=True).numpy()
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    assert tuple(layer.gamma.shape) == (2,)


def test_kernel_regularizer_adds_a_loss():
    layer = L.Dense(2, kernel_initializer="ones", kernel_regularizer=keras.regularizers.L2(0.1))
    layer(np.ones((1, 3), np.float32))
    (loss,) = layer.losses
    assert float(loss) == pytest.approx(0.1 * 6)


def test_operators_on_keras_tensors_become_layers():
    x = keras.Input((3,))
    model = keras.Model(x, (x + 1.0) * 2.0)
    np.testing.assert_allclose(model(np.zeros((1, 3), np.float32)).numpy(), [[2.0, 2.0, 2.0]])


def test_layer_called_on_a_keras_tensor_records_a_node():
    x = keras.Input((4,))
    dense = L.Dense(3)
    y = dense(x)
    assert y.shape == (None, 3) and dense.output is y and dense.input is x
    assert dense.output_shape == (None, 3)


def test_lstm_starts_with_a_forget_gate_bias_of_one():
    layer = L.LSTM(2)
    layer(np.ones((1, 3, 4), np.float32))
    np.testing.assert_array_equal(layer.bias.numpy(), [0, 0, 1, 1, 0, 0, 0, 0])
    assert tuple(layer.kernel.shape) == (4, 8) and tuple(layer.recurrent_kernel.shape) == (2, 8)


def test_recurrent_layers_return_states_on_request():
    out, h, c = L.LSTM(2, return_state=True)(np.ones((1, 3, 4), np.float32))
    np.testing.assert_array_equal(out.numpy(), h.numpy())
    assert c.shape == (1, 2)
