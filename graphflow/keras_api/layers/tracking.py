"""What a checkpoint saves of a Keras layer: its public attributes, its weights by their short
names and its sub-layers as `layer-N`, so a rebuilt model (even one not built yet) restores."""
from __future__ import annotations

from ...checkpoint.object_graph import is_trackable, restore_created


def short_weight_name(var, layer) -> str:
    name = var.name.split(":")[0]
    prefix = layer.name + "/"
    return name[len(prefix):] if name.startswith(prefix) else name


def layer_checkpoint_dependencies(layer) -> dict:
    deps = {name: value for name, value in sorted(vars(layer).items())
            if not name.startswith("_") and is_trackable(value)}
    for var in list(layer._trainable_weights) + list(layer._non_trainable_weights):
        deps.setdefault(short_weight_name(var, layer), var)
    for i, sub in enumerate(layer._layers):
        deps[f"layer-{i}"] = sub
    return deps


def weight_created(layer, var, name: str | None = None) -> None:
    """A weight was just created: give it the value a restore left waiting for it (under `name`,
    by default its short name)."""
    restore_created(layer, name or short_weight_name(var, layer), var)
