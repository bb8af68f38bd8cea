"""Saving and loading Keras models in the files real Keras uses, chosen by the file name:

- `model.keras`: the Keras 3 archive (a zip of `config.json`, `metadata.json` and
  `model.weights.h5`), see `keras_archive.py`;
- `model.h5`: the legacy HDF5 model file (architecture in attributes, weights under `model_weights`);
- `x.weights.h5`: weights in Keras 3's HDF5 layout; `x.h5`: weights in the legacy layout;
- any other weights name: a gf.train checkpoint (`x.index` + `x.data-00000-of-00001`), as TF-Keras 2 does.

Every file is written to a temporary file in the target directory and moved into place, so a
crash never leaves a half-written file under the final name. Shapes are checked before any
weight is assigned.
"""
from __future__ import annotations

import io
import json
import os
import zipfile

from ...atomic_file import atomic_path
from ...checkpoint import Checkpoint
from ...checkpoint import format as ckpt_format
from . import keras_archive, keras_config, keras_weights


def _kind(filepath) -> str:
    name = os.fspath(filepath).lower()
    if name.endswith(".keras"):
        return "keras"
    if name.endswith(".weights.h5"):
        return "weights_h5"
    if name.endswith((".h5", ".hdf5")):
        return "h5"
    return "other"


def _require_built(model, what: str) -> None:
    if not model.built:
        raise ValueError(f"Model {model.name!r} has not been built yet, so it has no weights to {what}; call it on "
                         "data (or give it an Input) first")


# ---- whole models ---------------------------------------------------------------------------------------

def save_model(model, filepath, overwrite=True, include_optimizer=True) -> None:
    """Architecture, weights and compile state in a `.keras` archive or a legacy `.h5` file."""
    filepath = os.fspath(filepath)
    kind = _kind(filepath)
    if kind not in ("keras", "h5"):
        raise ValueError(f"Invalid filepath extension for saving: {filepath!r}. Add a `.keras` extension for the "
                         "Keras 3 format (recommended) or `.h5` for the legacy HDF5 format; for weights alone use "
                         "model.save_weights(...).")
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    _require_built(model, "save")
    if kind == "keras":
        keras_archive.save(model, filepath, include_optimizer)
    else:
        _save_legacy_h5(model, filepath)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild a model from a `.keras` archive or a legacy `.h5` file (from graphflow or real Keras)."""
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No file or directory found at {filepath}")
    if zipfile.is_zipfile(filepath):
        return keras_archive.load(filepath, custom_objects, compile)
    h5py = keras_weights.require_h5py()
    if h5py.is_hdf5(filepath):
        return _load_legacy_h5(filepath, custom_objects, compile)
    if ckpt_format.exists(filepath) or os.path.isdir(filepath):
        raise ValueError(f"{filepath} is a checkpoint or a SavedModel, not a Keras model file: use "
                         "gf.saved_model.load or model.load_weights")
    raise ValueError(f"{filepath} is neither a Keras 3 `.keras` archive nor an HDF5 `.h5` model file")


def _save_legacy_h5(model, filepath) -> None:
    h5py = keras_weights.require_h5py()
    config = keras_config.model_to_keras_config(model)
    with atomic_path(filepath) as tmp, h5py.File(tmp, "w") as f:
        f.attrs["model_config"] = json.dumps({"class_name": config["class_name"], "config": config["config"]})
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "3.0.0"
        if config.get("compile_config"):
            compile_config = config["compile_config"]
            f.attrs["training_config"] = json.dumps({"optimizer_config": compile_config["optimizer"],
                                                     "loss": compile_config.get("loss"),
                                                     "metrics": compile_config.get("metrics"),
                                                     "loss_weights": compile_config.get("loss_weights")})
        keras_weights.write_legacy(f.create_group("model_weights"), model)


def _load_legacy_h5(filepath, custom_objects, compile):
    h5py = keras_weights.require_h5py()
    with h5py.File(filepath, "r") as f:
        if "model_config" not in f.attrs:
            raise ValueError(f"{filepath} holds no model config: it holds weights only; build the model in code "
                             "and call model.load_weights")
        config = json.loads(f.attrs["model_config"])
        model = keras_config.model_from_keras_config(config, custom_objects, source=filepath)
        keras_weights.read_legacy(f["model_weights"], model, filepath)
        training = json.loads(f.attrs["training_config"]) if compile and "training_config" in f.attrs else None
    if training:
        keras_config.compile_from_keras(model, {"optimizer": training.get("optimizer_config"),
                                                "loss": training.get("loss"), "metrics": training.get("metrics"),
                                                "loss_weights": training.get("loss_weights")}, filepath)
    return model


# ---- weights --------------------------------------------------------------------------------------------

def save_weights(model, filepath, overwrite=True) -> None:
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    _require_built(model, "save")
    kind = _kind(filepath)
    if kind == "keras":
        raise ValueError(f"{filepath}: a `.keras` file holds a whole model; use model.save, or a `.weights.h5` "
                         "name for weights alone")
    if kind == "other":
        Checkpoint(root=model).write(filepath)
        return
    h5py = keras_weights.require_h5py()
    with atomic_path(filepath) as tmp, h5py.File(tmp, "w") as f:
        if kind == "weights_h5":      # Keras's saving walks a compiled model's optimizer here too
            keras_weights.write_keras3(f, model, model.optimizer if getattr(model, "compiled", False) else None)
        else:
            keras_weights.write_legacy(f, model)


def load_weights(model, filepath, skip_mismatch=False) -> None:
    """Load weights from a `.weights.h5`/`.h5`/`.keras` file or a checkpoint prefix, checking shapes.

    A model not built yet is built first from the file's shapes when the file says them; a
    checkpoint restores into it as its weights are created.
    """
    filepath = os.fspath(filepath)
    if ckpt_format.exists(filepath):
        Checkpoint(root=model).read(filepath).expect_partial()
        return
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No weights found at {filepath} (neither a file nor a checkpoint prefix with an "
                                f"{ckpt_format.INDEX_SUFFIX} file)")
    if zipfile.is_zipfile(filepath):
        with zipfile.ZipFile(filepath) as zf:
            if "model.weights.h5" not in zf.namelist():
                raise ValueError(f"{filepath} is a zip file but not a Keras archive (no model.weights.h5)")
            data = zf.read("model.weights.h5")
            config = json.loads(zf.read("config.json")) if "config.json" in zf.namelist() else {}
        _build_from_config(model, config)
        h5py = keras_weights.require_h5py()
        with h5py.File(io.BytesIO(data), "r") as f:
            keras_weights.read_keras3(f, model, filepath, skip_mismatch)
        return
    h5py = keras_weights.require_h5py()
    if not h5py.is_hdf5(filepath):
        raise ValueError(f"{filepath} is not a Keras weights file (expected HDF5 .weights.h5/.h5, a .keras archive, "
                         "or a checkpoint prefix)")
    _require_built(model, "load into")
    with h5py.File(filepath, "r") as f:
        if "layer_names" in f.attrs:
            keras_weights.read_legacy(f, model, filepath, skip_mismatch)
        elif "model_weights" in f:
            keras_weights.read_legacy(f["model_weights"], model, filepath, skip_mismatch)
        else:
            keras_weights.read_keras3(f, model, filepath, skip_mismatch)


def _build_from_config(model, config: dict) -> None:
    if model.built:
        return
    shape = (config.get("build_config") or {}).get("input_shape")
    if shape is None:
        raise ValueError(f"Model {model.name!r} is not built, so its weights don't exist yet; call it on data or "
                         "give it an Input before load_weights")
    model.build_from_input_shape(keras_config._to_shape(shape))


# ---- configs --------------------------------------------------------------------------------------------

def model_from_json(json_string, custom_objects=None):
    return keras_config.model_from_keras_config(json.loads(json_string), custom_objects)


def clone_model(model, custom_objects=None):
    """A new model with the same architecture and freshly initialised weights."""
    config = json.loads(json.dumps(keras_config.model_to_keras_config(model)))
    config.pop("compile_config", None)
    return keras_config.model_from_keras_config(config, custom_objects)
