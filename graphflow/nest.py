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


def map_structure(fn, *structures, check_types=True, expand_composites=False):
    """fn applied to the leaves (fn(*leaves) for several structures of the same nesting)."""
    if not structures:
        raise ValueError("map_structure: must have at least one structure")
    for other in structures[1:]:
        assert_same_structure(structures[0], other, check_types=check_types)
    flats = [flatten(s) for s in structures]
    return pack_as(structures[0], [fn(*xs) for xs in zip(*flats)])


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """`structure` rebuilt with the leaves of `flat_sequence` (ValueError if the counts differ)."""
    if not is_nested(flat_sequence):
        raise TypeError(f"flat_sequence must be a sequence, got {type(flat_sequence).__name__}")
    flat_sequence = list(flat_sequence)
    if not is_nested(structure):
        if len(flat_sequence) != 1:
            raise ValueError(f"Structure is a scalar but len(flat_sequence) == {len(flat_sequence)} > 1")
        return flat_sequence[0]
    n = len(flatten(structure))
    if n != len(flat_sequence):
        raise ValueError(f"Could not pack sequence. Structure had {n} atoms, but flat_sequence had "
                         f"{len(flat_sequence)} items. Structure: {structure}, flat_sequence: {flat_sequence}.")
    return pack_as(structure, flat_sequence)


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    """ValueError unless both have the same nesting (same dict keys, same lengths); with
    `check_types`, TypeError when a container's type differs (list vs tuple, namedtuple types)."""
    _same(nest1, nest2, check_types, nest1, nest2)


def _same(a, b, check_types, top1, top2):
    na, nb = is_nested(a), is_nested(b)
    if na != nb or (na and len(a) != len(b)):
        raise ValueError(f"The two structures don't have the same nested structure.\n\nFirst structure: {top1}"
                         f"\n\nSecond structure: {top2}")
    if not na:
        return
    if check_types and type(a) is not type(b) and not (isinstance(a, dict) and isinstance(b, dict)):
        raise TypeError(f"The two structures don't have the same sequence type. Input structure has type "
                        f"{type(a)}, while shallow structure has type {type(b)}.")
    if isinstance(a, dict):
        if _sorted_keys(a) != _sorted_keys(b):
            raise ValueError(f"The two dictionaries don't have the same set of keys. First structure has keys "
                             f"{_sorted_keys(a)}, while second structure has keys {_sorted_keys(b)}.")
        for k in _sorted_keys(a):
            _same(a[k], b[k], check_types, top1, top2)
    else:
        for x, y in zip(a, b):
            _same(x, y, check_types, top1, top2)
