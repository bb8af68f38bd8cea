"""Nested structures (lists, tuples, dicts) of tensors: flatten, map and rebuild.

Layers take and return such structures (Concatenate takes a list, a model may return a dict).
"""
from __future__ import annotations


def flatten(structure) -> list:
    if isinstance(structure, (list, tuple)):
        out = []
        for s in structure:
            out.extend(flatten(s))
        return out
    if isinstance(structure, dict):
        out = []
        for k in sorted(structure):
            out.extend(flatten(structure[k]))
        return out
    return [structure]


def map_structure(fn, structure):
    if isinstance(structure, list):
        return [map_structure(fn, s) for s in structure]
    if isinstance(structure, tuple):
        return tuple(map_structure(fn, s) for s in structure)
    if isinstance(structure, dict):
        return {k: map_structure(fn, v) for k, v in structure.items()}
    return fn(structure)


def pack_sequence_as(structure, flat: list):
    """Rebuild `structure` with the leaves taken in order from `flat`."""
    it = iter(flat)

    def take(s):
        if isinstance(s, list):
            return [take(x) for x in s]
        if isinstance(s, tuple):
            return tuple(take(x) for x in s)
        if isinstance(s, dict):
            return _take_dict(s)
        return next(it)

    def _take_dict(s):
        values = {k: take(s[k]) for k in sorted(s)}
        return {k: values[k] for k in s}

    return take(structure)


def any_leaf(pred, structure) -> bool:
    if isinstance(structure, (list, tuple)):
        return any(any_leaf(pred, s) for s in structure)
    if isinstance(structure, dict):
        return any(any_leaf(pred, s) for s in structure.values())
    return pred(structure)
