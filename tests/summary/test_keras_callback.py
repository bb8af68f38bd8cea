"""keras.callbacks.TensorBoard writes the runs, tags and steps that Keras 3 writes (recorded from
real Keras by tools/tfref/record_keras_tensorboard.py)."""
import json

import numpy as np
import pytest

import graphflow as gf

from .tb_read import DATA, load_run


def _fit(log_dir, **options):
    gf.keras.backend.clear_session()     # layer names (the histogram tags) start again from "sequential"
    gf.keras.utils.set_random_seed(0)
    model = gf.keras.Sequential([gf.keras.Input((4,)), gf.keras.layers.Dense(3, activation="relu"),
                                 gf.keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    rng = np.random.RandomState(0)
    x, y = rng.rand(32, 4).astype("float32"), rng.rand(32, 1).astype("float32")
    history = model.fit(x, y, batch_size=8, epochs=2, validation_data=(x, y), verbose=0,
                        callbacks=[gf.keras.callbacks.TensorBoard(str(log_dir), **options)])
    return model, history


def test_runs_tags_and_steps_match_keras(tmp_path):
    _fit(tmp_path, histogram_freq=1, update_freq=2)
    expected = json.loads((DATA / "keras_tensorboard_layout.json").read_text())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(expected)
    for run, layout in expected.items():
        acc = load_run(tmp_path / run)
        steps = {tag: [e.step for e in acc.Tensors(tag)] for tag in acc.Tags()["tensors"]}
        assert steps == layout["steps"]


def test_epoch_values_are_the_history(tmp_path):
    from .tb_read import tensor_values
    _, history = _fit(tmp_path)
    train, validation = load_run(tmp_path / "train"), load_run(tmp_path / "validation")
    np.testing.assert_allclose([v for _, v in tensor_values(train, "epoch_loss")], history.history["loss"], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in tensor_values(validation, "epoch_loss")], history.history["val_loss"],
                               rtol=1e-6)


def test_write_graph_puts_the_train_step_in_the_train_run(tmp_path):
    _fit(tmp_path, write_graph=True)
    graph = load_run(tmp_path / "train").Graph()
    assert {"MatMul", "Relu"} <= {n.op for n in graph.node}


def test_bad_update_freq_is_refused():
    with pytest.raises(ValueError, match="update_freq"):
        gf.keras.callbacks.TensorBoard(update_freq="sometimes")
