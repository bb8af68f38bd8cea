"""How masks flow through a layer call (Keras's rules): the `mask` (and `<arg>_mask`) arguments
of `call` are filled from the inputs' masks, and after the call `compute_mask` gives the
outputs theirs. A layer takes part when it sets `supports_masking` or overrides `compute_mask`.
"""
from __future__ import annotations

import inspect

from .. import nest
from ..masking import any_masks, get_mask, set_mask

_ARG_NAMES: dict = {}


def _arg_names(cls) -> list:
    names = _ARG_NAMES.get(cls)
    if names is None:
        params = list(inspect.signature(cls.call).parameters.values())[1:]
        names = _ARG_NAMES[cls] = [p.name for p in params
                                   if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    return names


def _masks_of(x):
    return nest.map_structure(get_mask, x)


def _any(masks) -> bool:
    if masks is None:
        return False
    return any(m is not None for m in nest.flatten(masks))


def fill_mask_arguments(layer, args, kwargs):
    """Put the inputs' masks into the `mask`/`<arg>_mask` arguments `call` takes; returns the
    mask of the first input (what `compute_mask` receives)."""
    if not any_masks() and kwargs.get("mask") is None:
        return None
    names = _arg_names(type(layer))
    if "mask" in names and kwargs.get("mask") is None:
        masks = _masks_of(args[0])
        if _any(masks):
            kwargs["mask"] = masks
    for name in names:
        if name.endswith("_mask") and kwargs.get(name) is None:
            source = name[:-5]
            value = kwargs.get(source)
            if value is None and source in names and names.index(source) < len(args):
                value = args[names.index(source)]
            if value is not None:
                masks = _masks_of(value)
                if _any(masks):
                    kwargs[name] = masks
    if kwargs.get("mask") is not None:
        return kwargs["mask"]
    return _masks_of(args[0])


def attach_output_masks(layer, inputs, outputs, previous_mask, default_compute_mask) -> None:
    """Give each output the mask `compute_mask` returns (unless the output already has one)."""
    overridden = type(layer).compute_mask is not default_compute_mask
    if not overridden and (previous_mask is None or not layer.supports_masking or not _any(previous_mask)):
        return
    flat_out = nest.flatten(outputs)
    if all(get_mask(t) is not None for t in flat_out):
        return
    masks = layer.compute_mask(inputs, previous_mask)
    if masks is None:
        return
    flat_masks = nest.flatten(masks)
    if len(flat_masks) == 1 and len(flat_out) > 1:
        flat_masks = flat_masks * len(flat_out)
    for t, m in zip(flat_out, flat_masks):
        if m is not None and get_mask(t) is None:
            set_mask(t, m)
