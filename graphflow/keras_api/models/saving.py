"""Saving and loading: one zip file holding JSON (architecture, compile settings, a manifest of
every layer's weight names and shapes) and .npz arrays (weights, optimizer state).

Files are written to a temporary file in the target directory and moved into place with
`os.replace`, so a crash never leaves a half-written file under the final name. Weights are
matched layer by layer in model order; any difference in layer count, weight count or shape is
reported with the names of the layers involved before anything is assigned.
"""
from __future__ import annotations

import inspect
import io
import json
import os
import tempfile
import warnings
import zipfile

import numpy as np

from .. import nest
from ..keras_tensor import KerasTensor
from ..serialization import get_registered_object

FORMAT_MODEL = "graphflow.keras.model"
FORMAT_WEIGHTS = "graphflow.keras.weights"
VERSION = 1


# ---- configs ---------------------------------------------------------------------------------------------

def _layer_classes() -> dict:
    from .. import layers as layers_mod
    from .functional import Functional
    from .model import Model
    from .sequential import Sequential
    table = {name: obj for name, obj in vars(layers_mod).items() if isinstance(obj, type)}
    table.update({"Functional": Functional, "Model": Model, "Sequential": Sequential})
    from ..layers.core import OpLambda
    table["OpLambda"] = OpLambda
    return table


def _jsonable(value):
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def layer_config(layer) -> dict:
    conf = {"module": type(layer).__module__, "class_name": type(layer).__name__,
            "config": _jsonable(layer.get_config()), "name": layer.name}
    if layer._build_shapes is not None:
        conf["build_config"] = {"input_shape": _jsonable(layer._build_shapes)}
    return conf


def layer_from_config(conf: dict, custom_objects=None):
    name = conf["class_name"]
    cls = get_registered_object(name, custom_objects, _layer_classes())
    if cls is None:
        raise ValueError(f"Unknown layer class {name!r} (module {conf.get('module')}). Pass it in custom_objects= "
                         "or register it with keras.utils.register_keras_serializable.")
    config = dict(conf["config"])
    from .model import Model
    if "custom_objects" in inspect.signature(cls.from_config).parameters:
        layer = cls.from_config(config, custom_objects=custom_objects)
    else:
        layer = cls.from_config(config)
    build = conf.get("build_config")
    if build and not layer.built and build.get("input_shape") is not None:
        shapes = _to_shape(build["input_shape"])
        if isinstance(layer, Model):
            layer.build_from_input_shape(shapes)
        else:
            layer._maybe_build(_shape_structure_to_keras(shapes))
    return layer


def _to_shape(value):
    """JSON lists back to shape tuples (a list of lists stays a list of tuples)."""
    if isinstance(value, list) and all(v is None or isinstance(v, int) for v in value):
        return tuple(value)
    if isinstance(value, list):
        return [_to_shape(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_shape(v) for k, v in value.items()}
    return value


def _shape_structure_to_keras(shapes):
    if isinstance(shapes, tuple):
        return KerasTensor(shapes)
    if isinstance(shapes, list):
        return [_shape_structure_to_keras(s) for s in shapes]
    return {k: _shape_structure_to_keras(v) for k, v in shapes.items()}


def model_config(model) -> dict:
    return layer_config(model)


def functional_config(model) -> dict:
    local = {}          # id(node) -> index among this layer's nodes in the model
    counts = {}
    for t in model._input_tensors:
        local[id(t.node)] = 0
    for node in model._nodes:
        local[id(node)] = counts.get(id(node.layer), 0)
        counts[id(node.layer)] = local[id(node)] + 1

    def ref(x):
        if isinstance(x, KerasTensor):
            layer, _, tensor_index = x._keras_history
            return {"__keras_tensor__": [layer.name, local[id(x.node)], tensor_index]}
        return _jsonable(x)

    return {"name": model.name, "trainable": model.trainable,
            "layers": [{"class_name": type(layer).__name__, "module": type(layer).__module__,
                        "config": _jsonable(layer.get_config()), "name": layer.name} for layer in model.layers],
            "nodes": [{"layer": n.layer.name, "args": nest.map_structure(ref, list(n.args)),
                       "kwargs": nest.map_structure(ref, dict(n.kwargs))} for n in model._nodes],
            "inputs": nest.map_structure(ref, model._input_struct),
            "outputs": nest.map_structure(ref, model._output_struct)}


def _is_ref(x) -> bool:
    return isinstance(x, dict) and "__keras_tensor__" in x


def _map_refs(fn, value):
    if _is_ref(value):
        return fn(value)
    if isinstance(value, list):
        return [_map_refs(fn, v) for v in value]
    if isinstance(value, dict):
        return {k: _map_refs(fn, v) for k, v in value.items()}
    return value


def functional_from_config(config, custom_objects=None):
    from ..layers.core import InputLayer
    from .functional import Functional
    layers = {}
    for conf in config["layers"]:
        layers[conf["name"]] = layer_from_config(conf, custom_objects)
    tensors = {}
    for name, layer in layers.items():
        if isinstance(layer, InputLayer):
            tensors[(name, 0, 0)] = layer.output
    node_counts = {}
    for node in config["nodes"]:
        layer = layers[node["layer"]]
        lookup = lambda r: tensors[tuple(r["__keras_tensor__"])]  # noqa: E731
        args = _map_refs(lookup, node["args"])
        kwargs = _map_refs(lookup, node["kwargs"])
        out = layer(*args, **kwargs)
        index = node_counts.get(node["layer"], 0)
        node_counts[node["layer"]] = index + 1
        for i, t in enumerate(nest.flatten(out)):
            tensors[(node["layer"], index, i)] = t
    lookup = lambda r: tensors[tuple(r["__keras_tensor__"])]  # noqa: E731
    inputs = _map_refs(lookup, config["inputs"])
    outputs = _map_refs(lookup, config["outputs"])
    return Functional(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))


# ---- weights ---------------------------------------------------------------------------------------------

def _weight_owners(model) -> list:
    """The layers that own weights, in model order (the model itself first if it owns some)."""
    return [x for x in model._flatten_layers() if x._trainable_weights or x._non_trainable_weights]


def _own_weights(layer) -> list:
    return list(layer._trainable_weights) + list(layer._non_trainable_weights)


def _short_name(var, layer) -> str:
    name = var.name.split(":")[0]
    prefix = layer.name + "/"
    return name[len(prefix):] if name.startswith(prefix) else name


def weights_manifest(model) -> dict:
    return {"format": FORMAT_WEIGHTS, "version": VERSION,
            "layers": [{"name": layer.name, "class_name": type(layer).__name__,
                        "weights": [{"name": _short_name(w, layer), "shape": list(w.shape), "dtype": w.dtype.name}
                                    for w in _own_weights(layer)]}
                       for layer in _weight_owners(model)]}


def _weights_npz(model) -> bytes:
    arrays = {}
    for i, layer in enumerate(_weight_owners(model)):
        for j, w in enumerate(_own_weights(layer)):
            arrays[f"layer{i:04d}_w{j:03d}"] = w.numpy()
    return _npz_bytes(arrays)


def _npz_bytes(arrays: dict) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _atomic_write_zip(path, entries: dict, overwrite: bool = True) -> None:
    path = os.fspath(path)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} exists and overwrite=False")
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-" + os.path.basename(path) + "-")
    try:
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as zf:
                for name, data in entries.items():
                    zf.writestr(name, data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _read_zip(path) -> dict:
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No file at {path}")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path} is not a graphflow Keras file (expected a zip written by model.save or "
                         "model.save_weights)")
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _load_npz(data: bytes) -> dict:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def save_weights(model, filepath, overwrite=True) -> None:
    if not model.built:
        raise ValueError(f"Model {model.name!r} has not been built yet, so it has no weights to save; call it on "
                         "data (or give it an Input) first")
    manifest = weights_manifest(model)
    manifest["build_config"] = {"input_shape": _jsonable(model.build_input_shape())}
    _atomic_write_zip(filepath, {"weights_manifest.json": json.dumps(manifest, indent=1),
                                 "model.weights.npz": _weights_npz(model)}, overwrite)


def _describe(entries) -> str:
    return ", ".join(f"{e['name']} ({e['class_name']})" for e in entries)


def _assign_weights(model, manifest: dict, arrays: dict, path, skip_mismatch=False) -> None:
    owners = _weight_owners(model)
    saved = manifest["layers"]
    if len(owners) != len(saved):
        model_entries = [{"name": x.name, "class_name": type(x).__name__} for x in owners]
        raise ValueError(f"Cannot load weights from {path} into model {model.name!r}: the file holds weights for "
                         f"{len(saved)} layers [{_describe(saved)}] but the model has {len(owners)} layers with "
                         f"weights [{_describe(model_entries)}]")
    plan = []
    for i, (layer, entry) in enumerate(zip(owners, saved)):
        weights = _own_weights(layer)
        problem = None
        if len(weights) != len(entry["weights"]):
            problem = (f"layer {layer.name!r} ({type(layer).__name__}, position {i}) has {len(weights)} weights "
                       f"{[_short_name(w, layer) for w in weights]}, but the file's layer {entry['name']!r} "
                       f"({entry['class_name']}) has {len(entry['weights'])} "
                       f"{[w['name'] for w in entry['weights']]}")
        else:
            for j, (w, saved_w) in enumerate(zip(weights, entry["weights"])):
                if tuple(w.shape) != tuple(saved_w["shape"]):
                    problem = (f"layer {layer.name!r} ({type(layer).__name__}, position {i}) expects weight "
                               f"{_short_name(w, layer)!r} of shape {tuple(w.shape)}, but the file has shape "
                               f"{tuple(saved_w['shape'])} for weight {saved_w['name']!r} of layer "
                               f"{entry['name']!r} ({entry['class_name']})")
                    break
                plan.append((w, arrays[f"layer{i:04d}_w{j:03d}"]))
        if problem is not None:
            if skip_mismatch:
                warnings.warn(f"Skipping loading weights of {problem}", stacklevel=3)
                plan = [p for p in plan if not any(p[0] is w for w in weights)]
                continue
            raise ValueError(f"Cannot load weights from {path} into model {model.name!r}: {problem}")
    for var, value in plan:
        var.assign(value.astype(var.dtype.np, copy=False))


def _build_if_needed(model, manifest_build):
    if model.built:
        return
    shapes = (manifest_build or {}).get("input_shape")
    if shapes is None:
        raise ValueError(f"Model {model.name!r} is not built, so its weights don't exist yet; call it on data or "
                         "give it an Input before load_weights")
    model.build_from_input_shape(_to_shape(shapes))


def load_weights(model, filepath, skip_mismatch=False) -> None:
    entries = _read_zip(filepath)
    if "weights_manifest.json" in entries:
        manifest = json.loads(entries["weights_manifest.json"])
    elif "config.json" in entries:
        manifest = json.loads(entries["config.json"])["weights_manifest"]
    else:
        raise ValueError(f"{filepath} holds no weights manifest: it was not written by save_weights or save")
    _build_if_needed(model, manifest.get("build_config"))
    _assign_weights(model, manifest, _load_npz(entries["model.weights.npz"]), filepath, skip_mismatch)


# ---- whole models ------------------------------------------------------------------------------------------

def save_model(model, filepath, overwrite=True, include_optimizer=True) -> None:
    if not model.built:
        raise ValueError(f"Model {model.name!r} has not been built yet; call it on data (or give it an Input) "
                         "before saving")
    manifest = weights_manifest(model)
    config = {"format": FORMAT_MODEL, "version": VERSION, **layer_config(model),
              "build_config": {"input_shape": _jsonable(model.build_input_shape())},
              "compile_config": _jsonable(model.get_compile_config()) if model.compiled else None,
              "weights_manifest": manifest}
    entries = {"config.json": json.dumps(config, indent=1), "model.weights.npz": _weights_npz(model)}
    if include_optimizer and model.compiled and model.optimizer is not None and model.optimizer.built:
        entries["optimizer.npz"] = _npz_bytes({f"v{i:04d}": v.numpy()
                                               for i, v in enumerate(model.optimizer.variables)})
    _atomic_write_zip(filepath, entries, overwrite)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild a model saved with model.save: architecture, weights and (optionally) compile state."""
    entries = _read_zip(filepath)
    if "config.json" not in entries:
        raise ValueError(f"{filepath} holds no model config: it was written by save_weights, not save; build the "
                         "model in code and use load_weights")
    config = json.loads(entries["config.json"])
    model = layer_from_config(config, custom_objects)
    _build_if_needed(model, config.get("build_config"))
    _assign_weights(model, config["weights_manifest"], _load_npz(entries["model.weights.npz"]), filepath)
    if compile and config.get("compile_config"):
        model.compile_from_config(config["compile_config"])
        if "optimizer.npz" in entries:
            model.optimizer.build(model.trainable_weights)
            values = _load_npz(entries["optimizer.npz"])
            variables = model.optimizer.variables
            if len(values) == len(variables):
                for i, var in enumerate(variables):
                    var.assign(values[f"v{i:04d}"])
            else:
                warnings.warn("The saved optimizer state does not match the optimizer's variables; it was not "
                              "restored", stacklevel=2)
    return model


def model_from_json(json_string, custom_objects=None):
    return layer_from_config(json.loads(json_string), custom_objects)


def clone_model(model, custom_objects=None):
    """A new model with the same architecture and freshly initialised weights."""
    return layer_from_config(json.loads(json.dumps(layer_config(model))), custom_objects)
