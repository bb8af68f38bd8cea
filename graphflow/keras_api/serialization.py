"""The custom-object registry and the per-kind config helpers every Keras module uses.

User classes are found through `register_keras_serializable` (the global registry, keyed
`"package>name"` as Keras keys it), a `custom_object_scope`, or the `custom_objects` argument of
the loaders; built-ins through per-module registries. `object_serialization.py` builds
`serialize_keras_object` / `deserialize_keras_object` on top (it needs the layers, which need this).
"""
from __future__ import annotations

import inspect
import threading

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

    Registering a name again replaces the earlier object, as in Keras.

    Raises:
        ValueError: if a class defines no `get_config`.
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


def scope_objects() -> dict:
    """The names the active custom_object_scopes of this thread add (inner scopes win)."""
    merged: dict = {}
    for objects in getattr(_scope, "stack", ()):
        merged.update(objects)
    return merged


def get_registered_object(name: str, custom_objects: dict | None = None, module_objects: dict | None = None):
    """The object named `name`: from the active custom_object_scope, the global registry,
    `custom_objects`, then `module_objects` (Keras's order); None if none has it."""
    for table in (scope_objects(), _CUSTOM_OBJECTS, custom_objects or {}, module_objects or {}):
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


def unsafe_deserialization_enabled() -> bool:
    return _UNSAFE["enabled"]


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
