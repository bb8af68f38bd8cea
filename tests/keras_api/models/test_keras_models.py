"""Sequential, functional and subclassed models: structure, calls, weights, summary."""
import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
L = keras.layers


def mlp(input_shape=(4,)):
    return keras.Sequential([keras.Input(input_shape), L.Dense(8, activation="relu"), L.Dense(3)])


def test_sequential_with_an_input_builds_each_layer_as_it_is_added():
    model = keras.Sequential()
    model.add(keras.Input((4,)))
    model.add(L.Dense(8))
    assert model.layers[0].built and model.count_params() == 40
    model.add(L.Dense(2))
    assert model.output_shape == (None, 2)
    assert [x.name for x in model.layers] == ["dense", "dense_1"]


def test_sequential_from_a_list_and_with_input_shape_on_the_first_layer():
    a = keras.Sequential([L.Dense(5, input_shape=(3,)), L.Dense(1)])
    assert a.built and a.count_params() == 3 * 5 + 5 + 6


def test_lazy_sequential_builds_on_first_call():
    model = keras.Sequential([L.Dense(5), L.Dense(2)])
    assert not model.built
    out = model(np.ones((3, 7), np.float32))
    assert out.shape == (3, 2) and model.built and model.layers[0].kernel.shape == (7, 5)


def test_sequential_pop_and_duplicate_names():
    model = mlp()
    model.pop()
    assert len(model.layers) == 1
    with pytest.raises(ValueError, match="unique names"):
        model.add(L.Dense(2, name="dense"))


def test_get_layer_by_name_and_index():
    model = mlp()
    assert model.get_layer("dense_1") is model.layers[1]
    assert model.get_layer(index=0) is model.layers[0]
    with pytest.raises(ValueError, match="No such layer"):
        model.get_layer("nope")


def test_weights_get_and_set_in_layer_order():
    model = mlp()
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(4, 8), (8,), (8, 3), (3,)]
    model.set_weights([np.full_like(w, 0.5) for w in weights])
    np.testing.assert_array_equal(model.layers[1].bias.numpy(), [0.5, 0.5, 0.5])
    assert len(model.trainable_weights) == 4 and model.non_trainable_weights == []


def test_functional_model_with_several_inputs_and_outputs():
    a, b = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    hidden = L.Concatenate()([L.Dense(3, activation="relu")(a), b])
    out1, out2 = L.Dense(2, name="head1")(hidden), L.Dense(1, name="head2")(hidden)
    model = keras.Model(inputs=[a, b], outputs=[out1, out2])
    assert type(model).__name__ == "Functional" and model.name == "functional"
    assert [x.name for x in model.layers] == ["a", "b", "dense", "concatenate", "head1", "head2"]
    xa, xb = np.ones((5, 4), np.float32), np.ones((5, 2), np.float32)
    y1, y2 = model([xa, xb])
    assert y1.shape == (5, 2) and y2.shape == (5, 1)
    d1, d2 = model({"a": xa, "b": xb})
    np.testing.assert_array_equal(d1.numpy(), y1.numpy())


def test_functional_model_trains_with_a_loss_per_output():
    a, b = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    hidden = L.Concatenate()([L.Dense(3, activation="relu")(a), b])
    model = keras.Model([a, b], {"cls": L.Dense(2, name="cls")(hidden), "reg": L.Dense(1, name="reg")(hidden)})
    model.compile("adam", loss={"cls": keras.losses.SparseCategoricalCrossentropy(from_logits=True), "reg": "mse"},
                  loss_weights={"cls": 1.0, "reg": 0.5}, metrics={"cls": ["accuracy"]})
    rng = np.random.default_rng(0)
    x = [rng.standard_normal((16, 4)).astype(np.float32), rng.standard_normal((16, 2)).astype(np.float32)]
    y = {"cls": rng.integers(0, 2, 16), "reg": rng.standard_normal((16, 1)).astype(np.float32)}
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "cls_loss", "reg_loss", "cls_accuracy"}
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(logs["cls_loss"] + 0.5 * logs["reg_loss"], rel=1e-5)


def test_shared_layers_and_nested_models():
    inner = mlp()
    x = keras.Input((4,))
    shared = L.Dense(4)
    model = keras.Model(x, inner(shared(shared(x))))
    assert model(np.ones((2, 4), np.float32)).shape == (2, 3)
    assert len(model.weights) == 2 + 4


def test_a_model_from_unconnected_tensors_is_refused():
    x, other = keras.Input((4,)), keras.Input((4,))
    with pytest.raises(ValueError, match="disconnected"):
        keras.Model(x, L.Dense(2)(other))


def test_feature_extraction_from_a_sequential_model():
    model = mlp()
    features = keras.Model(model.inputs, model.layers[0].output)
    assert features(np.ones((2, 4), np.float32)).shape == (2, 8)


def test_subclassed_model_tracks_its_layers_and_calls_them():
    class TwoLayer(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = L.Dense(6, activation="relu")
            self.out = L.Dense(2)

        def call(self, x, training=None):
            return self.out(self.hidden(x))
    model = TwoLayer()
    assert model.name == "two_layer"
    assert model(np.ones((3, 5), np.float32)).shape == (3, 2)
    assert [x.name for x in model.layers] == ["dense", "dense_1"]
    assert model.count_params() == 5 * 6 + 6 + 6 * 2 + 2


def test_summary_looks_like_keras_3(monkeypatch):
    # Real Keras 3's text for the same models (tools/tfref/record_keras_summary.py, COLUMNS=200).
    import json
    import pathlib
    recorded = json.loads((pathlib.Path(__file__).parents[2] / "data" / "keras_utils" / "summary.json").read_text())
    monkeypatch.setenv("COLUMNS", "200")
    cnn = keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(16, 3, activation="relu", padding="same"),
                            L.MaxPooling2D(2), L.Flatten(), L.BatchNormalization(), L.Dense(10)], name="sequential")
    a, b = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    two = keras.Model([a, b], L.Dense(1, name="out")(L.Concatenate(name="join")([a, b])), name="functional")
    big = keras.Sequential([keras.Input((300,)), L.Dense(4000, name="wide"), L.Dense(1, name="head")], name="big")
    for key, model in (("cnn", cnn), ("two_inputs", two), ("thousands", big)):
        printed = []
        model.summary(print_fn=printed.append)
        assert printed == [recorded[key]], key


def test_summary_of_a_functional_model_shows_connections():
    a, b = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    model = keras.Model([a, b], L.Dense(1)(L.Concatenate()([a, b])))
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Connected to" in text and "a[0][0]" in text and "b[0][0]" in text
    assert "a (InputLayer)" in text


def test_summary_of_a_subclassed_model_after_a_call():
    class Tiny(keras.Model):
        def __init__(self):
            super().__init__()
            self.d = L.Dense(2)

        def call(self, x):
            return self.d(x)
    model = Tiny()
    model(np.ones((1, 3), np.float32))
    lines = []
    model.summary(print_fn=lines.append)
    rows = lines[0].splitlines()
    assert any(row.startswith("│ dense (Dense)") and "(None, 2)" in row and row.endswith(" 8 │") for row in rows)
