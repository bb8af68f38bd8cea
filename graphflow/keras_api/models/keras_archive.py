"""The Keras 3 `.keras` archive: a zip of `config.json` (architecture, build and compile
settings), `metadata.json` (who wrote it, when), `model.weights.h5` (Keras 3's HDF5 layout) and
`assets/` (files layers save themselves: a lookup layer's learnt vocabulary; keras_assets.py).

graphflow writes the same entries real Keras writes, so either can load the other's file.
The archive is assembled in memory and written atomically.
"""
from __future__ import annotations

import datetime
import io
import json
import warnings
import zipfile

from ...atomic_file import write_atomic
from . import keras_assets, keras_config, keras_weights

CONFIG, METADATA, WEIGHTS = "config.json", "metadata.json", "model.weights.h5"
KERAS_MAJOR = 3                 # the archive layout this module reads and writes
WRITER_VERSION = "3.0.0"        # the Keras version graphflow's archives claim to match


def save(model, filepath, include_optimizer: bool = True) -> None:
    h5py = keras_weights.require_h5py()
    config = keras_config.model_to_keras_config(model)
    optimizer = model.optimizer if include_optimizer and model.compiled else None
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        keras_weights.write_keras3(f, model, optimizer)
    from ... import __version__ as graphflow_version
    metadata = {"keras_version": WRITER_VERSION, "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                "writer": f"graphflow {graphflow_version}"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(METADATA, json.dumps(metadata))
        zf.writestr(CONFIG, json.dumps(config))
        zf.writestr(WEIGHTS, buffer.getvalue())
        keras_assets.add_assets(zf, model)
    write_atomic(filepath, out.getvalue())


def _check_version(metadata: dict, filepath) -> None:
    version = str(metadata.get("keras_version", "3"))
    try:
        major = int(version.split(".")[0])
    except ValueError:
        return
    if major > KERAS_MAJOR:
        raise ValueError(f"{filepath} was written by Keras {version}, a newer format than the Keras {KERAS_MAJOR} "
                         "archives graphflow reads; save it with Keras 3 to load it here")


def load(filepath, custom_objects=None, compile: bool = True):
    with zipfile.ZipFile(filepath) as zf:
        names = set(zf.namelist())
        if CONFIG not in names:
            raise ValueError(f"{filepath} is a zip file but not a Keras archive: it has no {CONFIG}")
        metadata = json.loads(zf.read(METADATA)) if METADATA in names else {}
        _check_version(metadata, filepath)
        config = json.loads(zf.read(CONFIG))
        weights = zf.read(WEIGHTS) if WEIGHTS in names else None
        model = keras_config.model_from_keras_config(config, custom_objects, source=str(filepath))
        h5py = keras_weights.require_h5py()
        if weights is not None:         # before the assets: a lookup's TF-IDF weights wait for its vocabulary
            with h5py.File(io.BytesIO(weights), "r") as f:
                keras_weights.read_keras3(f, model, str(filepath))
        keras_assets.load_assets(zf, model, str(filepath))
    if compile and config.get("compile_config"):
        if keras_config.compile_from_keras(model, config["compile_config"], str(filepath)) and weights is not None:
            model.optimizer.build(model.trainable_weights)
            with h5py.File(io.BytesIO(weights), "r") as f:
                if "optimizer" in f and not keras_weights.read_keras3_optimizer(f, model.optimizer):
                    warnings.warn(f"{filepath}: the saved optimizer state does not match the optimizer's variables; "
                                  "it was not restored", stacklevel=3)
    return model
