"""keras.saving.serialize_keras_object / deserialize_keras_object: any Keras object to and from
`{"module", "class_name", "config", "registered_name"}` dicts, the form Keras 3 configs and `.keras`
files use. Layers and models go through models/keras_config.py (the `.keras` file writer and reader);
other objects through their `get_config` / `from_config`; user classes through serialization.py's registry.
"""
from __future__ import annotations

import base64
import marshal
import types
import warnings

import numpy as np

from ..dtypes import DType
from ..ops import api
from ..ops.convert import is_tensorlike
from ..shapes import TensorShape
from . import (
    activations,
    callbacks,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    optimizers,
    regularizers,
)
from .layers.base import Layer
from .models import keras_config
from .serialization import (
    CustomObjectScope,
    find_registered,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    scope_objects,
    unsafe_deserialization_enabled,
)

# Keras module name -> where its built-ins live here
PUBLIC_MODULES = {"keras.layers": layers, "keras.initializers": initializers, "keras.regularizers": regularizers,
                  "keras.optimizers": optimizers, "keras.optimizers.schedules": optimizers.schedules,
                  "keras.losses": losses, "keras.metrics": metrics, "keras.activations": activations,
                  "keras.callbacks": callbacks, "keras.models": models,
                  "keras": types.SimpleNamespace(DTypePolicy=mixed_precision.DTypePolicy, Model=models.Model,
                                                 Sequential=models.Sequential)}


def _public_module(obj) -> str | None:
    """`keras.layers` for gf.keras.layers.Dense...: the Keras module a built-in object lives in."""
    name = getattr(obj, "__name__", None)
    if name is None or not getattr(obj, "__module__", "").startswith("graphflow."):
        return None
    return next((module for module, ns in PUBLIC_MODULES.items() if getattr(ns, name, None) is obj), None)


def _serialize_function(fn) -> dict:
    if fn.__name__ == "<lambda>":
        warnings.warn("The object being serialized includes a `lambda`; loading it back needs safe_mode=False. "
                      "Use a named, registered function instead.", stacklevel=3)
        return {"class_name": "__lambda__", "config": {"value": base64.b64encode(marshal.dumps(fn.__code__))
                                                       .decode("ascii")}}
    # Keras writes every plain function this way, built-in or not: the name says which one
    return {"module": "builtins", "class_name": "function", "config": get_registered_name(fn),
            "registered_name": "function"}


def serialize_keras_object(obj):
    """A JSON-ready description of `obj` that `deserialize_keras_object` turns back into an equal object.

    Plain values stay as they are; lists, tuples and dicts are serialized element by element;
    numpy arrays and tensors become `__numpy__` / `__tensor__` entries; functions are named;
    objects with `get_config` become `{"module", "class_name", "config", "registered_name"}`.
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(x) for x in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {k: serialize_keras_object(getattr(obj, k))
                                                      for k in ("start", "stop", "step")}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, TensorShape):
        return obj.as_list() if obj.rank is not None else None
    if isinstance(obj, DType):
        return obj.name
    if isinstance(obj, (np.ndarray, np.generic)):
        if isinstance(obj, np.ndarray) and obj.ndim > 0:
            return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
        return obj.item()
    if is_tensorlike(obj) and hasattr(obj, "numpy"):
        value = np.asarray(obj.numpy())
        return {"class_name": "__tensor__", "config": {"value": value.tolist(), "dtype": value.dtype.name}}
    if isinstance(obj, types.FunctionType):
        return _serialize_function(obj)
    if isinstance(obj, Layer):       # layers and models: the entries .keras files hold
        return keras_config.model_to_keras_config(obj) if hasattr(obj, "compile") else keras_config.layer_entry(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize object {obj!r} of type {type(obj)}. To be serializable, a class must "
                        "implement the `get_config()` method.")
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError(f"The `get_config()` method of {obj!r} should return a dict. It returned: {config!r}")
    cls = type(obj)
    module = _public_module(cls)
    return {"module": module or (None if cls.__module__ == "__main__" else cls.__module__),
            "class_name": cls.__name__, "config": serialize_keras_object(config),
            "registered_name": None if module else get_registered_name(cls)}


# ---- deserialize_keras_object ---------------------------------------------------------------------------

def _from_module(module: str | None, name: str):
    """gf.keras.layers.Dense for ("keras.layers", "Dense"); None when there is no such built-in."""
    if not module:
        return None
    if module.startswith("keras.src."):      # keras.src.models.functional...: a layer or a model
        return getattr(layers, name, None) or getattr(models, name, None)
    return getattr(PUBLIC_MODULES.get(module), name, None)


def _unknown(config):
    return TypeError(f"Could not locate class {config.get('class_name')!r}. Make sure custom classes and functions "
                     "are decorated with `@keras.saving.register_keras_serializable()` (and imported before "
                     f"loading), or passed in custom_objects=. Full object config: {config}")


def _load_lambda(config: dict, safe_mode: bool):
    if safe_mode:
        raise ValueError("Requested the deserialization of a Python lambda. This carries a potential risk of "
                         "arbitrary code execution and thus it is disallowed by default. If you trust the source, "
                         "pass `safe_mode=False` or call `keras.config.enable_unsafe_deserialization()`.")
    code = marshal.loads(base64.b64decode(config["value"]))
    return types.FunctionType(code, globals())


def deserialize_keras_object(config, custom_objects: dict | None = None, safe_mode: bool = True,
                             module_objects: dict | None = None):
    """The object a `serialize_keras_object` result describes.

    Args:
        config: what serialize_keras_object returned (or a Keras 3 config entry).
        custom_objects: name -> class or function, for user objects not registered globally.
        safe_mode: refuse to load lambdas (Python code) unless False.
        module_objects: name -> built-in object, looked up after the registry (Keras's argument).
    Raises:
        TypeError: when a class or function named in the config cannot be found.
    """
    safe_mode = safe_mode and not unsafe_deserialization_enabled()
    custom_objects = {**(custom_objects or {}), **scope_objects(), **get_custom_objects()}
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        return custom_objects.get(config, config)
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(x, custom_objects, safe_mode, module_objects) for x in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    if "class_name" not in config or "config" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode) for k, v in config.items()}
    class_name, inner = config["class_name"], config["config"] if config["config"] is not None else {}
    special = {"__numpy__": lambda: np.array(inner["value"], dtype=inner["dtype"]),
               "__bytes__": lambda: inner["value"].encode("utf-8"),
               "__ellipsis__": lambda: Ellipsis,
               "__lambda__": lambda: _load_lambda(inner, safe_mode),
               "__slice__": lambda: slice(*(deserialize_keras_object(inner[k], custom_objects, safe_mode)
                                            for k in ("start", "stop", "step")))}
    if class_name in special:
        return special[class_name]()
    if class_name == "__tensor__":
        return api.constant(np.array(inner["value"], dtype=inner["dtype"]))
    if class_name == "function":
        if not isinstance(inner, str):
            raise TypeError(f"Expected 'config' to be a function's name, got {type(inner)}. Full config: {config}")
        fn = get_registered_object(inner, custom_objects, module_objects) or _from_module(config.get("module"), inner) \
            or _from_module("keras.activations", inner) or _from_module("keras.losses", inner)
        if fn is None:
            raise _unknown(config)
        return fn
    # as Keras: a registered name first, then the Keras module a built-in names (so a user class
    # that happens to be called Dense never stands in for keras.layers.Dense), then the bare class name
    registered = config.get("registered_name")
    cls = (registered and get_registered_object(registered, custom_objects, module_objects)) \
        or _from_module(config.get("module"), class_name) \
        or find_registered(class_name, custom_objects, module_objects)
    if cls is None:
        raise _unknown(config)
    with CustomObjectScope(custom_objects):
        if isinstance(cls, type) and issubclass(cls, Layer):     # layers and models: Keras's options translated
            if not hasattr(cls, "compile"):
                return keras_config.layer_from_entry(config, custom_objects)
            model = keras_config.model_from_keras_config(config, custom_objects)
            if config.get("compile_config"):
                keras_config.compile_from_keras(model, config["compile_config"], "the serialized model")
            return model
        if not hasattr(cls, "from_config"):
            return cls if isinstance(cls, types.FunctionType) else cls(**inner)
        return cls.from_config(deserialize_keras_object(inner, custom_objects, safe_mode)
                               if isinstance(inner, dict) else inner)
