"""Keras files of layers whose weights Keras 3 keeps in sub-layers (MultiHeadAttention's
`query_dense` ... `_softmax`, Bidirectional's `forward_layer/cell`, TimeDistributed's `layer`) or
as their own state (Attention, BatchNormalization, an adapted Normalization, random augmentation),
functional and Sequential, both ways. The models are tools/tfref/sublayer_models.py.

tests/data/keras_files/sublayers/NAME.{keras,weights.h5} were written by real Keras 3 with its
predictions in predictions.npz (tools/tfref/record_keras_sublayer_files.py); from_graphflow/
holds what graphflow wrote (tools/tfref/write_graphflow_sublayer_files.py: .keras, legacy .h5 and
.weights.h5, its predictions in graphflow_predictions.npz) and keras_predictions.json what real
Keras predicted from those files.
"""
import importlib.util
import io
import json
import pathlib
import sys
import zipfile

import h5py
import numpy as np
import pytest

import graphflow as gf

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from old_layout_models import Sub, X  # noqa: E402

keras = gf.keras
ROOT = pathlib.Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "keras_files" / "sublayers"
FROM_GF = DATA / "from_graphflow"
EXTS = [".keras", ".weights.h5"]
GF_EXTS = [".keras", ".h5", ".weights.h5"]      # graphflow's files, the legacy .h5 too


def _spec():
    spec = importlib.util.spec_from_file_location("sublayer_models", ROOT / "tools" / "tfref" / "sublayer_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SPEC = _spec()
NAMES = list(SPEC.MODELS)


def _load(directory, name, ext):
    """The model of `directory/NAME.ext`: a .keras or .h5 file whole, a .weights.h5 file into
    graphflow's own build of the architecture."""
    if ext in (".keras", ".h5"):
        return keras.models.load_model(directory / f"{name}{ext}")
    keras.backend.clear_session()
    model = SPEC.MODELS[name](keras)
    model.load_weights(directory / f"{name}{ext}")
    return model


def _weights_file(path) -> h5py.File:
    if str(path).endswith(".keras"):
        with zipfile.ZipFile(path) as z:
            return h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
    return h5py.File(path, "r")


def _layout(path) -> dict:
    """{h5 path: dataset shape, or None for a group}."""
    out = {}
    with _weights_file(path) as f:
        f.visititems(lambda n, o: out.__setitem__(n, getattr(o, "shape", None)))
    return out


def _save(name, tmp_path, ext):
    keras.backend.clear_session()       # layer names as in a fresh process
    model = SPEC.MODELS[name](keras)
    model.compile(optimizer="adam", loss="mse")
    path = tmp_path / f"{name}{ext}"
    (model.save_weights if ext == ".weights.h5" else model.save)(path)
    return path


@pytest.mark.parametrize("ext", EXTS)
@pytest.mark.parametrize("name", NAMES)
def test_a_file_real_keras_wrote_loads_with_its_predictions(name, ext):
    expected = np.load(DATA / "predictions.npz")[f"{name}/y"]
    np.testing.assert_allclose(SPEC.predict(_load(DATA, name, ext), name), expected, rtol=1e-5, atol=1e-5)


def test_multi_head_attention_weights_sit_in_its_sub_layers(tmp_path):
    layout = _layout(_save("mha_self", tmp_path, ".weights.h5"))
    base = "layers/multi_head_attention"
    for sub in ("query_dense", "key_dense", "value_dense"):
        assert layout[f"{base}/{sub}/vars/0"] == (6, 2, 3) and layout[f"{base}/{sub}/vars/1"] == (2, 3)
    assert layout[f"{base}/output_dense/vars/0"] == (2, 3, 6)
    assert f"{base}/_softmax/vars" in layout and f"{base}/_dropout_layer/vars" in layout
    assert not any(k.startswith(f"{base}/vars/") for k in layout)      # nothing of its own


@pytest.mark.parametrize("ext", GF_EXTS)
@pytest.mark.parametrize("name", NAMES)
def test_real_keras_reads_graphflows_files_and_predicts_what_graphflow_does(name, ext):
    recorded = json.loads((FROM_GF / "keras_predictions.json").read_text())[name][ext]
    assert not isinstance(recorded, dict), f"real Keras could not load {name}{ext}: {recorded}"
    graphflow = np.load(FROM_GF / "graphflow_predictions.npz")[f"{name}/y"]
    np.testing.assert_allclose(np.asarray(recorded, np.float32), graphflow, rtol=1e-5, atol=1e-5)
    # the recorded files are graphflow's: it reads them back to the same predictions
    np.testing.assert_allclose(SPEC.predict(_load(FROM_GF, name, ext), name), graphflow, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("ext", GF_EXTS)
@pytest.mark.parametrize("name", NAMES)
def test_graphflow_writes_the_groups_and_shapes_real_keras_writes_and_read(name, ext, tmp_path):
    layout = _layout(_save(name, tmp_path, ext))
    if ext in EXTS:
        assert layout == _layout(DATA / f"{name}{ext}")        # as in real Keras's own file
    # as in the file real Keras read (else re-run the tools in this file's docstring)
    assert layout == _layout(FROM_GF / f"{name}{ext}")


def test_a_multi_head_attention_file_graphflow_wrote_before_its_sub_layers_still_loads(tmp_path):
    """graphflow used to keep MultiHeadAttention's 8 weights in its own group, in `weights` order."""
    model = keras.models.load_model(DATA / "mha_self.keras")
    model.save_weights(tmp_path / "old.weights.h5")
    with h5py.File(tmp_path / "old.weights.h5", "a") as f:
        base = "layers/multi_head_attention"
        del f[base]
        group = f.create_group(f"{base}/vars")
        for i, w in enumerate(model.get_layer("self_attention").weights):
            group.create_dataset(str(i), data=w.numpy())
    keras.backend.clear_session()
    fresh = SPEC.MODELS["mha_self"](keras)
    fresh.load_weights(tmp_path / "old.weights.h5")
    expected = np.load(DATA / "predictions.npz")["mha_self/y"]
    np.testing.assert_allclose(SPEC.predict(fresh, "mha_self"), expected, rtol=1e-5, atol=1e-5)


def test_files_graphflow_wrote_before_it_walked_as_keras_does_still_load():
    """tests/data/keras_files/sublayers/graphflow_before/ (tools/tfref/write_graphflow_old_layout_files.py)."""
    before = DATA / "graphflow_before"
    expected = np.load(before / "predictions.npz")
    keras.backend.clear_session()
    model = Sub()
    model(X)
    model.load_weights(before / "subclassed.weights.h5")
    np.testing.assert_allclose(model.predict(X, verbose=0), expected["subclassed"], rtol=1e-6, atol=1e-6)
    loaded = keras.models.load_model(before / "functional_mha.keras")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), expected["functional_mha"], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("built", [True, False], ids=["built", "restored-then-built"])
def test_a_checkpoint_graphflow_wrote_before_attention_had_sub_layers_restores(built):
    """MultiHeadAttention keeps its checkpoint layout (weights by name under the layer), so
    checkpoints from before its sub-layers restore, also into a model built after the restore."""
    expected = np.load(DATA / "graphflow_before" / "predictions.npz")["subclassed"]
    keras.backend.clear_session()
    model = Sub()
    if built:
        model(X)
    model.load_weights(DATA / "graphflow_before" / "subclassed_checkpoint" / "w")
    np.testing.assert_allclose(model.predict(X, verbose=0), expected, rtol=1e-6, atol=1e-6)


def test_a_subclassed_model_is_laid_out_as_keras_lays_it_out(tmp_path):
    """Attributes sorting after `layers` are saved under `layers/` (Keras walks a model's `layers`
    property in name order too, naming its items by class in tracking order); those before it
    under their names. The whole layout is the one real Keras 3.15.1 writes for this model."""
    keras.backend.clear_session()
    model = Sub()
    model(X)
    model.save_weights(tmp_path / "m.weights.h5")
    layout = _layout(tmp_path / "m.weights.h5")
    assert {k for k in layout if k.count("/") == 1 and not k.endswith("vars")} == {
        "blocks/dense", "blocks/dense_1", "layers/dense_3", "layers/multi_head_attention"}
    assert layout["encoder/vars/0"] == (3, 3) and layout["layers/dense_3/vars/0"] == (3, 1)    # `out`


def test_a_keras_3_0_file_with_private_attention_paths_loads(tmp_path):
    """Keras 3.0.0-3.0.2 saved MultiHeadAttention's projections at `_query_dense`, ... (no public
    property yet); Keras 3.15 still loads them, and so does graphflow."""
    old = tmp_path / "keras30.weights.h5"
    old.write_bytes((DATA / "mha_self.weights.h5").read_bytes())
    with h5py.File(old, "a") as f:
        for sub in ("query_dense", "key_dense", "value_dense", "output_dense"):
            f.move(f"layers/multi_head_attention/{sub}", f"layers/multi_head_attention/_{sub}")
    keras.backend.clear_session()
    model = SPEC.MODELS["mha_self"](keras)
    model.load_weights(old)
    expected = np.load(DATA / "predictions.npz")["mha_self/y"]
    np.testing.assert_allclose(SPEC.predict(model, "mha_self"), expected, rtol=1e-5, atol=1e-5)
