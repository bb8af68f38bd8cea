"""Subclassed layers and models own the sub-layers, weights and metrics of every attribute, as
Keras 3 tracks them: private attributes, dicts, nested lists, lists filled later. Whole programs
(tools/tfref/subclass_tracking_programs.py) against real Keras 3's recorded numbers and files
(tools/tfref/record_keras_subclass_tracking.py), then the tracking rules one by one."""
import importlib.util
import json
import pathlib
import re

import h5py
import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
L = keras.layers
ROOT = pathlib.Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "keras_subclass_tracking"
REC = json.loads((DATA / "record.json").read_text())["programs"]


def _programs():
    path = ROOT / "tools" / "tfref" / "subclass_tracking_programs.py"
    spec = importlib.util.spec_from_file_location("subclass_tracking_programs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


P = _programs()
NAMES = list(REC)


def _unnamed(names):
    # Keras 3 numbers unnamed add_weight variables across the session (variable, variable_1, ...),
    # graphflow within each layer (variable_0, variable_1): not a tracking matter
    return [re.sub(r"/variable(_\d+)?$", "/variable", n) for n in names]


@pytest.fixture(scope="module")
def runs():
    return {name: P.run(gf, name) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_the_same_layers_and_weights_in_the_same_order_as_keras(runs, name):
    got, expected = runs[name]["describe"], REC[name]["describe"]
    assert got["layers"] == expected["layers"]
    assert _unnamed(got["weights"]) == _unnamed(expected["weights"])
    assert got["trainable"] == expected["trainable"]
    assert got["non_trainable"] == expected["non_trainable"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("how", ["fit", "tape"])
def test_training_every_tracked_weight_gives_keras_losses(runs, name, how):
    np.testing.assert_allclose(runs[name][f"{how}_loss"], REC[name][f"{how}_loss"], rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(runs[name][f"{how}_predict"], REC[name][f"{how}_predict"], rtol=2e-5, atol=1e-6)


def _layout(path) -> dict:
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda k, v: out.__setitem__(k, v.shape) if isinstance(v, h5py.Dataset) else None)
    return {k: v for k, v in out.items() if not k.startswith("optimizer/")}


def _fresh(name):
    keras.backend.clear_session()
    model = P.programs(gf)[name]()
    model(P.X[:2])
    return model


@pytest.mark.parametrize("name", NAMES)
def test_a_weights_file_keras_wrote_loads_and_predicts_as_keras(name):
    model = _fresh(name)
    model.load_weights(DATA / f"{name}.weights.h5")
    np.testing.assert_allclose(model(P.X[:4], training=False).numpy(), REC[name]["file_predict"],
                               rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_graphflow_writes_the_layout_keras_writes(name, tmp_path):
    """Private sub-layers of a model under its `layers`, dict items by class name, as Keras 3.15."""
    model = _fresh(name)
    model.save_weights(tmp_path / "m.weights.h5")
    assert _layout(tmp_path / "m.weights.h5") == _layout(DATA / f"{name}.weights.h5")


def test_a_checkpoint_round_trips_private_dict_and_nested_sub_layers(tmp_path):
    model = _fresh("nested")
    model.set_weights(P.fixed_weights(model))
    expected = model(P.X[:4]).numpy()
    path = gf.train.Checkpoint(model=model).write(str(tmp_path / "ckpt"))
    keys = {k for k, _ in gf.train.list_variables(path)}
    assert "model/_extra/0/kernel/.ATTRIBUTES/VARIABLE_VALUE" in keys    # named as TensorFlow names `_p`
    fresh = _fresh("nested")
    gf.train.Checkpoint(model=fresh).read(path)
    np.testing.assert_allclose(fresh(P.X[:4]).numpy(), expected, rtol=1e-6)


# ---- the rules, one by one (each as Keras 3.15 behaves) -------------------------------------------------

def _names(layers):
    return [layer.name for layer in layers]


def test_private_dict_tuple_set_and_nested_attributes_are_tracked_once_in_assignment_order():
    class Block(L.Layer):
        def __init__(self):
            super().__init__()
            self.b = L.Dense(2, name="b")
            self._a = L.Dense(2, name="a")
            self.c = {"z": L.Dense(2, name="cz"), "y": L.Dense(2, name="cy")}
            self.lst = [L.Dense(2, name="l0"), (L.Dense(2, name="l1"),)]
            self.again = self.b
            self.s = {L.Dense(2, name="s")}

    block = Block()
    assert _names(block._layers) == ["b", "a", "cz", "cy", "l0", "l1", "s"]
    assert isinstance(block.c, dict) and isinstance(block.lst, list) and isinstance(block.lst[1], tuple)


def test_own_weights_come_before_sub_layers_and_frozen_sub_layers_move_to_non_trainable():
    class Block(L.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self._inner = L.Dense(2, name="inner")
            self.tail = [[L.Dense(2, name="tail")]]

        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1], 2), name="w")
            self.n = self.add_weight(shape=(), trainable=False, name="n")

        def call(self, x):
            return self.tail[0][0](self._inner(x)) + x @ self.w

    block = Block(name="block")
    block(np.ones((1, 3), "float32"))
    names = [w.name for w in block.weights]
    assert names == ["block/w:0", "block/n:0", "inner/kernel:0", "inner/bias:0", "tail/kernel:0", "tail/bias:0"]
    assert block.variables == block.weights
    block._inner.trainable = False
    assert [w.name for w in block.trainable_weights] == ["block/w:0", "tail/kernel:0", "tail/bias:0"]
    assert [w.name for w in block.non_trainable_weights] == ["block/n:0", "inner/kernel:0", "inner/bias:0"]


def test_containers_track_what_is_added_and_untrack_what_is_removed():
    class Holder(L.Layer):
        def __init__(self):
            super().__init__()
            self.lst = [L.Dense(2, name="p")]
            self.lst.append(L.Dense(2, name="q"))
            self.lst.extend([L.Dense(2, name="r")])
            self.lst.insert(0, L.Dense(2, name="o"))
            self.lst.pop(1)                  # p
            self.lst.remove(self.lst[-1])    # r
            self.d = {}
            self.d["k"] = L.Dense(2, name="k")
            self.d.update(m=L.Dense(2, name="m"))
            del self.d["k"]                  # kept, as Keras keeps it
            self.s = set()
            self.s.add(L.Dense(2, name="s"))

    assert _names(Holder()._layers) == ["q", "o", "k", "m", "s"]    # in the order first tracked


def test_reassigning_or_deleting_an_attribute_keeps_its_layer_but_not_its_variable():
    class Holder(L.Layer):
        def __init__(self):
            super().__init__()
            self.d = L.Dense(2, name="first")
            self.d = L.Dense(2, name="second")
            self.e = L.Dense(2, name="e")
            del self.e
            self.v = gf.Variable(1.0, name="v")
            self._u = gf.Variable(2.0, name="u")
            del self.v

    holder = Holder()
    assert _names(holder._layers) == ["first", "second", "e"]
    assert [w.name for w in holder.weights] == ["u:0"]


def test_metrics_in_attributes_are_metrics_not_layers():
    class Holder(L.Layer):
        def __init__(self):
            super().__init__()
            self._mean = keras.metrics.Mean(name="mean")
            self.more = [keras.metrics.Sum(name="sum")]
            self.sub = L.Dense(1)

    holder = Holder()
    assert holder._layers == [holder.sub]
    assert [m.name for m in holder.metrics] == ["mean", "sum"]


def test_model_layers_are_its_tracked_sub_layers_and_sequential_leaves_out_its_input():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self._p = L.Dense(2, name="mp")
            self.q = [L.Dense(2, name="mq")]

        def call(self, x):
            return self.q[0](self._p(x))

    assert _names(Net().layers) == ["mp", "mq"]
    seq = keras.Sequential([keras.Input((3,)), L.Dense(2, name="only")])
    assert _names(seq.layers) == ["only"]


def test_a_compiled_model_reports_its_loss_tracker_once():
    model = _fresh("private")
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.fit(P.X, P.Y, batch_size=16, epochs=1, verbose=0)
    assert model.metrics_names == ["loss", "mae"]


def test_a_subclassed_model_with_its_own_build_creates_its_weights_on_the_first_call():
    class WithBuild(keras.Model):
        def __init__(self):
            super().__init__()
            self.d = L.Dense(2)

        def build(self, shape):
            self.offset = self.add_weight(shape=(2,), initializer="ones", name="offset")

        def call(self, x):
            return self.d(x) + self.offset

    model = WithBuild()
    model(np.ones((1, 3), "float32"))
    assert len(model.trainable_weights) == 3 and model.weights[0] is model.offset


def test_a_module_holding_keras_layers_still_finds_their_variables():
    class Holder(gf.Module):
        def __init__(self):
            super().__init__()
            self.d = L.Dense(2)
            self._e = [L.Dense(2)]

    holder = Holder()
    holder.d(np.ones((1, 3), "float32"))
    holder._e[0](np.ones((1, 3), "float32"))
    assert len(holder.trainable_variables) == 4


class Before(keras.Model):
    """The model of tests/data/keras_subclass_tracking/graphflow_before/ (written by graphflow
    8a04b88, tools/tfref/write_graphflow_pre_tracking_checkpoint.py): its dict and private
    sub-layers were not tracked then, so its `layer-N` numbers counted only the others."""

    def __init__(self):
        super().__init__()
        self.blocks = {"a": L.Dense(3), "b": L.Dense(3)}
        self._private = L.Dense(3)
        self.first = L.Dense(3)
        self.stack = [L.Dense(3), [L.Dense(3)]]

    def call(self, x):
        h = self.blocks["a"](x) + self.blocks["b"](x) + self._private(x)
        return self.stack[1][0](self.stack[0](self.first(h)))


@pytest.mark.parametrize("built", [True, False], ids=["built", "restored-then-built"])
def test_a_checkpoint_from_before_private_and_dict_tracking_restores_into_the_same_layers(built):
    """Its `layer-1` is `stack[0]`: numbered over all of today's sub-layers it would be `blocks['b']`
    (same shape), which would silently get `stack[0]`'s weights."""
    before = DATA / "graphflow_before"
    expected = np.load(before / "expected.npz")
    keras.backend.clear_session()
    model = Before()
    x = np.linspace(-1.0, 1.0, 12, dtype="float32").reshape(4, 3)
    if built:
        model(x)
    gf.train.Checkpoint(model=model).read(str(before / "ckpt"))
    model(x)
    layers = [model.blocks["a"], model.blocks["b"], model._private, model.first, model.stack[0], model.stack[1][0]]
    for i, layer in enumerate(layers):
        if layer is model._private:     # never saved then
            continue
        np.testing.assert_array_equal(layer.weights[0].numpy(), expected[f"layer{i}"])


def test_a_copied_layer_tracks_into_its_own_stores():
    from collections import OrderedDict

    class Holder(L.Layer):
        def __init__(self):
            super().__init__()
            self.heads = OrderedDict(a=L.Dense(1))
            self.blocks = [L.Dense(2)]

    import copy
    original = Holder()
    copied = copy.deepcopy(original)
    copied.blocks.append(L.Dense(3))
    copied.heads["b"] = L.Dense(4)
    assert len(original._layers) == 2 and len(copied._layers) == 4
    assert copied._layers[0] is copied.heads["a"] and copied._layers[0] is not original.heads["a"]
