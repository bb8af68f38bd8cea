"""Callbacks: hook order, History, EarlyStopping, ModelCheckpoint, LearningRateScheduler,
CSVLogger, stop_training, and the progress output for each verbosity."""
import csv

import numpy as np

import graphflow as gf

keras = gf.keras
L = keras.layers
cb = keras.callbacks
X = np.random.default_rng(0).standard_normal((12, 3)).astype(np.float32)
Y = (X.sum(1) > 0).astype(np.int64)


def model(lr=0.05):
    m = keras.Sequential([keras.Input((3,)), L.Dense(2)])
    m.compile(keras.optimizers.SGD(lr), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
    return m


def test_hooks_run_in_keras_order():
    events = []

    class Recorder(cb.Callback):
        def on_train_begin(self, logs=None): events.append("train_begin")
        def on_epoch_begin(self, epoch, logs=None): events.append(f"epoch_begin {epoch}")
        def on_train_batch_begin(self, batch, logs=None): events.append(f"batch_begin {batch}")
        def on_train_batch_end(self, batch, logs=None): events.append(f"batch_end {batch} {sorted(logs)}")
        def on_epoch_end(self, epoch, logs=None): events.append(f"epoch_end {epoch} {sorted(logs)}")
        def on_train_end(self, logs=None): events.append("train_end")
    model().fit(X, Y, batch_size=6, epochs=2, verbose=0, callbacks=[Recorder()],
                validation_data=(X, Y))
    assert events == ["train_begin", "epoch_begin 0", "batch_begin 0", "batch_end 0 ['accuracy', 'loss']",
                      "batch_begin 1", "batch_end 1 ['accuracy', 'loss']",
                      "epoch_end 0 ['accuracy', 'loss', 'val_accuracy', 'val_loss']", "epoch_begin 1",
                      "batch_begin 0", "batch_end 0 ['accuracy', 'loss']", "batch_begin 1",
                      "batch_end 1 ['accuracy', 'loss']",
                      "epoch_end 1 ['accuracy', 'loss', 'val_accuracy', 'val_loss']", "train_end"]


def test_callback_can_stop_training():
    class StopAfterOne(cb.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.stop_training = True
    history = model().fit(X, Y, epochs=10, verbose=0, callbacks=[StopAfterOne()])
    assert history.epoch == [0]


def test_early_stopping_waits_patience_epochs_then_restores_the_best_weights():
    values = iter([1.0, 0.5, 0.6, 0.7, 0.8, 0.9])
    snapshots = []

    class FakeLoss(cb.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = next(values)
            snapshots.append(self.model.get_weights())
    stopper = cb.EarlyStopping(patience=2, restore_best_weights=True)
    m = model()
    history = m.fit(X, Y, epochs=10, verbose=0, callbacks=[FakeLoss(), stopper])
    assert history.epoch == [0, 1, 2, 3] and stopper.stopped_epoch == 3 and stopper.best_epoch == 1
    for u, v in zip(m.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(u, v)


def test_early_stopping_min_delta_and_max_mode():
    values = iter([0.5, 0.52, 0.53, 0.9])

    class FakeAcc(cb.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_accuracy"] = next(values)
    stopper = cb.EarlyStopping(monitor="val_accuracy", min_delta=0.05, patience=2)
    history = model().fit(X, Y, epochs=4, verbose=0, callbacks=[FakeAcc(), stopper])
    assert stopper.mode == "max" and history.epoch == [0, 1, 2]


def test_model_checkpoint_saves_every_epoch_or_only_the_best(tmp_path):
    m = model()
    m.fit(X, Y, epochs=2, verbose=0, callbacks=[cb.ModelCheckpoint(str(tmp_path / "e{epoch:02d}.keras"))])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e01.keras", "e02.keras"]
    values = iter([1.0, 2.0, 0.5])

    class FakeLoss(cb.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = next(values)
    saved = []
    ckpt = cb.ModelCheckpoint(str(tmp_path / "best.weights"), save_best_only=True, save_weights_only=True)
    ckpt.on_epoch_end = (lambda original: lambda epoch, logs=None: (original(epoch, logs),
                                                                    saved.append(ckpt.best)))(ckpt.on_epoch_end)
    m.fit(X, Y, epochs=3, verbose=0, callbacks=[FakeLoss(), ckpt])
    assert saved == [1.0, 1.0, 0.5]
    fresh = model()
    fresh.load_weights(tmp_path / "best.weights")
    for u, v in zip(fresh.get_weights(), m.get_weights()):
        np.testing.assert_array_equal(u, v)


def test_learning_rate_scheduler_sets_the_rate_each_epoch_without_retracing():
    m = model(lr=0.1)
    history = m.fit(X, Y, epochs=3, verbose=0, callbacks=[cb.LearningRateScheduler(lambda epoch, lr: lr / 2)])
    np.testing.assert_allclose(history.history["learning_rate"], [0.05, 0.025, 0.0125], rtol=1e-6)
    assert m.train_function.experimental_get_tracing_count() == 1


def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    path = tmp_path / "log.csv"
    model().fit(X, Y, epochs=3, verbose=0, callbacks=[cb.CSVLogger(str(path))])
    rows = list(csv.DictReader(path.open()))
    assert [r["epoch"] for r in rows] == ["0", "1", "2"]
    assert set(rows[0]) == {"epoch", "accuracy", "loss"}
    model().fit(X, Y, epochs=1, verbose=0, callbacks=[cb.CSVLogger(str(path), append=True)])
    assert len(list(csv.DictReader(path.open()))) == 4


def test_lambda_callback():
    seen = []
    model().fit(X, Y, epochs=2, verbose=0, callbacks=[cb.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e))])
    assert seen == [0, 1]


def test_verbose_two_prints_one_line_per_epoch(capsys):
    model().fit(X, Y, batch_size=6, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert lines[1].startswith("2/2 - ") and " - loss: " in lines[1] and " - accuracy: " in lines[1]
    assert " - 0s - " in lines[1] and "/step - loss: " in lines[1]     # Keras 3: "2/2 - 0s - 89ms/step - loss: ..."


def test_verbose_one_prints_a_keras_progress_bar(capsys):
    model().fit(X, Y, batch_size=6, epochs=1, verbose=1, validation_data=(X, Y))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/1"
    assert lines[-1].startswith("2/2 " + "━" * 20 + " ")
    assert "/step - loss: " in lines[-1] and " - val_loss: " in lines[-1]      # validation on the epoch's line


def test_predict_and_evaluate_show_a_bar(capsys):
    m = model()
    m.predict(X, batch_size=6, verbose=1)
    m.evaluate(X, Y, batch_size=6, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("2/2 " + "━" * 20) and lines[0].endswith("/step")
    assert lines[1].startswith("2/2 " + "━" * 20) and " - loss: " in lines[1]


def test_verbose_zero_prints_nothing(capsys):
    model().fit(X, Y, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""


def test_progress_bar_shows_eta_while_running():
    import io
    stream = io.StringIO()
    bar = keras.utils.Progbar(45, stream=stream)
    bar.dynamic = True
    bar.update(12, {"loss": 0.12345, "accuracy": 0.9})
    shown = stream.getvalue()
    assert shown.startswith("\r\x1b[1m12/45\x1b[0m \x1b[32m" + "━" * 5 + "\x1b[0m\x1b[37m" + "━" * 15 + "\x1b[0m")
    assert shown.endswith("/step - loss: 0.1235 - accuracy: 0.9000")


def test_progress_bar_averages_running_values_and_shows_the_final_ones():
    import io
    stream = io.StringIO()
    bar = keras.utils.Progbar(2, stream=stream, interval=0)
    bar.dynamic = True
    bar.update(1, {"loss": 1.0})
    bar.update(2, {"loss": 3.0}, finalize=False)
    assert stream.getvalue().endswith(" - loss: 2.0000")
    bar.update(2, {"loss": 5.0}, finalize=True)
    assert stream.getvalue().rstrip().endswith(" - loss: 5.0000")
