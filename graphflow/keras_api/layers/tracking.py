"""What a checkpoint saves of a Keras layer: its attributes, its weights by their short names and
its sub-layers as `layer-N`, so a rebuilt model (even one not built yet) restores."""
from __future__ import annotations

from ...checkpoint.object_graph import is_trackable, restore_created
from .attribute_tracking import legacy_numbered_layers


def short_weight_name(var, layer) -> str:
    name = var.name.split(":")[0]
    prefix = layer.name + "/"
    return name[len(prefix):] if name.startswith(prefix) else name


def layer_checkpoint_dependencies(layer) -> dict:
    """Attributes by name (public ones, then private ones holding layers or weights, as TensorFlow
    names a Keras 3 layer's `_p`), then the weights by short name, then `layer-N` for the sub-layers
    graphflow numbered before it tracked private attributes, dicts and nested lists (so checkpoints
    written then restore into the same layers; see attribute_tracking.legacy_numbered_layers)."""
    attributes = sorted(vars(layer).items())
    deps = {name: value for name, value in attributes if not name.startswith("_") and is_trackable(value)}
    skip = _bookkeeping(type(layer))
    deps.update((name, value) for name, value in attributes
                if name.startswith("_") and not name.startswith("__") and name not in skip and is_trackable(value))
    for var in list(layer._trainable_weights) + list(layer._non_trainable_weights):
        deps.setdefault(short_weight_name(var, layer), var)
    for i, sub in enumerate(legacy_numbered_layers(layer)):
        deps[f"layer-{i}"] = sub
    return deps


def layer_tf_checkpoint_aliases(layer) -> dict:
    """The names TensorFlow's Keras 3 checkpoints give this layer's weights that graphflow's do not:
    `_kernel` (Keras 3 keeps `kernel` as a property over `_kernel`), so restoring a checkpoint
    TensorFlow wrote finds them (object_graph.restore_children)."""
    return {f"_{short_weight_name(var, layer)}": var
            for var in list(layer._trainable_weights) + list(layer._non_trainable_weights)}


_STORES = frozenset(("_layers", "_trainable_weights", "_non_trainable_weights", "_tracked_metrics"))


def _bookkeeping(cls) -> frozenset:
    """Private attributes a checkpoint does not follow: the tracking stores and graphflow's own state."""
    return cls._untracked_attributes | _STORES


def weight_created(layer, var, name: str | None = None) -> None:
    """A weight was just created: give it the value a restore left waiting for it (under `name`,
    by default its short name)."""
    name = name or short_weight_name(var, layer)
    restore_created(layer, name, var)
    restore_created(layer, f"_{name}", var)         # as a checkpoint TensorFlow wrote names it
