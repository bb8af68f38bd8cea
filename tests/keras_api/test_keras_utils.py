"""keras.utils helpers against real Keras 3's recorded outputs (tools/tfref/record_keras_utils.py),
and PyDataset driving fit/evaluate/predict as a Keras program would."""
import json
import pathlib
import threading

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
REC = json.loads((pathlib.Path(__file__).parents[1] / "data" / "keras_utils" / "utils.json").read_text())
SEQS = [[1], [2, 3], [4, 5, 6], [], [7, 8, 9, 10]]


def _elements(ds):
    return [[np.asarray(part).tolist() for part in b] if isinstance(b, tuple) else np.asarray(b).tolist()
            for b in ds.as_numpy_iterator()]


@pytest.mark.parametrize("case", ["default", "post", "maxlen2", "maxlen3_trunc_post", "value", "float"])
def test_pad_sequences_matches_keras(case):
    rec = REC[f"pad_{case}"]
    out = keras.utils.pad_sequences(SEQS, **rec["kwargs"])
    assert out.tolist() == rec["out"] and str(out.dtype) == rec["dtype"]


def test_pad_sequences_of_feature_vectors_and_its_alias():
    from graphflow.keras.preprocessing.sequence import pad_sequences
    out = pad_sequences([[[1, 2]], [[3, 4], [5, 6]]])
    assert out.tolist() == REC["pad_features"]["out"]
    with pytest.raises(ValueError, match="steps of shape"):
        pad_sequences([[[1, 2]], [[3, 4, 5]]])
    with pytest.raises(ValueError, match="Padding type"):
        pad_sequences(SEQS, padding="middle")


@pytest.mark.parametrize("case", ["basic", "targets", "rate", "window", "nobatch"])
def test_timeseries_windows_match_keras(case):
    rec = REC[f"ts_{case}"]
    kw = dict(rec["kwargs"])
    data = np.arange(30, dtype="float32").reshape(15, 2)
    if kw["targets"] is not None:
        kw["targets"] = np.asarray(kw["targets"], np.int64)
    ds = keras.utils.timeseries_dataset_from_array(data, **kw)
    assert _elements(ds) == rec["batches"]


def test_timeseries_shuffle_is_seeded_and_keeps_every_window():
    data = np.arange(40, dtype="float32")
    make = lambda: keras.utils.timeseries_dataset_from_array(data, data * 10, 5, batch_size=4, shuffle=True, seed=3)
    first, again = _elements(make()), _elements(make())
    assert first == again
    windows = sorted(tuple(w) for x, _ in first for w in x)
    assert windows == [tuple(range(s, s + 5)) for s in range(36)]
    assert all(y == 10 * w[0] for x, ys in first for w, y in zip(x, ys))
    with pytest.raises(ValueError, match="sequence_stride"):
        keras.utils.timeseries_dataset_from_array(data, None, 5, sequence_stride=0)


def test_split_dataset_matches_keras():
    x = np.arange(10, dtype="float32")
    left, right = keras.utils.split_dataset(x, left_size=0.7)
    assert _elements(left) == REC["split_frac"]["left"] and _elements(right) == REC["split_frac"]["right"]
    left, right = keras.utils.split_dataset(gf.data.Dataset.from_tensor_slices((x, x * 2)), left_size=3,
                                            right_size=4)
    assert _elements(left) == REC["split_int"]["left"] and _elements(right) == REC["split_int"]["right"]
    with pytest.raises(ValueError, match="exceed"):
        keras.utils.split_dataset(x, left_size=6, right_size=5)


def test_to_categorical_matches_keras():
    assert keras.utils.to_categorical([0, 2, 1, 2], num_classes=4).tolist() == REC["to_categorical"]


class Batches(keras.utils.PyDataset):
    """The guide's pattern: a PyDataset over arrays, reshuffling its samples at each epoch's end."""

    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_ended, self.seen = 0, []
        self.lock = threading.Lock()

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, index):
        with self.lock:
            self.seen.append(index)
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[part], self.y[part]

    def on_epoch_end(self):
        self.epochs_ended += 1


def _model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model


def test_fit_on_a_py_dataset_equals_fit_on_the_same_batches():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    data = Batches(x, y, batch_size=8)
    model = _model()
    history = model.fit(data, epochs=3, shuffle=False, verbose=0)   # fit shuffles batches by default
    reference = _model()
    reference_history = reference.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], reference_history.history["loss"], rtol=1e-5)
    assert data.epochs_ended == 3 and data.seen == [0, 1, 2] * 3
    assert model.evaluate(data, verbose=0) == pytest.approx(reference.evaluate(x, y, batch_size=8, verbose=0),
                                                            rel=1e-5)
    assert model.predict(data, verbose=0).shape == (20, 1)


def test_py_dataset_workers_keep_the_batch_order_and_fit_can_shuffle_batches():
    x = np.arange(30, dtype="float32").reshape(10, 3)
    data = Batches(x, x[:, :1], batch_size=2, workers=3, max_queue_size=2)
    model = _model()
    predicted = model.predict(data, verbose=0)
    np.testing.assert_allclose(predicted, model.predict(x, batch_size=2, verbose=0), rtol=1e-6)
    data.seen.clear()
    model.fit(data, epochs=2, shuffle=True, verbose=0)
    assert sorted(data.seen) == sorted(list(range(5)) * 2) and data.seen != list(range(5)) * 2


def test_an_infinite_py_dataset_needs_steps():
    class Endless(keras.utils.PyDataset):
        def __getitem__(self, index):
            return np.ones((2, 3), "float32"), np.ones((2, 1), "float32")

    model = _model()
    with pytest.raises(ValueError, match="infinite"):
        model.fit(Endless(), epochs=1, verbose=0)
    assert len(model.fit(Endless(), epochs=2, steps_per_epoch=3, verbose=0).history["loss"]) == 2
