"""Nested structures with TensorFlow's nest rules: lists, tuples, namedtuples, and dicts by sorted
key (insertion order when keys do not sort); None is a leaf. Used by tracing, tapes and control flow."""
from __future__ import annotations


def is_nested(x) -> bool:
    return isinstance(x, (list, tuple, dict))


def _sorted_keys(d) -> list:
    try:
        return sorted(d)
    except TypeError:          # keys of mixed types: keep insertion order
        return list(d)


def flatten(structure) -> list:
    """The leaves of a nested structure in TensorFlow's order (None is a leaf)."""
    out = []
    _flatten_into(structure, out)
    return out


def _flatten_into(s, out):
    if isinstance(s, dict):
        for k in _sorted_keys(s):
            _flatten_into(s[k], out)
    elif isinstance(s, (list, tuple)):
        for x in s:
            _flatten_into(x, out)
    else:
        out.append(s)


def signature(structure, leaf=lambda x: "."):
    """A hashable description of the nesting (container types, dict keys, and `leaf(x)` per leaf)."""
    if isinstance(structure, dict):
        keys = _sorted_keys(structure)
        return (type(structure).__name__, tuple(keys), tuple(signature(structure[k], leaf) for k in keys))
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return (type(structure), tuple(signature(x, leaf) for x in structure))
    if isinstance(structure, (list, tuple)):
        return (type(structure).__name__, tuple(signature(x, leaf) for x in structure))
    return leaf(structure)


def pack_as(structure, leaves):
    """Rebuild `structure` with `leaves` in `flatten` order (dicts keep their key order)."""
    it = iter(leaves)
    result = _pack(structure, it)
    return result


def _pack(s, it):
    if isinstance(s, dict):
        built = {k: _pack(s[k], it) for k in _sorted_keys(s)}
        return type(s)((k, built[k]) for k in s)
    if isinstance(s, tuple) and hasattr(s, "_fields"):
        return type(s)(*[_pack(x, it) for x in s])
    if isinstance(s, (list, tuple)):
        return type(s)(_pack(x, it) for x in s)
    return next(it)


def map_structure(fn, structure):
    return pack_as(structure, [fn(x) for x in flatten(structure)])
