"""Objects to and from `{"class_name", "config"}` dicts: the form configs and saved models use.

Built-in classes are found in per-module registries; user classes through
`keras.utils.register_keras_serializable` or the `custom_objects` argument of the loaders.
"""
from __future__ import annotations

_CUSTOM_OBJECTS: dict = {}


def class_registry(base: type, namespace: dict) -> dict:
    """Every public subclass of `base` defined in a module namespace, by class name."""
    return {name: obj for name, obj in namespace.items()
            if isinstance(obj, type) and issubclass(obj, base) and not name.startswith("_")}


def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """Decorator: make a user class loadable by name from saved configs."""
    def deco(cls):
        key = name or cls.__name__
        _CUSTOM_OBJECTS[key] = cls
        _CUSTOM_OBJECTS[f"{package}>{key}"] = cls
        return cls
    return deco


def get_registered_object(name: str, custom_objects: dict | None = None, module_objects: dict | None = None):
    for table in (custom_objects or {}, _CUSTOM_OBJECTS, module_objects or {}):
        if name in table:
            return table[name]
    return None


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
        cls = get_registered_object(config, custom_objects, module_objects)
        if cls is None:
            raise ValueError(f"Unknown {kind}: {config!r}. Known: {sorted(module_objects)}; pass custom "
                             "classes in custom_objects= or register them with "
                             "keras.utils.register_keras_serializable")
        return cls() if isinstance(cls, type) else cls
    if isinstance(config, dict) and "class_name" in config:
        cls = get_registered_object(config["class_name"], custom_objects, module_objects)
        if cls is None:
            raise ValueError(f"Unknown {kind} class {config['class_name']!r}; pass it in custom_objects= or "
                             "register it with keras.utils.register_keras_serializable")
        if hasattr(cls, "from_config"):
            return cls.from_config(dict(config.get("config", {})))
        return cls(**config.get("config", {}))
    raise ValueError(f"Could not interpret {kind} identifier: {config!r}")
