"""keras.layers.RNN, SimpleRNNCell/LSTMCell/GRUCell/StackedRNNCells and a custom cell: whole
programs (tools/tfref/rnn_programs.py) against real Keras 3's recorded numbers, configs, weight
layouts and `.keras` files (tools/tfref/record_keras_rnn.py)."""
import importlib.util
import json
import pathlib

import numpy as np
import pytest

import graphflow as gf

ROOT = pathlib.Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "keras_rnn"
REC = json.loads((DATA / "record.json").read_text())["programs"]


def _programs():
    path = ROOT / "tools" / "tfref" / "rnn_programs.py"
    spec = importlib.util.spec_from_file_location("rnn_programs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


P = _programs()


def _close(a, b, tol=2e-5):
    np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(b, np.float64), rtol=tol, atol=tol)


def _strip(config):
    """The parts of a config both sides write alike (names and initializer details aside)."""
    if isinstance(config, dict):
        if "class_name" in config and "config" in config:
            return {"class_name": config["class_name"], "config": _strip(config["config"])}
        skip = {"name", "dtype", "trainable", "kernel_initializer", "recurrent_initializer", "bias_initializer",
                "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
                "recurrent_constraint", "bias_constraint", "activity_regularizer", "module", "registered_name",
                "build_config"}
        return {k: _strip(v) for k, v in config.items() if k not in skip}
    if isinstance(config, list):
        return [_strip(c) for c in config]
    return config


# one SGD epoch for the programs that cover each path (fused cell, per-step built-in cell, custom
# cell, custom + stacked + masked, initial_state, ConvLSTM): compiling a training step is most of
# this file's cold cost (about 60 s of its 90 at load 4), and the others' forward passes run the
# same code; their recorded losses stay in record.json
# the fit epoch of custom_stacked_masked (12 s of cold compiles) is left to its prediction check and
# custom_cell's epoch: the suite's 10-minute budget (docs/testing.md)
FIT = {"lstm_cell", "gru_masked", "custom_cell", "initial_state", "conv_lstm2d"}


@pytest.mark.parametrize("name", sorted(REC))
def test_program_matches_keras(name):
    rec = REC[name]
    model = P.programs(gf)[name]()
    assert [list(w.shape) for w in model.weights] == [s for _, s in rec["weights"]]
    model.set_weights(P.fixed_weights(model))
    x = P.inputs(name)
    _close(model.predict(x, verbose=0), rec["predict"])
    rnn = [layer for layer in model.layers if type(layer).__name__ in P.RECURRENT][0]
    if type(rnn).__name__ != "LSTM":
        assert _strip(rnn.get_config()) == _strip(rec["config"])
    if name not in FIT:
        return
    model.compile(optimizer=gf.keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, P.Y, batch_size=3, epochs=1, shuffle=False, verbose=0)
    _close(history.history["loss"][0], rec["loss"], 1e-5)
    for got, want in zip(model.get_weights(), rec["trained"]):
        _close(got, want)


def test_lstm_and_rnn_of_lstm_cell_are_one_layout():
    assert REC["lstm_cell"]["predict"] == REC["lstm_layer"]["predict"]
    a, b = P.programs(gf)["lstm_cell"](), P.programs(gf)["lstm_layer"]()
    b.set_weights(a.get_weights())
    np.testing.assert_array_equal(a.predict(P.X, verbose=0), b.predict(P.X, verbose=0))


@pytest.mark.parametrize("name", ["stacked_states", "gru_reset_before_backwards", "conv_lstm2d"])
def test_loads_keras_file(name):
    model = gf.keras.models.load_model(DATA / f"{name}.keras")
    _close(model.predict(P.inputs(name), verbose=0), REC[name]["file_predict"])


@pytest.mark.parametrize("name", ["custom_cell", "custom_stacked_masked", "stacked_states", "conv_lstm1d"])
def test_save_load_round_trip(name, tmp_path):
    model = P.programs(gf)[name]()
    model.set_weights(P.fixed_weights(model))
    x = P.inputs(name)
    want = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    cell = P.custom_cell_class(gf)
    loaded = gf.keras.models.load_model(tmp_path / "m.keras", custom_objects={"MinimalRNNCell": cell})
    _close(loaded.predict(x, verbose=0), want, 1e-6)
    model.save_weights(tmp_path / "m.weights.h5")
    fresh = P.programs(gf)[name]()
    fresh.load_weights(tmp_path / "m.weights.h5")
    _close(fresh.predict(x, verbose=0), want, 1e-6)


def test_cells_called_directly_and_in_gf_function():
    L = gf.keras.layers
    cell = L.LSTMCell(3)
    x = gf.constant(P.X[:, 0])
    h, (h2, c) = cell(x, [gf.zeros([6, 3]), gf.zeros([6, 3])])
    assert h.shape == (6, 3) and h2 is h and c.shape == (6, 3)
    layer = L.RNN(L.GRUCell(3, reset_after=False), return_sequences=True)
    eager = layer(P.X)
    _close(gf.function(lambda t: layer(t))(P.X), eager, 1e-6)


def test_stack_of_one_cell_is_the_cell():
    L = gf.keras.layers
    single, stacked = L.RNN(L.LSTMCell(3), return_state=True), L.RNN([L.LSTMCell(3)], return_state=True)
    want = single(P.X)
    stacked(P.X)
    stacked.set_weights(single.get_weights())
    output, states = stacked(P.X)        # Keras: the one cell's states as one list
    for a, b in zip([output] + list(states), want):
        _close(a, b, 1e-6)


def test_conv_lstm_cell_in_a_plain_rnn_is_conv_lstm():
    """The per-step form (a convolution of each step's input) gives ConvLSTM2D's numbers, also
    in a model, whose output shape RNN traces (the cell's state sizes follow its input)."""
    from graphflow.keras_api.layers.conv_lstm import ConvLSTMCell
    L, x = gf.keras.layers, P.CONV_X["conv_lstm2d"][:2]
    a = L.ConvLSTM2D(2, 3, padding="same", return_sequences=True)
    want = a(x)
    b = L.RNN(ConvLSTMCell(2, 2, 3, padding="same"), return_sequences=True)
    b(x)
    b.set_weights(a.get_weights())
    _close(b(x), want, 1e-6)
    model = gf.keras.Sequential([gf.keras.Input(x.shape[1:]), L.RNN(ConvLSTMCell(2, 2, 3)), L.Flatten()])
    assert model.output_shape == (None, 2 * 2 * 2)


def test_custom_get_initial_state_is_used_alone_and_stacked():
    L = gf.keras.layers

    class OnesCell(L.Layer):
        state_size = 2

        def get_initial_state(self, batch_size=None):
            return gf.ones([batch_size, 2])

        def call(self, inputs, states):
            h = states[0] + gf.reduce_sum(inputs, axis=-1, keepdims=True)
            return h, [h]

    x = P.X[:2]
    want = 1.0 + x.sum(axis=(1, 2))[:, None] * np.ones(2)
    _close(L.RNN(OnesCell())(x), want, 1e-5)
    out, state_a, state_b = L.RNN([OnesCell(), L.SimpleRNNCell(2)], return_state=True)(x)
    _close(state_a, want, 1e-5)
    assert len(state_b) == 1 and state_b[0].shape == (2, 2)


def test_bad_cells_and_options_are_clear_errors():
    L = gf.keras.layers
    with pytest.raises(ValueError, match="state_size"):
        L.RNN(L.Dense(3))
    with pytest.raises(ValueError, match="stateful"):
        L.RNN(L.LSTMCell(3), stateful=True)
    with pytest.raises(ValueError, match="initial_state"):
        L.RNN(L.LSTMCell(3))(P.X, initial_state=[gf.zeros([6, 3])])
    with pytest.raises(ValueError, match="dropout"):
        L.GRUCell(3, dropout=0.5)
    with pytest.raises(ValueError, match="no output"):
        L.ConvLSTM1D(3, 3, dilation_rate=2)(np.zeros((1, 3, 4, 2), "float32"))
