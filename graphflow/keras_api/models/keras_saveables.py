"""Where a model's layers sit in a Keras 3 weights file: Keras's saving walk
(keras/src/saving/saving_lib.py, `_save_state` / `_walk_saveable`) over graphflow's layers.

From each object Keras walks a functional/Sequential model's `layers` first, then every attribute
whose name does not start with "__" and is not in its skip set (all a bare Layer has: methods,
properties, what its constructor sets), public names before private ones, each sorted; a layer
is saved at `<path>/<attribute>`, a list/tuple/dict item at `<path>/<attribute>/<snake_case
class>` (`dense`, `dense_1`, ... per container; nested containers `container`, `container_1`,
...). An object already saved is not saved again. So MultiHeadAttention's weights are at
`query_dense` ... `output_dense` (with `_softmax`, `_dropout_layer`), TextVectorization's lookup at
`_lookup_layer`, Bidirectional's at `forward_layer` / `backward_layer`, a subclassed model's
sub-layers under attributes sorting before `layers` and under `layers/...` after it.
graphflow's recurrent layers have no cell object: their weights are on a `cell` entry.
"""
from __future__ import annotations

from .. import backend
from ..layers.attribute_tracking import legacy_numbered_layers
from ..layers.base import Layer
from .keras_config import MODEL_CLASSES

RECURRENT_CLASSES = ("LSTM", "GRU", "SimpleRNN")


def own_weights(layer) -> list:
    return list(layer._trainable_weights) + list(layer._non_trainable_weights)


def _unique(name: str, used: dict) -> str:
    if name not in used:
        used[name] = 0
        return name
    used[name] += 1
    return f"{name}_{used[name]}"


def saveables(model) -> list:
    """[(path, variables)] for the model and every layer inside it, in Keras 3's layout and order."""
    return [(path, variables) for path, _, variables in walk(model)]


def saveable_objects(model) -> list:
    """[(path, object)]: the model and every layer inside it, at their paths in Keras 3's layout
    (where a `.keras` file keeps their weights and their assets)."""
    return [(path, obj) for path, obj, _ in walk(model) if obj is not None]


def walk(model) -> list:
    """[(path, layer or None, variables)] in Keras 3's order; a recurrent layer's weights are on a
    `cell` entry whose object is None (graphflow's recurrent layers have no cell object)."""
    return [(path, None if cell else obj, variables) for path, obj, variables, cell in walk_owners(model)]


def walk_owners(model, aliases: dict | None = None) -> list:
    """[(path, owner layer, variables, is_cell)]: Keras's `_save_state` walk over graphflow's layers.
    A layer met again (shared, or held by two attributes) is not visited again, as Keras skips
    it; `aliases`, when given, collects {first path: [the other paths it was met at]}."""
    out, first_path = [], {}

    def visit(obj, path):
        if id(obj) in first_path:
            if aliases is not None:
                aliases.setdefault(first_path[id(obj)], []).append(path)
            return
        first_path[id(obj)] = path
        if type(obj).__name__ in RECURRENT_CLASSES and obj.__module__.startswith("graphflow."):
            out.append((path, obj, [], False))
            out.append((join_path(path, "cell"), obj, own_weights(obj), True))
            return
        out.append((path, obj, own_weights(obj), False))
        for name, child in _children(obj):
            visit_child(child, join_path(path, name), set())

    def visit_child(child, path, containers):
        if isinstance(child, Layer):
            visit(child, path)
            return
        if id(child) in containers:
            return
        containers.add(id(child))
        used = {}
        for item in (child.values() if isinstance(child, dict) else child):
            if isinstance(item, Layer):
                visit(item, join_path(path, _unique(backend.to_snake_case(type(item).__name__), used)))
            elif _is_container(item):
                visit_child(item, join_path(path, _unique("container", used)), containers)

    visit(model, "")
    return out


def join_path(a: str, b: str) -> str:
    return f"{a}/{b}" if a else b


def _is_container(value) -> bool:
    return isinstance(value, (list, tuple, dict))


_SKIP_SETS = {}


def _attr_skipset(obj) -> frozenset:
    """The attributes Keras 3's saving does not walk (`get_attr_skipset`): everything a bare Layer
    has (methods, properties and what its constructor sets), and for a functional model also its
    operations, for a Sequential its inner functional model."""
    kind = "Functional" if isinstance(obj, MODEL_CLASSES["Functional"]) else \
        "Sequential" if isinstance(obj, MODEL_CLASSES["Sequential"]) else "Layer"
    if kind not in _SKIP_SETS:
        reference = Layer(name="keras_saving_reference")     # a given name takes no auto-name counter
        # graphflow's Sequential keeps its InputLayer at `_input_layer`, where Keras's keeps it in
        # `_layers` (skipped): not walked, as Keras does not save it
        extra = {"Functional": ("operations", "_operations"),
                 "Sequential": ("_functional", "_input_layer")}.get(kind, ())
        _SKIP_SETS[kind] = frozenset(dir(reference)) | {"_self_unconditional_dependency_names", *extra}
    return _SKIP_SETS[kind]


def _children(obj) -> list:
    """[(attribute, layer or container)] that Keras 3 walks below `obj` (`_walk_saveable`): a
    functional/Sequential model's `layers` first, then every attribute not starting with "__" and
    not in the skip set, public ones before private ones, each sorted by name. Containers (lists,
    tuples, dicts) are walked item by item, nested ones as `container`, `container_1`, ..."""
    out = []
    if isinstance(obj, (MODEL_CLASSES["Functional"], MODEL_CLASSES["Sequential"])):
        out.append(("layers", list(obj.layers)))
    skip = _attr_skipset(obj)
    for name in sorted(dir(obj), key=lambda n: f"~{n}" if n.startswith("_") else n):
        if name.startswith("__") or name in skip:
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # noqa: BLE001  as Keras: an attribute that cannot be read is not walked
            continue
        if isinstance(value, Layer) and value is not obj or _is_container(value) and _holds_layers(value):
            out.append((name, value))
    held = {id(x) for _, v in out for x in _layers_in(v)}
    rest = [x for x in obj._layers if id(x) not in held]
    if rest and not isinstance(obj, (MODEL_CLASSES["Functional"], MODEL_CLASSES["Sequential"])):
        out.append(("_layers", rest))   # a sub-layer no attribute holds any more: kept, not lost
    return out


def _holds_layers(container) -> bool:
    return next(_layers_in(container), None) is not None


def _layers_in(value, seen=None):
    """The layers in `value` (a layer, or a container of layers and containers), depth first."""
    if isinstance(value, Layer):
        yield value
        return
    if not _is_container(value):
        return
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    for item in (value.values() if isinstance(value, dict) else value):
        yield from _layers_in(item, seen)


def walk_before_keras_rule(model) -> list:
    """[(path, layer or None, variables)] as graphflow laid files out before it walked as Keras
    does (public attributes only, `layers` of a subclassed model skipped, TextVectorization's
    `_lookup_layer`, lists of layers one level deep, sub-layers no attribute holds at `_layers`):
    read so the files it wrote then still load."""
    out, visited = [], set()
    graph_models = (MODEL_CLASSES["Functional"], MODEL_CLASSES["Sequential"])

    def visit(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        if type(obj).__name__ in RECURRENT_CLASSES and obj.__module__.startswith("graphflow."):
            out.append((path, obj, []))
            out.append((join_path(path, "cell"), None, own_weights(obj)))
            return
        out.append((path, obj, own_weights(obj)))
        children = [("layers", list(obj.layers))] if isinstance(obj, graph_models) else []
        if isinstance(getattr(obj, "_lookup_layer", None), Layer):
            children.append(("_lookup_layer", obj._lookup_layer))
        for name in sorted(vars(obj)):
            value = getattr(obj, name)
            if name.startswith("_") or name == "layers":
                continue
            if isinstance(value, dict):
                value = list(value.values())
            if isinstance(value, Layer) or isinstance(value, (list, tuple)) and value and \
                    all(isinstance(v, Layer) for v in value):
                children.append((name, value))
        if not isinstance(obj, graph_models):
            held = {id(x) for _, v in children for x in _layers_in(v)}
            rest = [x for x in legacy_numbered_layers(obj) if id(x) not in held]
            if rest:
                children.append(("_layers", rest))
        for name, child in children:
            if isinstance(child, Layer):
                visit(child, join_path(path, name))
                continue
            used = {}
            for item in child:
                visit(item, join_path(join_path(path, name), _unique(backend.to_snake_case(type(item).__name__), used)))

    visit(model, "")
    return out
