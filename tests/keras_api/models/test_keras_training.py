"""compile / fit / evaluate / predict end to end on small data, compiled and eager."""
import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
L = keras.layers


@pytest.fixture
def blobs():
    """Three separable classes in 4-D: 40 samples."""
    rng = np.random.default_rng(0)
    y = np.arange(40) % 3
    x = (rng.standard_normal((40, 4)) * 0.3 + np.eye(4)[y] * 2).astype(np.float32)
    return x, y


def small_model():
    return keras.Sequential([keras.Input((4,)), L.Dense(8, activation="relu"), L.Dense(3)])


def compiled_model(run_eagerly=False, **compile_kwargs):
    model = small_model()
    model.compile(optimizer=keras.optimizers.Adam(0.05),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], run_eagerly=run_eagerly, **compile_kwargs)
    return model


@pytest.mark.parametrize("run_eagerly", [False, True], ids=["compiled", "eager"])
def test_fit_learns_separable_classes(blobs, run_eagerly):
    x, y = blobs
    model = compiled_model(run_eagerly)
    history = model.fit(x, y, batch_size=16, epochs=15, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss"]
    assert len(history.history["loss"]) == 15
    assert history.history["loss"][-1] < history.history["loss"][0] / 3
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy == 1.0 and loss == pytest.approx(history.history["loss"][-1], rel=0.5)


def test_compiled_and_eager_steps_compute_the_same_training(blobs):
    x, y = blobs
    results = []
    for eager in (False, True):
        keras.utils.set_random_seed(3)
        model = compiled_model(eager)
        history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False)
        results.append((history.history["loss"], model.get_weights()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-5)
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_fit_traces_its_step_at_most_twice_per_batch_shape_set(blobs):
    x, y = blobs
    model = compiled_model()
    model.fit(x, y, batch_size=16, epochs=3, verbose=0)   # batches of 16, 16 and 8
    assert model.train_function.experimental_get_tracing_count() == 2
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert model.train_function.experimental_get_tracing_count() == 2
    model.fit(x[:32], y[:32], batch_size=16, epochs=1, verbose=0)   # only full batches
    assert model.train_function.experimental_get_tracing_count() == 2
    model.evaluate(x, y, batch_size=16, verbose=0)
    model.evaluate(x, y, batch_size=16, verbose=0)
    assert model.test_function.experimental_get_tracing_count() == 2


def test_eager_fit_never_traces(blobs):
    x, y = blobs
    model = compiled_model(run_eagerly=True)
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert model.train_function.experimental_get_tracing_count() == 0


def test_accuracy_string_resolves_from_the_shapes(blobs):
    x, y = blobs
    model = compiled_model()
    model.fit(x, y, batch_size=40, epochs=1, verbose=0)
    assert type(model._compile_metrics.metrics[0]).__name__ == "SparseCategoricalAccuracy"
    one_hot = keras.utils.to_categorical(y, 3)
    model2 = small_model()
    model2.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    model2.fit(x, one_hot, batch_size=40, epochs=1, verbose=0)
    assert type(model2._compile_metrics.metrics[0]).__name__ == "CategoricalAccuracy"
    binary = keras.Sequential([keras.Input((4,)), L.Dense(1, activation="sigmoid")])
    binary.compile("sgd", "binary_crossentropy", metrics=["acc"])
    history = binary.fit(x, (y == 1).astype(np.float32), batch_size=40, epochs=1, verbose=0)
    assert type(binary._compile_metrics.metrics[0]).__name__ == "BinaryAccuracy"
    assert "acc" in history.history


def test_strings_for_optimizer_loss_and_metrics(blobs):
    x, y = blobs
    for optimizer in ("sgd", "rmsprop", "adagrad", "adam"):
        model = small_model()
        model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"])
        logs = model.fit(x, y, batch_size=40, epochs=1, verbose=0).history
        assert set(logs) == {"loss", "sparse_categorical_accuracy"}
    reg = keras.Sequential([keras.Input((4,)), L.Dense(1)])
    reg.compile("sgd", "mse", metrics=["mae"])
    logs = reg.fit(x, y.astype(np.float32), batch_size=40, epochs=1, verbose=0).history
    assert set(logs) == {"loss", "mae"}


def test_validation_data_and_split_add_val_logs(blobs):
    x, y = blobs
    model = compiled_model()
    history = model.fit(x, y, batch_size=16, epochs=2, validation_data=(x[:10], y[:10]), verbose=0)
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    history = model.fit(x, y, batch_size=16, epochs=1, validation_split=0.25, verbose=0)
    assert "val_loss" in history.history
    assert model.history is history


def test_validation_split_takes_the_last_samples():
    from graphflow.keras_api.data_adapter import ArrayData
    train, val = ArrayData(np.arange(10.0)[:, None], np.arange(10)).split(0.2)
    np.testing.assert_array_equal(val.y, [8, 9])
    assert train.num_samples == 8


def test_initial_epoch_counts_epochs(blobs):
    x, y = blobs
    model = compiled_model()
    history = model.fit(x, y, epochs=5, initial_epoch=3, verbose=0)
    assert history.epoch == [3, 4]


def test_predict_returns_numpy_batched_outputs(blobs):
    x, _ = blobs
    model = compiled_model()
    out = model.predict(x, batch_size=16, verbose=0)
    assert isinstance(out, np.ndarray) and out.shape == (40, 3)
    np.testing.assert_allclose(out, model(x).numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x[:5]), out[:5], rtol=1e-5, atol=1e-6)


def test_evaluate_returns_a_dict_on_request(blobs):
    x, y = blobs
    model = compiled_model()
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    assert model.metrics_names == ["loss", "accuracy"]


def test_train_on_batch_and_test_on_batch(blobs):
    x, y = blobs
    model = compiled_model()
    first = model.train_on_batch(x, y)
    for _ in range(10):
        model.train_on_batch(x, y)
    loss, accuracy = model.test_on_batch(x, y, reset_metrics=True)
    assert loss < first[0]
    logs = model.train_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}


def test_sample_weights_scale_the_loss(blobs):
    x, y = blobs
    model = compiled_model()
    plain = model.evaluate(x, y, verbose=0)[0]
    weighted = model.evaluate(x, y, sample_weight=np.full(40, 2.0, np.float32), verbose=0)[0]
    assert weighted == pytest.approx(2 * plain, rel=1e-5)


def test_fit_before_compile_is_an_error(blobs):
    with pytest.raises(RuntimeError, match="compile"):
        small_model().fit(*blobs, verbose=0)


def test_mismatched_sample_counts_are_reported(blobs):
    x, y = blobs
    with pytest.raises(ValueError, match="same number of samples"):
        compiled_model().fit(x, y[:30], verbose=0)


def test_lazy_sequential_builds_from_the_data(blobs):
    x, y = blobs
    model = keras.Sequential([L.Dense(8, activation="relu"), L.Dense(3)])
    assert not model.built
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, epochs=1, verbose=0)
    assert model.built and model.count_params() == 4 * 8 + 8 + 8 * 3 + 3


def test_regularization_losses_are_part_of_the_training_loss(blobs):
    x, y = blobs
    model = keras.Sequential([keras.Input((4,)), L.Dense(3, kernel_regularizer=keras.regularizers.L2(10.0))])
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    plain = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, model(x))
    penalty = 10.0 * float(np.sum(model.layers[0].kernel.numpy() ** 2))
    assert model.evaluate(x, y, verbose=0) == pytest.approx(float(plain) + penalty, rel=1e-5)


def test_batch_normalization_and_dropout_train_through_the_compiled_step(blobs):
    x, y = blobs
    model = keras.Sequential([keras.Input((4,)), L.Dense(8), L.BatchNormalization(), L.Activation("relu"),
                              L.Dropout(0.2), L.Dense(3)])
    model.compile(keras.optimizers.Adam(0.05), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    bn = model.layers[1]
    before = bn.moving_mean.numpy().copy()
    model.fit(x, y, batch_size=16, epochs=10, verbose=0)
    assert not np.allclose(bn.moving_mean.numpy(), before)
    assert model.evaluate(x, y, verbose=0)[1] > 0.9


def test_custom_train_step_is_used_by_fit(blobs):
    x, y = blobs
    calls = []

    class Custom(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = L.Dense(3)
            self.tracker = keras.metrics.Mean(name="custom_loss")

        def call(self, inputs):
            return self.dense(inputs)

        def train_step(self, data):
            calls.append(1)
            x, y = data
            with gf.GradientTape() as tape:
                loss = gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=self(x)))
            grads = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
            self.tracker.update_state(loss)
            return {"custom_loss": self.tracker.result()}

    model = Custom()
    model.compile(keras.optimizers.SGD(0.5))
    history = model.fit(x, y, batch_size=40, epochs=4, verbose=0)
    assert history.history["custom_loss"][-1] < history.history["custom_loss"][0]
    assert len(calls) == 1      # traced once, then the compiled step ran

