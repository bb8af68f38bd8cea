"""Every consumer of a dataset: eager loops, custom training loops with a compiled step,
reduce and dataset loops inside gf.function, TF1 iterators in Session.run, and Keras."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras


def _xy(n=96, features=6, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, features).astype(np.float32)
    return x, (x.sum(1) > features / 2).astype(np.int64)


def test_eager_loop_yields_nested_eager_tensors():
    ds = gf.data.Dataset.from_tensor_slices({"a": [1, 2, 3], "b": ([1.0, 2.0, 3.0], [4, 5, 6])}).batch(2)
    batches = list(ds)
    assert isinstance(batches[0]["a"], gf.EagerTensor)
    np.testing.assert_array_equal(batches[0]["b"][1].numpy(), [4, 5])
    assert batches[1]["a"].shape.as_list() == [1]


def test_custom_training_loop_with_a_compiled_step():
    x, y = _xy()
    ds = gf.data.Dataset.from_tensor_slices((x, y)).shuffle(96, seed=0).batch(32).prefetch(2)
    w = gf.Variable(np.zeros((6, 2), np.float32))
    opt = keras.optimizers.SGD(0.5)

    @gf.function
    def step(bx, by):
        with gf.GradientTape() as tape:
            loss = gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(by, bx @ w))
        opt.apply_gradients([(tape.gradient(loss, w), w)])
        return loss

    epochs = [np.mean([float(step(bx, by)) for bx, by in ds]) for _ in range(5)]
    assert epochs[-1] < epochs[0]


def test_reduce_inside_gf_function_is_one_loop_not_an_unrolled_trace():
    ds = gf.data.Dataset.range(1000).map(lambda v: v * 2)

    @gf.function
    def total():
        return ds.reduce(np.int64(0), lambda s, v: s + v)

    assert int(total()) == 999000
    assert int(total()) == 999000          # every call runs a fresh pass
    graph = total.get_concrete_function().graph
    assert len(graph.operations) < 20


def test_dataset_loop_protocol_in_gf_function():
    ds = gf.data.Dataset.range(10).batch(3)

    @gf.function
    def sums():
        return ds._as_graph_loop(lambda b, total, count: (total + gf.reduce_sum(b), count + 1),
                                 (np.int64(0), 0))

    total, count = sums()
    assert int(total) == 45 and int(count) == 4


def test_python_for_over_a_dataset_inside_gf_function_without_autograph_explains_what_to_do():
    ds = gf.data.Dataset.range(3)      # (with AutoGraph the loop is converted: tests/autograph)

    @gf.function(autograph=False)
    def loop():
        for _ in ds:
            pass
        return 0

    with pytest.raises(RuntimeError, match="Iterate eagerly"):
        loop()


def test_tf1_one_shot_iterator_ends_with_out_of_range():
    graph = gf.Graph()
    with graph.as_default():
        ds = gf.data.Dataset.from_tensor_slices((np.arange(5, dtype=np.float32), np.arange(5))).batch(2)
        x, y = gf.compat.v1.data.make_one_shot_iterator(ds).get_next()
        doubled = x * 2.0
        with gf.compat.v1.Session() as sess:
            seen = []
            with pytest.raises(gf.errors.OutOfRangeError):
                while True:
                    seen.append(sess.run({"x": doubled, "y": y}))
    assert [list(s["y"]) for s in seen] == [[0, 1], [2, 3], [4]]
    np.testing.assert_allclose(seen[2]["x"], [8.0])


def test_tf1_initializable_iterator_restarts_and_needs_its_initializer():
    graph = gf.Graph()
    with graph.as_default():
        iterator = gf.compat.v1.data.make_initializable_iterator(gf.data.Dataset.range(3).map(lambda v: v + 1))
        nxt = iterator.get_next()
        with gf.compat.v1.Session() as sess:
            with pytest.raises(gf.errors.FailedPreconditionError):
                sess.run(nxt)
            for _ in range(2):
                sess.run(iterator.initializer)
                assert [int(sess.run(nxt)) for _ in range(3)] == [1, 2, 3]
            with pytest.raises(gf.errors.OutOfRangeError):
                sess.run(nxt)


def test_tf1_training_loop_reads_batches_from_the_iterator():
    x, y = _xy()
    graph = gf.Graph()
    with graph.as_default():
        bx, by = gf.compat.v1.data.make_one_shot_iterator(
            gf.data.Dataset.from_tensor_slices((x, y)).repeat(3).batch(32)).get_next()
        w = gf.Variable(np.zeros((6, 2), np.float32))
        loss = gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(by, gf.matmul(bx, w)))
        train = gf.compat.v1.train.GradientDescentOptimizer(0.5).minimize(loss)
        with gf.compat.v1.Session() as sess:
            sess.run(gf.compat.v1.global_variables_initializer())
            losses = []
            try:
                while True:
                    losses.append(sess.run([loss, train])[0])
            except gf.errors.OutOfRangeError:
                pass
    assert len(losses) == 9 and losses[-1] < losses[0]


def _model():
    m = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
    m.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return m


def test_keras_fit_evaluate_predict_on_datasets():
    x, y = _xy()
    ds = gf.data.Dataset.from_tensor_slices((x, y)).batch(32).prefetch(gf.data.AUTOTUNE)
    val = gf.data.Dataset.from_tensor_slices((x[:40], y[:40])).batch(16)
    m = _model()
    history = m.fit(ds, epochs=2, validation_data=val, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 2
    loss, acc = m.evaluate(ds, verbose=0)
    np.testing.assert_allclose(loss, m.evaluate(x, y, batch_size=32, verbose=0)[0], rtol=1e-5)
    assert m.predict(gf.data.Dataset.from_tensor_slices(x).batch(40), verbose=0).shape == (96, 2)


def test_keras_fit_on_an_infinite_dataset_needs_steps_per_epoch():
    x, y = _xy()
    ds = gf.data.Dataset.from_tensor_slices((x, y)).batch(32).repeat()
    m = _model()
    with pytest.raises(ValueError, match="infinite dataset"):
        m.fit(ds, epochs=1, verbose=0)
    seen = []

    class Count(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)

    m.fit(ds, epochs=3, steps_per_epoch=4, verbose=0, callbacks=[Count()])
    assert seen == [0, 1, 2, 3] * 3


def test_keras_builds_an_unbuilt_model_from_the_element_spec():
    x, y = _xy()
    m = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(2)])
    m.compile("sgd", "mse")
    m.fit(gf.data.Dataset.from_tensor_slices((x, np.zeros((96, 2), np.float32))).batch(48), verbose=0)
    assert m.built and m.layers[0].kernel.shape.as_list() == [6, 3]


def test_keras_fit_on_a_finite_generator_stops_after_it_runs_out():
    x, y = _xy()

    def batches():
        for i in range(0, 96, 32):
            yield x[i:i + 32], y[i:i + 32]

    m = _model()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = m.fit(batches(), epochs=3, verbose=0)
    assert len(history.history["loss"]) == 1
    assert any("ran out of data" in str(w.message) for w in caught)


def test_keras_dataset_without_labels_is_rejected_with_y():
    x, y = _xy()
    with pytest.raises(ValueError, match="not supported when using a dataset"):
        _model().fit(gf.data.Dataset.from_tensor_slices(x).batch(8), y, verbose=0)
