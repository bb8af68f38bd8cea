"""keras.utils.model_to_dot / plot_model: the layer graph as Graphviz sees it."""
import re

import pytest

import graphflow as gf

keras = gf.keras


def _model():
    a, b = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    joined = keras.layers.Concatenate(name="join")([a, b])
    return keras.Model([a, b], keras.layers.Dense(1, activation="sigmoid", name="out")(joined))


def test_model_to_dot_has_a_box_per_layer_and_an_edge_per_call():
    dot = keras.utils.model_to_dot(_model(), show_shapes=True, show_layer_activations=True, rankdir="LR")
    text = dot.to_string()
    names = re.findall(r"<b>(\w+)</b> \((\w+)\)", text)
    assert names == [("a", "InputLayer"), ("b", "InputLayer"), ("join", "Concatenate"), ("out", "Dense")]
    assert len(dot.get_edges()) == 3 and "rankdir=LR" in text
    assert "Input shape: <b>[(None, 4), (None, 2)]</b>" in text and "Output shape: <b>(None, 1)</b>" in text
    assert "Activation: <b>sigmoid</b>" in text


def test_plot_model_writes_a_dot_file_and_names_graphviz_when_it_cannot_draw(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="hidden"), keras.layers.Dense(1)])
    keras.utils.plot_model(model, tmp_path / "model.dot", show_shapes=True)
    written = (tmp_path / "model.dot").read_text()
    assert written.startswith("digraph") and written.count("->") == 2 and "hidden" in written
    import shutil
    if shutil.which("dot"):
        keras.utils.plot_model(model, tmp_path / "model.png")
        assert (tmp_path / "model.png").read_bytes()[:4] == b"\x89PNG"
    else:
        with pytest.raises(ImportError, match="install graphviz"):
            keras.utils.plot_model(model, tmp_path / "model.png")
        assert not (tmp_path / "model.png").exists()


def test_plot_model_of_an_unbuilt_model_says_build_it_first():
    with pytest.raises(ValueError, match="not yet been built"):
        keras.utils.model_to_dot(keras.Sequential([keras.layers.Dense(1)]))
