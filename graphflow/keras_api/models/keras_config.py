"""Model architectures as Keras 3 writes them (`config.json` of a `.keras` file, `model_config`
of a legacy `.h5`), to and from graphflow models.

Writing: every layer becomes `{"module", "class_name", "config", "registered_name",
"build_config"}`; a functional model lists its layers with `inbound_nodes` whose arguments are
`__keras_tensor__` references `[layer name, node index, tensor index]`, as Keras 3 does.
Reading: a Keras option graphflow's layer does not take is dropped when it is off (None, False,
or its default) and refused with a clear error when it is on, so a model is never loaded with a
different meaning than it was saved with.
"""
from __future__ import annotations

import inspect
import json
import warnings

import numpy as np

from .. import layers as layers_mod
from .. import nest
from ..keras_tensor import KerasTensor
from ..layers.base import Layer
from ..layers.core import InputLayer, OpLambda
from ..serialization import find_registered, get_registered_name, get_registered_object

# The model classes by name; model.py, sequential.py and functional.py add theirs when imported,
# so this module (which they use to describe themselves) never imports them.
MODEL_CLASSES: dict = {}


def register_model_class(cls) -> type:
    MODEL_CLASSES[cls.__name__] = cls
    return cls

KERAS_OBJECT_MODULES = {"initializer": "keras.initializers", "regularizer": "keras.regularizers",
                        "constraint": "keras.constraints"}

# Keras options graphflow's layers do not take, and the values under which ignoring them is exact.
_ANY = object()
_NEUTRAL_OPTIONS = {
    "groups": 1, "dilation_rate": (1, 1), "data_format": "channels_last", "renorm_momentum": _ANY,
    "zero_output_for_mask": _ANY, "seed": _ANY, "lora_alpha": _ANY, "use_cudnn": _ANY, "synchronized": False,
    "input_length": _ANY, "optional": False, "ragged": False, "sparse": False, "dropout": 0.0,
    "recurrent_dropout": 0.0, "rms_scaling": False, "oov_method": "floormod",
}


def _jsonable(value):
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


# ---- writing ------------------------------------------------------------------------------------------

# TimeDistributed's and Bidirectional's inner layers: config key -> the attributes holding the layer
_WRAPPED_LAYER_ATTRIBUTES = {"layer": ("layer", "forward_layer"), "backward_layer": ("backward_layer",),
                              "cell": ("cell",)}
# StackedRNNCells's cells: config key -> the attribute holding the list of layers
_WRAPPED_LAYER_LISTS = {"cells": "cells"}
_WRAPPED_LAYER_KEYS = tuple(_WRAPPED_LAYER_ATTRIBUTES)


def _dtype_policy(name: str) -> dict:
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name}, "registered_name": None}


def _keras_object(key: str, value):
    """Nested objects (initializers, regularizers) in Keras 3's form, with their module."""
    if isinstance(value, dict) and "class_name" in value and "module" not in value:
        kind = next((k for k in KERAS_OBJECT_MODULES if key.endswith(k)), None)
        if kind is not None:
            return {"module": KERAS_OBJECT_MODULES[kind], "class_name": value["class_name"],
                    "config": value.get("config", {}), "registered_name": None}
    return value


def _is_builtin(cls) -> bool:
    return cls.__module__.startswith("graphflow.keras_api.")


def layer_entry(layer) -> dict:
    """One layer as Keras 3 describes it."""
    config = _jsonable(layer.get_config())
    if isinstance(config.get("dtype"), str) and not isinstance(layer, InputLayer):
        config["dtype"] = _dtype_policy(config["dtype"])
    config = {k: _keras_object(k, v) for k, v in config.items()}
    for key, attributes in _WRAPPED_LAYER_ATTRIBUTES.items():     # a wrapper's layer: a whole layer entry
        inner = next((getattr(layer, a) for a in attributes if isinstance(getattr(layer, a, None), Layer)), None)
        if isinstance(config.get(key), dict) and inner is not None:
            config[key] = layer_entry(inner)
    for key, attribute in _WRAPPED_LAYER_LISTS.items():
        inner = getattr(layer, attribute, None)
        if isinstance(config.get(key), list) and isinstance(inner, list) and all(isinstance(x, Layer) for x in inner):
            config[key] = [layer_entry(x) for x in inner]
    cls = type(layer)
    builtin = _is_builtin(cls)
    module = "keras.layers" if builtin else (None if cls.__module__ == "__main__" else cls.__module__)
    entry = {"module": module, "class_name": cls.__name__,
             "config": config, "registered_name": None if builtin else get_registered_name(cls)}
    if hasattr(layer, "get_build_config"):      # Keras's own form (MultiHeadAttention's shapes_dict)
        build_config = layer.get_build_config()
        if build_config is not None:
            entry["build_config"] = _jsonable(build_config)
    elif layer._build_shapes is not None and not isinstance(layer, InputLayer):
        entry["build_config"] = {"input_shape": _jsonable(layer._build_shapes)}
    return entry


def _tensor_ref(x, node_index: dict) -> dict:
    layer, _, tensor_index = x._keras_history
    dtype = x.dtype if isinstance(x.dtype, str) else x.dtype.name
    return {"class_name": "__keras_tensor__",
            "config": {"shape": _jsonable(list(x.shape)), "dtype": dtype,
                       "keras_history": [layer.name, node_index[id(x.node)], tensor_index]}}


def functional_config(model) -> dict:
    node_index, counts = {}, {}
    for t in model._input_tensors:
        node_index[id(t.node)] = 0
    for node in model._nodes:
        node_index[id(node)] = counts.get(id(node.layer), 0)
        counts[id(node.layer)] = node_index[id(node)] + 1

    def ref(x):
        return _tensor_ref(x, node_index) if isinstance(x, KerasTensor) else _jsonable(x)

    layers = []
    for layer in model.layers:
        entry = layer_entry(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [{"args": nest.map_structure(ref, list(n.args)),
                                   "kwargs": nest.map_structure(ref, dict(n.kwargs))}
                                  for n in model._nodes if n.layer is layer]
        layers.append(entry)

    def endpoints(struct):
        if isinstance(struct, KerasTensor):
            return _tensor_ref(struct, node_index)["config"]["keras_history"]
        if isinstance(struct, dict):
            return {k: endpoints(v) for k, v in struct.items()}
        return [endpoints(v) for v in struct]

    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": endpoints(model._input_struct), "output_layers": endpoints(model._output_struct)}


def sequential_config(model) -> dict:
    layers = []
    shape = model.build_input_shape()
    if model._input_layer is not None:
        layers.append(layer_entry(model._input_layer))
    elif shape is not None:
        layers.append(layer_entry(InputLayer(batch_shape=shape, dtype=model.dtype)))
    layers += [layer_entry(layer) for layer in model.layers]
    config = {"name": model.name, "trainable": model.trainable, "dtype": _dtype_policy(model.dtype), "layers": layers}
    if shape is not None:
        config["build_input_shape"] = _jsonable(shape)
    return config


def model_to_keras_config(model) -> dict:
    """The `config.json` object of a model: architecture, build and compile settings."""
    if type(model) is MODEL_CLASSES.get("Sequential"):
        out = {"module": "keras", "class_name": "Sequential", "config": sequential_config(model),
               "registered_name": None}
    elif type(model) is MODEL_CLASSES.get("Functional"):
        out = {"module": "keras.src.models.functional", "class_name": "Functional",
               "config": functional_config(model), "registered_name": "Functional"}
    else:
        out = layer_entry(model)
    out["build_config"] = {"input_shape": _jsonable(model.build_input_shape())}
    if model.compiled and model.get_compile_config():
        out["compile_config"] = _keras_compile_config(model.get_compile_config())
    return out


def _with_module(value, module: str):
    """Objects in a compile config ({"class_name", "config"}) with the Keras module they live in."""
    if isinstance(value, dict) and "class_name" in value:
        return {"module": module, "class_name": value["class_name"], "config": value.get("config", {}),
                "registered_name": None}
    if isinstance(value, list):
        return [_with_module(v, module) for v in value]
    if isinstance(value, dict):
        return {k: _with_module(v, module) for k, v in value.items()}
    return value


def _keras_compile_config(config: dict) -> dict:
    config = _jsonable(config)
    return {**config, "optimizer": _with_module(config.get("optimizer"), "keras.optimizers"),
            "loss": _with_module(config.get("loss"), "keras.losses"),
            "metrics": _with_module(config.get("metrics"), "keras.metrics")}


def model_to_json(model, **kwargs) -> str:
    return json.dumps(model_to_keras_config(model), **kwargs)


# ---- reading ------------------------------------------------------------------------------------------

def _layer_classes() -> dict:
    table = {name: obj for name, obj in vars(layers_mod).items() if isinstance(obj, type)}
    table.update(MODEL_CLASSES)
    table["OpLambda"] = OpLambda
    return table


def _accepted_arguments(cls) -> set:
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for p in inspect.signature(init).parameters.values():
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                names.add(p.name)
    return names


def _is_off(key: str, value) -> bool:
    if value is None or value is False:
        return True
    default = _NEUTRAL_OPTIONS.get(key, None)
    if default is _ANY:
        return True
    if key in _NEUTRAL_OPTIONS:
        return _jsonable(value) == _jsonable(default)
    return False


def _clean_object(value):
    """A nested Keras object config as graphflow's deserialisers take it (None options dropped)."""
    if isinstance(value, dict) and "class_name" in value:
        if value.get("class_name") == "DTypePolicy":
            return value.get("config", {}).get("name", "float32")
        inner = {k: v for k, v in (value.get("config") or {}).items() if v is not None}
        return {"class_name": value["class_name"], "config": inner}
    return value




def translate_layer_config(cls, config: dict, source: str, custom_objects=None) -> dict:
    """A Keras 3 layer config as `cls.from_config` takes it; options that are on but unsupported raise."""
    accepted = _accepted_arguments(cls)
    out = {}
    for key, value in config.items():
        if key in ("shared_object_id",):
            continue
        if key in _WRAPPED_LAYER_KEYS and isinstance(value, dict) and "class_name" in value:
            value = layer_from_entry(value, custom_objects, source)    # a wrapper's layer: translated as any layer
        if key in _WRAPPED_LAYER_LISTS and isinstance(value, list):
            value = [layer_from_entry(v, custom_objects, source) if isinstance(v, dict) and "class_name" in v else v
                     for v in value]
        value = _clean_object(value)
        if key in accepted or key in ("batch_input_shape", "batch_shape", "input_shape", "input_dim"):
            out[key] = value
        elif not _is_off(key, value):
            raise ValueError(f"{source}: layer {config.get('name')!r} ({cls.__name__}) uses {key}={value!r}, which "
                             f"graphflow's {cls.__name__} does not support; the model cannot be loaded faithfully")
    return out


def layer_from_entry(entry: dict, custom_objects=None, source: str = "the model config"):
    """A layer (not built) from a Keras 3 (or graphflow) layer entry."""
    name = entry["class_name"]
    registered, module = entry.get("registered_name"), entry.get("module") or ""
    # a registered name, then a class given by name, then the built-in the Keras module names, and only
    # then a registered class by its bare name: a user class called Dense never replaces keras.layers.Dense
    cls = (registered and find_registered(registered, custom_objects)) or get_registered_object(name, custom_objects) \
        or (_layer_classes().get(name) if module == "keras" or module.startswith("keras.") else None) \
        or find_registered(name, custom_objects, _layer_classes())
    if cls is None:
        raise ValueError(f"Unknown layer class {name!r} (module {entry.get('module')!r}) in {source}: graphflow has "
                         "no such layer. If it is your own class, pass it in custom_objects={...} or register it "
                         "with keras.utils.register_keras_serializable.")
    raw = dict(entry.get("config") or {})
    if name == "Functional" or (name == "Model" and "layers" in raw):
        return functional_from_keras(raw, custom_objects, source)
    if name == "Sequential":
        return sequential_from_keras(raw, custom_objects, source)
    config = translate_layer_config(cls, raw, source, custom_objects) if _is_builtin(cls) else raw
    if "custom_objects" in inspect.signature(cls.from_config).parameters:
        return cls.from_config(config, custom_objects=custom_objects)
    return cls.from_config(config)


def _to_shape(value):
    if isinstance(value, list) and all(v is None or isinstance(v, int) for v in value):
        return tuple(value)
    if isinstance(value, list):
        return [_to_shape(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_shape(v) for k, v in value.items()}
    return value


def sequential_from_keras(config: dict, custom_objects=None, source: str = "the model config"):
    model = MODEL_CLASSES["Sequential"](name=config.get("name"), trainable=config.get("trainable", True))
    for entry in config.get("layers", []):
        model.add(layer_from_entry(entry, custom_objects, source))
    shape = config.get("build_input_shape")
    if not model.built and shape is not None:
        model.build_from_input_shape(_to_shape(shape))
    return model


def _is_tensor_ref(x) -> bool:
    return isinstance(x, dict) and x.get("class_name") == "__keras_tensor__"


def _node_references(value) -> list:
    if _is_tensor_ref(value):
        return [tuple(value["config"]["keras_history"])]
    if isinstance(value, list):
        return [r for v in value for r in _node_references(v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in _node_references(v)]
    return []


def _resolve(value, tensors):
    if _is_tensor_ref(value):
        return tensors[tuple(value["config"]["keras_history"])]
    if isinstance(value, list):
        return [_resolve(v, tensors) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, tensors) for k, v in value.items()}
    return value


def _legacy_node(node) -> dict:
    """Keras 2 inbound nodes `[[name, node_index, tensor_index, kwargs], ...]` as Keras 3 ones."""
    if isinstance(node, dict):
        return node
    refs = [{"class_name": "__keras_tensor__", "config": {"keras_history": item[:3]}} for item in node]
    kwargs = node[0][3] if node and len(node[0]) > 3 else {}
    return {"args": [refs[0] if len(refs) == 1 else refs], "kwargs": kwargs}


def functional_from_keras(config: dict, custom_objects=None, source: str = "the model config"):
    layers, pending, tensors = {}, [], {}
    for entry in config["layers"]:
        layer = layer_from_entry(entry, custom_objects, source)
        lname = entry.get("name", layer.name)
        layers[lname] = layer
        if isinstance(layer, InputLayer):
            tensors[(lname, 0, 0)] = layer.output
        for node in entry.get("inbound_nodes", []):
            pending.append((lname, _legacy_node(node)))
    made = {}
    while pending:
        progress = []
        for item in pending:
            lname, node = item
            if not all(ref in tensors for ref in _node_references(node)):
                continue
            kwargs = {k: v for k, v in _resolve(node.get("kwargs", {}), tensors).items() if v is not None}
            out = layers[lname](*_resolve(node.get("args", []), tensors), **kwargs)
            index = made.get(lname, 0)
            made[lname] = index + 1
            for i, t in enumerate(nest.flatten(out)):
                tensors[(lname, index, i)] = t
            progress.append(item)
        if not progress:
            missing = sorted({r for _, node in pending for r in _node_references(node) if r not in tensors})
            raise ValueError(f"{source}: the functional model refers to layer outputs that no layer makes: {missing}")
        pending = [p for p in pending if all(p is not q for q in progress)]

    def endpoints(spec):
        if isinstance(spec, dict):
            return {k: endpoints(v) for k, v in spec.items()}
        if spec and isinstance(spec[0], str):
            return tensors[tuple(spec[:3])]
        return [endpoints(s) for s in spec]

    functional = MODEL_CLASSES["Functional"]
    return functional(inputs=endpoints(config["input_layers"]), outputs=endpoints(config["output_layers"]),
                      name=config.get("name"), trainable=config.get("trainable", True))


def model_from_keras_config(config: dict, custom_objects=None, source: str = "the model config"):
    """A model from a `config.json` object (or a legacy `model_config`), built but not compiled."""
    model = layer_from_entry(config, custom_objects, source)
    if not model.built and hasattr(model, "build_from_input_shape"):
        shape = (config.get("build_config") or {}).get("input_shape")
        if shape is not None:
            model.build_from_input_shape(_to_shape(shape))
    return model


def compile_from_keras(model, compile_config: dict, source: str) -> bool:
    """Compile as the file says; a setting graphflow cannot rebuild is reported and skipped."""
    try:
        model.compile_from_config(compile_config)
        return True
    except (ValueError, TypeError, KeyError) as e:
        warnings.warn(f"{source}: the model was loaded uncompiled, because its compile settings could not be "
                      f"rebuilt ({e}); call model.compile(...) yourself", stacklevel=3)
        return False
