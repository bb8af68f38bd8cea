"""Model weights in Keras's two HDF5 layouts, read and written with h5py.

Keras 3 (`model.weights.h5` inside a `.keras` file, and `.weights.h5`): one group per saveable
object, `vars/0`, `vars/1`, ... holding its own variables in creation order. A functional or
Sequential model's layers are under `layers/<snake_case class name>` (`dense`, `dense_1`, ...,
numbered per model, not by layer name); a recurrent layer's weights are under its `cell`; other
sub-layers are under the attribute that holds them, private ones included (MultiHeadAttention's
`query_dense`, ..., `_softmax`; TextVectorization's `_lookup_layer`), lists of them under the
attribute then the class name; the optimizer under `optimizer`.

Legacy (Keras 2 `.h5`): `model_weights/<layer name>/...` datasets, listed per layer by the
`weight_names` attribute, and the layer order by the `layer_names` attribute.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import backend
from ..layers.base import Layer
from .keras_config import MODEL_CLASSES

RECURRENT_CLASSES = ("LSTM", "GRU", "SimpleRNN")


def require_h5py():
    """h5py, imported on first use; a clear message when it is not installed."""
    try:
        import h5py
    except ImportError:
        raise ImportError("Reading and writing Keras .keras / .h5 files needs h5py: pip install h5py "
                          "(or pip install 'graphflow[keras]')") from None
    return h5py


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
    return [(path, variables) for path, _, variables in _walk(model)]


def saveable_objects(model) -> list:
    """[(path, object)]: the model and every layer inside it, at their paths in Keras 3's layout
    (where a `.keras` file keeps their weights and their assets)."""
    return [(path, obj) for path, obj, _ in _walk(model) if obj is not None]


def _walk(model) -> list:
    """[(path, layer or None, variables)] in Keras 3's order; a recurrent layer's weights are on a
    `cell` entry whose object is None (graphflow's recurrent layers have no cell object)."""
    return [(path, None if cell else obj, variables) for path, obj, variables, cell in _walk_owners(model)]


def _walk_owners(model) -> list:
    """[(path, owner layer, variables, is_cell)]: Keras's `_save_state` walk over graphflow's layers.
    A layer visited once already (shared) is not visited again, as Keras skips it."""
    out, visited = [], set()

    def visit(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        if type(obj).__name__ in RECURRENT_CLASSES and obj.__module__.startswith("graphflow."):
            out.append((path, obj, [], False))
            out.append((_join(path, "cell"), obj, own_weights(obj), True))
            return
        out.append((path, obj, own_weights(obj), False))
        for name, child in _children(obj):
            visit_child(child, _join(path, name), set())

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
                visit(item, _join(path, _unique(backend.to_snake_case(type(item).__name__), used)))
            elif _is_container(item):
                visit_child(item, _join(path, _unique("container", used)), containers)

    visit(model, "")
    return out


def _join(a: str, b: str) -> str:
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


# ---- Keras 3 layout ----------------------------------------------------------------------------------

def write_keras3(h5file, model, optimizer=None) -> None:
    for path, owner, variables, is_cell in _walk_owners(model):
        group = h5file.require_group(_join(path, "vars"))
        if getattr(owner, "name", None) is not None:
            group.attrs["name"] = owner.name
        if not is_cell and hasattr(owner, "save_own_variables"):   # named state (a lookup's idf_weights)
            store = {}
            owner.save_own_variables(store)
            for key, value in store.items():
                group.create_dataset(key, data=np.asarray(value))
            continue
        for i, var in enumerate(variables):
            group.create_dataset(str(i), data=var.numpy())
    if optimizer is not None:       # unbuilt: iteration and learning rate only, as Keras writes it
        group = h5file.require_group("optimizer/vars")
        group.attrs["name"] = optimizer.name
        for i, var in enumerate(optimizer.variables):
            group.create_dataset(str(i), data=np.asarray(var.numpy()))


def read_keras3(h5file, model, source: str, skip_mismatch: bool = False) -> list:
    """Assign the weights of a Keras 3 weights file; returns [(variable, value)] (assigned already).

    Every shape is checked before anything is assigned, so a mismatch leaves the model as it was.
    """
    plan, hooks = [], []
    for path, obj, variables in _walk_for_reading(h5file, model):
        group = h5file.get(_join(path, "vars"))
        if hasattr(obj, "load_own_variables"):
            hooks.append((obj, {} if group is None else {k: np.asarray(group[k][()]) for k in group}))
            continue
        if group is None:
            if variables:
                problem = f"{source} has no weights for {_describe(model, path)} (expected group {path or '/'}/vars)"
                if skip_mismatch:
                    warnings.warn(f"Skipping {problem}", stacklevel=3)
                    continue
                raise ValueError(f"Cannot load weights: {problem}")
            continue
        saved = [group[str(i)] for i in range(len(group))]
        problem = None
        if len(saved) != len(variables):
            problem = (f"{_describe(model, path)} has {len(variables)} weights "
                       f"{[_short(v) for v in variables]}, but {source} holds {len(saved)} at {path or '/'}/vars")
        else:
            for var, data in zip(variables, saved):
                if tuple(var.shape) != tuple(data.shape):
                    problem = (f"{_describe(model, path)}: weight {_short(var)} has shape {tuple(var.shape)}, but "
                               f"{source} holds shape {tuple(data.shape)} at {data.name}")
                    break
        if problem is not None:
            if skip_mismatch:
                warnings.warn(f"Skipping loading weights: {problem}", stacklevel=3)
                continue
            raise ValueError(f"Cannot load weights: {problem}")
        plan.extend((var, np.asarray(data[()])) for var, data in zip(variables, saved))
    expected = {_join(path, "vars") for path, _ in saveables(model)} | {"optimizer/vars"}
    extra = sorted(name[:-len("/vars")] for name in _groups_with_values(h5file) if name not in expected)
    if extra and not skip_mismatch:
        raise ValueError(f"Cannot load weights: {source} holds weights the model has no place for: {extra} (model "
                         f"{model.name!r} has {[p or '/' for p, v in saveables(model) if v]})")
    for var, value in plan:
        var.assign(value.astype(var.dtype.np, copy=False))
    for obj, store in hooks:
        obj.load_own_variables(store)
    return plan


def _walk_for_reading(h5file, model) -> list:
    """The walk, but a layer whose group in the file holds all its weights (`layer.weights` order)
    and nothing below it reads them from there: graphflow wrote MultiHeadAttention so before it
    had Keras's sub-layers, and those files still load."""
    out, flat = [], None
    for path, obj, variables in _walk(model):
        if flat is not None and path.startswith(flat + "/"):
            continue
        flat = None
        group = h5file.get(_join(path, "vars"))
        if path and obj is not None and not variables and group is not None and len(group) and \
                set(h5file[path].keys()) == {"vars"} and len(group) == len(obj.weights):
            out.append((path, obj, obj.weights))
            flat = path
            continue
        out.append((path, obj, variables))
    return out


def _groups_with_values(h5file) -> list:
    """Names of the `.../vars` groups that hold at least one dataset."""
    found = []

    def visit(name, obj):
        if name.endswith("vars") and hasattr(obj, "keys") and len(obj) > 0:
            found.append(name)
    h5file.visititems(visit)
    return found


def read_keras3_optimizer(h5file, optimizer) -> bool:
    group = h5file.get("optimizer/vars")
    if group is None:
        return False
    variables = optimizer.variables
    if len(group) == len(variables) - len(optimizer._slot_vars):
        variables = variables[:len(group)]      # saved before its first step: no slots yet
    if len(group) != len(variables) or any(tuple(v.shape) != group[str(i)].shape for i, v in enumerate(variables)):
        return False
    for i, var in enumerate(variables):
        var.assign(np.asarray(group[str(i)][()]).astype(var.dtype.np, copy=False))
    return True


def _describe(model, path: str) -> str:
    owner = next((o for p, o, _, _ in _walk_owners(model) if p == path), None)
    if owner is model or owner is None:
        return f"model {model.name!r}" + (f" at {path}" if path else "")
    return f"layer {owner.name!r} ({type(owner).__name__})"


def _short(var) -> str:
    return var.name.split(":")[0].rsplit("/", 1)[-1]


# ---- legacy (Keras 2) layout -------------------------------------------------------------------------

def write_legacy(group, model) -> None:
    group.attrs["layer_names"] = np.array([layer.name.encode() for layer in model.layers])
    group.attrs["backend"] = "tensorflow"
    group.attrs["keras_version"] = "3.0.0"
    for layer in model.layers:
        weights = layer.weights
        names = [f"{layer.name}/{_short(w)}" for w in weights]
        g = group.require_group(layer.name)
        g.attrs["weight_names"] = np.array([n.encode() for n in names], dtype=object) if names \
            else np.array([], dtype="float64")
        for name, w in zip(names, weights):
            g.create_dataset(name, data=w.numpy())


def _attr_strings(value) -> list:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in value]


def read_legacy(group, model, source: str, skip_mismatch: bool = False) -> None:
    """Assign weights from a legacy layout, layer by layer in order (as Keras 2 matches them)."""
    saved_layers = [name for name in _attr_strings(group.attrs["layer_names"])
                    if len(group[name].attrs.get("weight_names", [])) > 0]
    layers = [layer for layer in model.layers if layer.weights]
    if len(saved_layers) != len(layers):
        raise ValueError(f"Cannot load weights from {source}: it holds weights for {len(saved_layers)} layers "
                         f"{saved_layers}, but model {model.name!r} has {len(layers)} layers with weights "
                         f"{[x.name for x in layers]}")
    plan = []
    for layer, saved_name in zip(layers, saved_layers):
        g = group[saved_name]
        names = _attr_strings(g.attrs["weight_names"])
        weights = layer.weights
        problem = None
        if len(names) != len(weights):
            problem = (f"layer {layer.name!r} has {len(weights)} weights, but {source} holds {len(names)} for "
                       f"layer {saved_name!r}")
        else:
            for w, n in zip(weights, names):
                if tuple(w.shape) != g[n].shape:
                    problem = (f"layer {layer.name!r}: weight {_short(w)} has shape {tuple(w.shape)}, but {source} "
                               f"holds shape {g[n].shape} for {saved_name}/{n}")
                    break
        if problem is not None:
            if skip_mismatch:
                warnings.warn(f"Skipping loading weights: {problem}", stacklevel=3)
                continue
            raise ValueError(f"Cannot load weights from {source}: {problem}")
        plan.extend((w, np.asarray(g[n][()])) for w, n in zip(weights, names))
    for var, value in plan:
        var.assign(value.astype(var.dtype.np, copy=False))
