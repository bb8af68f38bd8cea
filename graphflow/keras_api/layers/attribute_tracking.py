"""Which sub-layers, weights and metrics a layer owns: Keras 3's attribute tracking
(keras/src/utils/tracking.py, `Layer.__setattr__`).

Every attribute a layer is given is tracked, private ones included: a Layer (not the layer
itself) goes to `_layers`, a Variable to `_trainable_weights` / `_non_trainable_weights`, a Metric
to `_tracked_metrics`, each once, in the order they were first assigned. Lists, tuples, dicts and
sets are entered at any depth; lists, dicts and sets are replaced by tracking copies
(`TrackedList`, `TrackedDict`, `TrackedSet`) so layers added later (`self.blocks.append(...)`)
are tracked too and those removed (`pop`, `remove`, `clear`, `del` from a list) are untracked.

As in Keras, reassigning or deleting an attribute does not untrack a layer held there (only a
deleted Variable is untracked). Unlike Keras 3 with its TensorFlow backend, graphflow has one
Variable class, so `self.w = gf.Variable(...)` is a weight too, and an item set into a tracked
list (`self.blocks[0] = Dense(3)`) is tracked: both are silently left untrained by Keras.
"""
from __future__ import annotations

import weakref
from collections import OrderedDict

from ...variables import Variable
from ..metric_base import Metric

_PLAIN = frozenset((type(None), bool, int, float, str, bytes))


class Tracker:
    """Tracks what is added to one layer's containers into that layer's stores (read from its
    `__dict__` each time, so a store replaced wholesale stays current). It holds the layer weakly:
    a container does not keep its layer alive."""

    __slots__ = ("_owner",)

    def __init__(self, owner):
        self._owner = weakref.ref(owner)

    def track(self, value):
        owner = self._owner()
        return value if owner is None else track(owner, value)

    def untrack(self, value) -> None:
        owner = self._owner()
        if owner is not None:
            untrack(owner, value)


_LAYER_CLASS = []    # [Layer], set by layers/base.py (which imports this module)


def register_layer_class(cls) -> None:
    _LAYER_CLASS[:] = [cls]


def track(owner, value, legacy: bool = False):
    """`value` with its lists, dicts and sets replaced by tracking copies; the layers, variables
    and metrics in it now belong to `owner`. `legacy`: `value` was assigned to a public attribute
    (graphflow tracked only those, and the layers directly in their lists, before it tracked as
    Keras does; see `legacy_numbered_layers`)."""
    if type(value) in _PLAIN:
        return value
    layer_cls = _LAYER_CLASS[0]
    d = owner.__dict__
    if isinstance(value, Metric):
        _add(d["_tracked_metrics"], value)
    elif isinstance(value, layer_cls):
        if value is not owner:
            if _add(d["_layers"], value):
                if not legacy:
                    d["_unnumbered_layers"].add(id(value))
            elif legacy:
                d["_unnumbered_layers"].discard(id(value))
    elif isinstance(value, Variable):
        trainable, non_trainable = d["_trainable_weights"], d["_non_trainable_weights"]
        if not any(value is x for x in trainable) and not any(value is x for x in non_trainable):
            (trainable if value.trainable else non_trainable).append(value)
    elif isinstance(value, tuple):
        items = [track(owner, v, legacy and isinstance(v, layer_cls)) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    elif isinstance(value, list):
        items = [track(owner, v, legacy and isinstance(v, layer_cls)) for v in value]
        return TrackedList(items, tracker=_tracker(owner))
    elif isinstance(value, dict):
        items = [(k, track(owner, v)) for k, v in value.items()]
        return (TrackedOrderedDict if isinstance(value, OrderedDict) else TrackedDict)(items, tracker=_tracker(owner))
    elif isinstance(value, set):
        return TrackedSet([track(owner, v) for v in value], tracker=_tracker(owner))
    return value


def _tracker(owner) -> Tracker:
    """The layer's tracker (a new one for a copied layer, whose copied tracker is its original's)."""
    tracker = owner.__dict__.get("_tracker")
    if tracker is None or tracker._owner() is not owner:
        tracker = owner.__dict__["_tracker"] = Tracker(owner)
    return tracker


def _add(store: list, value) -> bool:
    if any(value is x for x in store):
        return False
    store.append(value)
    return True


def untrack(owner, value) -> None:
    """`value` no longer belongs to `owner` (removed from a tracked container, or a deleted Variable)."""
    d = owner.__dict__
    for store in ("_layers", "_trainable_weights", "_non_trainable_weights", "_tracked_metrics"):
        items = d.get(store)
        if items is not None:
            for i, x in enumerate(items):
                if x is value:
                    del items[i]
                    break
    d.get("_unnumbered_layers", set()).discard(id(value))


def legacy_numbered_layers(layer) -> list:
    """The sub-layers graphflow tracked before it tracked private attributes, dicts and nested
    containers (those of public attributes, directly or one list deep, and those added to
    `_layers` by graphflow itself), in `_layers` order: a checkpoint names them `layer-N` and
    files written then are laid out by them, so those still restore into the same layers."""
    unnumbered = layer.__dict__.get("_unnumbered_layers", ())
    return [sub for sub in layer._layers if id(sub) not in unnumbered]


class _Tracking:
    """What the tracking containers share: the tracker of the layer they belong to (None when
    rebuilt outside a layer, e.g. by a nest map: then they are plain containers)."""

    def __init__(self, values=(), tracker=None):
        self._tracker = None            # the values are tracked already (OrderedDict's init sets items)
        super().__init__(values)
        self._tracker = tracker

    def _track(self, value):
        return self._tracker.track(value) if self._tracker is not None else value

    def _untrack(self, value):
        if self._tracker is not None:
            self._tracker.untrack(value)

    def __deepcopy__(self, memo):
        """A copy that tracks into the copy of its layer (when the layer is being copied too)."""
        import copy
        owner = self._tracker._owner() if self._tracker is not None else None
        tracker = _tracker(memo[id(owner)]) if owner is not None and id(owner) in memo else None
        items = self.items() if isinstance(self, dict) else self
        copied = type(self)(copy.deepcopy(list(items), memo))
        copied._tracker = tracker
        memo[id(self)] = copied
        return copied


class TrackedList(_Tracking, list):
    """A list attribute of a layer: what is added is tracked, what is removed untracked."""

    def append(self, value):
        super().append(self._track(value))

    def insert(self, index, value):
        super().insert(index, self._track(value))

    def extend(self, values):
        super().extend([self._track(v) for v in values])

    def __iadd__(self, values):
        self.extend(values)
        return self

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            value = [self._track(v) for v in value]
        else:
            value = self._track(value)
        super().__setitem__(index, value)

    def remove(self, value):
        for i, x in enumerate(self):
            if x is value or x == value:
                del self[i]
                return
        raise ValueError(f"{value!r} is not in list")

    def pop(self, index=-1):
        value = super().pop(index)
        self._untrack(value)
        return value

    def clear(self):
        for value in self:
            self._untrack(value)
        super().clear()

    def __delitem__(self, index):
        removed = self[index] if isinstance(index, slice) else [self[index]]
        super().__delitem__(index)
        for value in removed:
            self._untrack(value)

    def __reduce_ex__(self, protocol):
        return list, (list(self),)


class TrackedDict(_Tracking, dict):
    """A dict attribute of a layer: values set are tracked, values popped untracked."""

    def __setitem__(self, key, value):
        super().__setitem__(key, self._track(value))

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    # `del d[key]` keeps the value tracked, as Keras's TrackedDict does (only pop/popitem/clear untrack)

    def pop(self, key, *default):
        if key not in self:
            if default:
                return default[0]
            raise KeyError(key)
        value = super().pop(key)
        self._untrack(value)
        return value

    def popitem(self):
        key, value = super().popitem()
        self._untrack(value)
        return key, value

    def clear(self):
        for value in self.values():
            self._untrack(value)
        super().clear()

    def __reduce_ex__(self, protocol):
        return dict, (dict(self),)


class TrackedOrderedDict(TrackedDict, OrderedDict):
    """An OrderedDict attribute of a layer, tracked as a dict is."""

    def popitem(self, last=True):
        key, value = OrderedDict.popitem(self, last=last)
        self._untrack(value)
        return key, value

    def __reduce_ex__(self, protocol):
        return OrderedDict, (list(self.items()),)


class TrackedSet(_Tracking, set):
    """A set attribute of a layer: what is added is tracked, what is removed untracked."""

    def add(self, value):
        super().add(self._track(value))

    def update(self, *others):
        for other in others:
            for value in other:
                self.add(value)

    def remove(self, value):
        super().remove(value)
        self._untrack(value)

    def discard(self, value):
        if value in self:
            self.remove(value)

    def pop(self):
        value = super().pop()
        self._untrack(value)
        return value

    def clear(self):
        for value in list(self):
            self.remove(value)

    def __reduce_ex__(self, protocol):
        return set, (set(self),)
