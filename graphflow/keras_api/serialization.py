"""Objects to and from `{"module", "class_name", "config", "registered_name"}` dicts: the form
Keras 3 configs, saved models and `keras.saving.serialize_keras_object` use.

Built-in classes are found in per-module registries or the `keras.*` namespaces; user classes
through `register_keras_serializable` (the global registry, keyed `"package>name"` as Keras keys
it), a `custom_object_scope`, or the `custom_objects` argument of the loaders.
"""
from __future__ import annotations

import base64
import inspect
import marshal
import threading
import types
import warnings

import numpy as np

_CUSTOM_OBJECTS: dict = {}          # registered name ("package>name") -> object, as Keras's GLOBAL_CUSTOM_OBJECTS
_CUSTOM_NAMES: dict = {}            # object -> its registered name
_CLASS_NAME_ALIASES: dict = {}      # bare name -> registered object: loads configs that name only the class
_scope = threading.local()          # the custom_object_scope dicts of this thread, innermost last
_UNSAFE = {"enabled": False}        # keras.config.enable_unsafe_deserialization()


def class_registry(base: type, namespace: dict) -> dict:
    """Every public subclass of `base` defined in a module namespace, by class name."""
    return {name: obj for name, obj in namespace.items()
            if isinstance(obj, type) and issubclass(obj, base) and not name.startswith("_")}


# ---- the registry ---------------------------------------------------------------------------------------

def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """Decorator: make a user class or function loadable by its registered name `"package>name"`.

    Raises:
        ValueError: if the object defines no `get_config` (a class) or the name is taken by another object.
    """
    def deco(obj):
        key = f"{package}>{name or obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        _CUSTOM_OBJECTS[key] = obj
        _CUSTOM_NAMES[obj] = key
        _CLASS_NAME_ALIASES[name or obj.__name__] = obj
        return obj
    return deco


def get_custom_objects() -> dict:
    """The global registry itself (registered name -> object); adding to it registers, as in Keras."""
    return _CUSTOM_OBJECTS


def get_registered_name(obj) -> str:
    """`"package>name"` for a registered object, else its `__name__`."""
    return _CUSTOM_NAMES.get(obj, getattr(obj, "__name__", None))


def _scope_objects() -> dict:
    merged: dict = {}
    for objects in getattr(_scope, "stack", ()):
        merged.update(objects)
    return merged


def get_registered_object(name: str, custom_objects: dict | None = None, module_objects: dict | None = None):
    """The object named `name`: from the active custom_object_scope, the global registry,
    `custom_objects`, then `module_objects` (Keras's order); None if none has it."""
    for table in (_scope_objects(), _CUSTOM_OBJECTS, custom_objects or {}, module_objects or {}):
        if name in table:
            return table[name]
    return None


def find_registered(name: str, custom_objects: dict | None = None, module_objects: dict | None = None):
    """get_registered_object, falling back to a registered class by its bare name (configs from
    older Keras and graphflow name only the class)."""
    found = get_registered_object(name, custom_objects, module_objects)
    return found if found is not None else _CLASS_NAME_ALIASES.get(name)


class CustomObjectScope:
    """`with CustomObjectScope({"MyLayer": MyLayer}):` deserialization inside finds these names."""

    def __init__(self, *custom_objects: dict | None):
        self.custom_objects = {}
        for objects in custom_objects:
            self.custom_objects.update(objects or {})

    def __enter__(self):
        if not hasattr(_scope, "stack"):
            _scope.stack = []
        _scope.stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scope.stack.pop()


custom_object_scope = CustomObjectScope


def enable_unsafe_deserialization() -> None:
    """Let deserialization load Python lambdas (arbitrary code): only for files you trust."""
    _UNSAFE["enabled"] = True


# ---- serialize_keras_object -----------------------------------------------------------------------------

def _public_module(obj) -> str | None:
    """`keras.layers` for gf.keras.layers.Dense...: the Keras module a built-in object lives in."""
    from . import keras_namespace
    name = getattr(obj, "__name__", None)
    if name is None or not getattr(obj, "__module__", "").startswith("graphflow."):
        return None
    for sub in ("layers", "initializers", "regularizers", "constraints", "optimizers", "losses", "metrics",
                "activations", "callbacks", "optimizers.schedules", "models"):
        ns = keras_namespace
        for part in sub.split("."):
            ns = getattr(ns, part, None)
        if ns is not None and getattr(ns, name, None) is obj:
            return f"keras.{sub}"
    return "keras" if getattr(keras_namespace, name, None) is obj else None


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
    from ..dtypes import DType
    from ..shapes import TensorShape
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
    from ..ops.convert import is_tensorlike
    if is_tensorlike(obj) and hasattr(obj, "numpy"):
        value = np.asarray(obj.numpy())
        return {"class_name": "__tensor__", "config": {"value": value.tolist(), "dtype": value.dtype.name}}
    if isinstance(obj, types.FunctionType):
        return _serialize_function(obj)
    from .layers.base import Layer
    from .models import keras_config
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
    from . import keras_namespace
    if not module or not (module == "keras" or module.startswith("keras.")):
        return None
    ns = keras_namespace
    for part in module.split(".")[1:]:
        if part == "src":            # keras.src.models.functional...: look the name up in the public namespaces
            return next((getattr(sub, name) for sub in (keras_namespace, keras_namespace.layers,
                                                        keras_namespace.models) if hasattr(sub, name)), None)
        ns = getattr(ns, part, None)
        if ns is None:
            return None
    return getattr(ns, name, None)


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


def deserialize_keras_object(config, custom_objects: dict | None = None, safe_mode: bool = True, **kwargs):
    """The object a `serialize_keras_object` result describes.

    Args:
        config: what serialize_keras_object returned (or a Keras 3 config entry).
        custom_objects: name -> class or function, for user objects not registered globally.
        safe_mode: refuse to load lambdas (Python code) unless False.
    Raises:
        TypeError: when a class or function named in the config cannot be found.
    """
    safe_mode = safe_mode and not _UNSAFE["enabled"]
    custom_objects = {**(custom_objects or {}), **_scope_objects(), **_CUSTOM_OBJECTS}
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        return custom_objects.get(config, config)
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(x, custom_objects, safe_mode) for x in config]
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
        from ..ops import api
        return api.constant(np.array(inner["value"], dtype=inner["dtype"]))
    if class_name == "function":
        if not isinstance(inner, str):
            raise TypeError(f"Expected 'config' to be a function's name, got {type(inner)}. Full config: {config}")
        fn = get_registered_object(inner, custom_objects) or _from_module(config.get("module"), inner) \
            or _from_module("keras.activations", inner) or _from_module("keras.losses", inner)
        if fn is None:
            raise _unknown(config)
        return fn
    registered = config.get("registered_name") or class_name
    cls = find_registered(registered, custom_objects) or find_registered(class_name, custom_objects) \
        or _from_module(config.get("module"), class_name)
    if cls is None:
        raise _unknown(config)
    from .layers.base import Layer
    with CustomObjectScope(custom_objects):
        if isinstance(cls, type) and issubclass(cls, Layer):     # layers and models: Keras's options translated
            from .models import keras_config
            return keras_config.model_from_keras_config(config, custom_objects) if "build_config" in config \
                and hasattr(cls, "compile") else keras_config.layer_from_entry(config, custom_objects)
        if not hasattr(cls, "from_config"):
            return cls if isinstance(cls, types.FunctionType) else cls(**inner)
        return cls.from_config(deserialize_keras_object(inner, custom_objects, safe_mode)
                               if isinstance(inner, dict) else inner)


# ---- the per-kind helpers (initializers.get, metrics.deserialize...) ------------------------------------

def serialize_object(obj):
    """A JSON-ready description: strings stay strings, objects become class name + config."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if hasattr(obj, "get_config"):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    name = getattr(obj, "__name__", None)
    if name:
        return name
    raise TypeError(f"Cannot serialize {obj!r}: it has neither get_config() nor a name")


def deserialize_object(config, module_objects: dict, kind: str, custom_objects: dict | None = None):
    if isinstance(config, str):
        cls = find_registered(config, custom_objects, module_objects)
        if cls is None:
            raise ValueError(f"Unknown {kind}: {config!r}. Known: {sorted(module_objects)}; pass custom "
                             "classes in custom_objects= or register them with "
                             "keras.utils.register_keras_serializable")
        return cls() if isinstance(cls, type) else cls
    if isinstance(config, dict) and "class_name" in config:
        cls = find_registered(config.get("registered_name") or config["class_name"], custom_objects, module_objects) \
            or find_registered(config["class_name"], custom_objects, module_objects)
        if cls is None:
            raise ValueError(f"Unknown {kind} class {config['class_name']!r}; pass it in custom_objects= or "
                             "register it with keras.utils.register_keras_serializable")
        if hasattr(cls, "from_config"):
            return cls.from_config(dict(config.get("config", {})))
        return cls(**config.get("config", {}))
    raise ValueError(f"Could not interpret {kind} identifier: {config!r}")
