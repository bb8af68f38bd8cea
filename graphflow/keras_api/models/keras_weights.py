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

from .keras_saveables import join_path, walk_before_keras_rule, walk_owners


def require_h5py():
    """h5py, imported on first use; a clear message when it is not installed."""
    try:
        import h5py
    except ImportError:
        raise ImportError("Reading and writing Keras .keras / .h5 files needs h5py: pip install h5py "
                          "(or pip install 'graphflow[keras]')") from None
    return h5py


# ---- Keras 3 layout ----------------------------------------------------------------------------------

def write_keras3(h5file, model, optimizer=None) -> None:
    for path, owner, variables, is_cell in walk_owners(model):
        group = h5file.require_group(join_path(path, "vars"))
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
    entries = _walk_for_reading(h5file, model)
    for path, obj, variables in entries:
        group = h5file.get(join_path(path, "vars"))
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
    expected = {join_path(path, "vars") for path, _, _ in entries} | {"optimizer/vars"}
    extra = sorted(name[:-len("/vars")] for name in _groups_with_values(h5file) if name not in expected)
    if extra and not skip_mismatch:
        raise ValueError(f"Cannot load weights: {source} holds weights the model has no place for: {extra} (model "
                         f"{model.name!r} has {[p or '/' for p, _, v in entries if v]})")
    for var, value in plan:
        var.assign(value.astype(var.dtype.np, copy=False))
    for obj, store in hooks:
        obj.load_own_variables(store)
    return plan


def _walk_for_reading(h5file, model) -> list:
    """Keras's walk; for a file graphflow wrote before it walked as Keras does (a subclassed model's
    late attributes by name, see walk_before_keras_rule), the walk it wrote with, when that one
    finds every group and Keras's does not."""
    aliases = {}
    entries = [(path, None if cell else owner, variables)
               for path, owner, variables, cell in walk_owners(model, aliases)]
    entries = _whole_groups(h5file, _at_aliases(h5file, entries, aliases))
    if not _finds_every_group(h5file, entries):
        before = _whole_groups(h5file, walk_before_keras_rule(model))
        if _finds_every_group(h5file, before):
            return before
    return entries


def _finds_every_group(h5file, entries) -> bool:
    return all(join_path(path, "vars") in h5file for path, _, variables in entries if variables)


def _at_aliases(h5file, entries, aliases: dict) -> list:
    """`entries`, but a layer whose group is missing at its first path and present at another
    attribute holding it is read from there, with everything below it. Keras 3.0.0-3.0.2 saved
    MultiHeadAttention's projections at `_query_dense`, ... before `query_dense` was a property,
    and Keras loads them so (a load that fails at one path is retried at the next)."""
    out, moved = [], None
    for path, obj, variables in entries:
        if moved is not None and path.startswith(moved[0] + "/"):
            out.append((moved[1] + path[len(moved[0]):], obj, variables))
            continue
        moved = None
        if join_path(path, "vars") not in h5file:
            alias = next((a for a in aliases.get(path, ()) if join_path(a, "vars") in h5file), None)
            if alias is not None:
                moved, path = (path, alias), alias
        out.append((path, obj, variables))
    return out


def _whole_groups(h5file, entries) -> list:
    """`entries`, but a layer whose group in the file holds all its weights (`layer.weights`
    order) and nothing below it reads them from there: graphflow wrote MultiHeadAttention so
    before it had Keras's sub-layers, and those files still load."""
    out, whole = [], None
    for path, obj, variables in entries:
        if whole is not None and path.startswith(whole + "/"):
            continue            # below a layer read whole (the walk is depth first)
        whole = None
        group = h5file.get(join_path(path, "vars"))
        if path and obj is not None and not variables and group is not None and len(group) and \
                set(h5file[path].keys()) == {"vars"} and len(group) == len(obj.weights):
            out.append((path, obj, obj.weights))
            whole = path
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
    owner = next((o for p, o, _, _ in walk_owners(model) if p == path), None)
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
        weights, names = _weight_paths(layer)
        g = group.require_group(layer.name)
        g.attrs["weight_names"] = np.array([n.encode() for n in names], dtype=object) if names \
            else np.array([], dtype="float64")
        for name, w in zip(names, weights):
            g.create_dataset(name, data=w.numpy())


def _weight_paths(layer) -> tuple:
    """(`layer.weights`, their names as Keras 3's variable paths: `<layer>/<sub-layer>/.../<name>`),
    in the same order (`weights` walks the sub-layers depth first too). The names keep apart the
    weights of sub-layers (MultiHeadAttention's query/kernel and key/kernel, Bidirectional's
    forward and backward kernels), which the legacy layout lists by name."""
    weights, names, seen = [], [], set()

    def visit(owner, prefix, visited):
        if id(owner) in visited:
            return
        visited.add(id(owner))
        for w in owner._trainable_weights + owner._non_trainable_weights:
            if id(w) not in seen:
                seen.add(id(w))
                weights.append(w)
                names.append(f"{prefix}/{_short(w)}")
        for sub in owner._layers:
            visit(sub, f"{prefix}/{sub.name}", visited)

    visit(layer, layer.name, set())
    return weights, names


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
