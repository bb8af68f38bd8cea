"""tf.queue (FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue, PriorityQueue) and tf.experimental.Optional.

A queue is a Python object holding numpy elements; enqueue/dequeue/size/close are stateful ops that
carry it in their attrs, so the same program works eagerly and in graphs (each Session.run of a
dequeue takes the next element). graphflow runs one thread, so a dequeue that would wait forever
(an empty queue) fails with OutOfRangeError instead of blocking.
"""
from __future__ import annotations

import itertools
import types

import numpy as np

from ... import dtypes
from ...errors import FailedPreconditionError, OutOfRangeError
from ...shapes import TensorShape
from .. import random as _random_ops
from ..convert import convert_to_tensor
from ..dispatch import apply
from ..registry import OpDef, Spec, register
from ..registry import get as _get_op


class _Store:
    """The elements of one queue (tuples of numpy arrays) and its closed flag."""

    _ids = itertools.count()

    def __init__(self, kind, capacity, key=None):
        self.kind, self.capacity, self.key = kind, capacity, key
        self.items: list = []
        self.closed = False
        self.id = next(self._ids)

    def __hash__(self):
        return self.id

    def put(self, components):
        if self.closed:     # TensorFlow: CancelledError; graphflow's nearest class says the same
            raise FailedPreconditionError(None, None, "Queue is closed.")
        if self.capacity is not None and len(self.items) >= self.capacity:
            raise OutOfRangeError(None, None, f"Queue is full (capacity {self.capacity}); graphflow runs one thread "
                                              "and cannot wait for a dequeue")
        self.items.append(tuple(np.array(c, copy=True) for c in components))

    def take(self, n):
        if len(self.items) < n:
            state = "closed and has" if self.closed else "has"
            raise OutOfRangeError(None, None, f"Queue {state} insufficient elements (requested {n}, current size "
                                              f"{len(self.items)})")
        if self.kind == "random":
            gen = _random_ops.generator(self.key)
            picks = sorted(gen.choice(len(self.items), size=n, replace=False).tolist(), reverse=True)
            return [self.items.pop(i) for i in picks]
        if self.kind == "priority":
            self.items.sort(key=lambda item: int(item[0]))
        taken, self.items = self.items[:n], self.items[n:]
        return taken


def _enqueue_infer(*components, store, many):
    return []


def _enqueue(*components, store, many):
    if many:
        for row in zip(*components):
            store.put(row)
    else:
        store.put(components)
    return ()


def _dequeue_infer(*_, store, dtypes_, shapes, n):
    lead = () if n is None else (n,)
    return [Spec(TensorShape(None if s is None else lead + tuple(s)), d) for d, s in zip(dtypes_, shapes)]


def _dequeue(*_, store, dtypes_, shapes, n):
    items = store.take(1 if n is None else n)
    if n is None:
        return tuple(np.asarray(c, d.np) for c, d in zip(items[0], dtypes_))
    out = []
    for k, d in enumerate(dtypes_):
        parts = [item[k] for item in items]
        if store.kind == "padding" and parts:
            shape = np.max([p.shape for p in parts], axis=0) if parts[0].ndim else ()
            parts = [np.pad(p, [(0, int(m) - s) for s, m in zip(p.shape, shape)]) for p in parts]
        out.append(np.stack(parts).astype(d.np) if parts else np.zeros((0,), d.np))
    return tuple(out)


def _size_infer(store):
    return [Spec(TensorShape(()), dtypes.int32)]


def _size(store):
    return np.int32(len(store.items))


def _close_infer(store, cancel_pending_enqueues=False):
    return []


def _close(store, cancel_pending_enqueues=False):
    store.closed = True
    return ()


register(OpDef("QueueEnqueue", _enqueue_infer, _enqueue, num_outputs=0, stateful=True, differentiable=False))
register(OpDef("QueueDequeue", _dequeue_infer, _dequeue, num_outputs=-1, stateful=True, differentiable=False))
register(OpDef("QueueSize", _size_infer, _size, stateful=True, differentiable=False))
register(OpDef("QueueClose", _close_infer, _close, num_outputs=0, stateful=True, differentiable=False))


class QueueBase:
    """A queue of tuples of tensors with fixed dtypes (and, optionally, shapes and names)."""

    _kind = "fifo"

    def __init__(self, capacity, dtypes_, shapes=None, names=None, shared_name=None, name="queue", seed=None):
        single = not isinstance(dtypes_, (list, tuple))
        self._dtypes = [dtypes.as_dtype(d) for d in ([dtypes_] if single else dtypes_)]
        if self._kind == "priority":
            self._dtypes = [dtypes.int64] + self._dtypes
        if shapes is not None:
            shapes = [shapes] if single and not (shapes and isinstance(shapes[0], (list, tuple, TensorShape))) \
                else list(shapes)
            if self._kind == "priority":
                shapes = [[]] + shapes
            self._shapes = [TensorShape(s).as_list() if TensorShape(s).dims is not None else None for s in shapes]
        else:
            self._shapes = [None] * len(self._dtypes)
        self._names = names
        self._single = single and names is None and self._kind != "priority"
        key = _random_ops.op_key(seed) if self._kind == "random" else None
        self._store = _Store(self._kind, None if capacity is None or capacity < 0 else int(capacity), key)
        self.name = name

    dtypes = property(lambda self: self._dtypes)
    shapes = property(lambda self: self._shapes)
    names = property(lambda self: self._names)

    def _components(self, vals, many):
        if isinstance(vals, dict):
            vals = [vals[n] for n in self._names]
        elif not isinstance(vals, (list, tuple)):
            vals = [vals]
        if len(vals) != len(self._dtypes):
            raise ValueError(f"Expected {len(self._dtypes)} components, got {len(vals)}")
        return tuple(convert_to_tensor(v, dtype=d) for v, d in zip(vals, self._dtypes))

    def enqueue(self, vals, name=None):
        return apply(_get_op("QueueEnqueue"), self._components(vals, False), {"store": self._store, "many": False})

    def enqueue_many(self, vals, name=None):
        return apply(_get_op("QueueEnqueue"), self._components(vals, True), {"store": self._store, "many": True})

    def _unpack(self, out):
        out = list(out) if isinstance(out, (list, tuple)) else [out]
        if self._names is not None:
            return dict(zip(self._names, out))
        return out[0] if self._single else out

    def dequeue(self, name=None):
        return self._unpack(apply(_get_op("QueueDequeue"), (), {"store": self._store, "dtypes_": tuple(self._dtypes),
                                                                "shapes": _hashable(self._shapes), "n": None}))

    def dequeue_many(self, n, name=None):
        return self._unpack(apply(_get_op("QueueDequeue"), (), {"store": self._store, "dtypes_": tuple(self._dtypes),
                                                                "shapes": _hashable(self._shapes), "n": int(n)}))

    def dequeue_up_to(self, n, name=None):
        return self.dequeue_many(min(int(n), len(self._store.items)) if self._store.closed else n)

    def size(self, name=None):
        return apply(_get_op("QueueSize"), (), {"store": self._store})

    def close(self, cancel_pending_enqueues=False, name=None):
        return apply(_get_op("QueueClose"), (), {"store": self._store,
                                                 "cancel_pending_enqueues": bool(cancel_pending_enqueues)})

    def is_closed(self, name=None):
        return convert_to_tensor(self._store.closed)


def _hashable(shapes):
    return tuple(None if s is None else tuple(s) for s in shapes)


class FIFOQueue(QueueBase):
    """Elements come out in the order they went in."""

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None, name="fifo_queue"):  # noqa: A002
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)


class PaddingFIFOQueue(QueueBase):
    """A FIFO queue whose dequeue_many pads the elements' dims to the batch's largest (with zeros)."""

    _kind = "padding"

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None, name="padding_fifo_queue"):  # noqa: A002
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)


class RandomShuffleQueue(QueueBase):
    """Elements come out in a random order (seeded like the random ops)."""

    _kind = "random"

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None, seed=None,  # noqa: A002
                 shared_name=None, name="random_shuffle_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name, seed)
        self.min_after_dequeue = min_after_dequeue


class PriorityQueue(QueueBase):
    """Elements are (priority int64, components...); the lowest priority comes out first."""

    _kind = "priority"

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None, name="priority_queue"):  # noqa: A002
        super().__init__(capacity, types, shapes, names, shared_name, name)


queue = types.ModuleType("graphflow.queue")
queue.__dict__.update(QueueBase=QueueBase, FIFOQueue=FIFOQueue, PaddingFIFOQueue=PaddingFIFOQueue,
                      RandomShuffleQueue=RandomShuffleQueue, PriorityQueue=PriorityQueue)


# ---- tf.experimental.Optional ---------------------------------------------------------------------------

class Optional:
    """A value that may be absent: Optional.from_value(v) or Optional.empty(spec)."""

    def __init__(self, value=None, present=False, element_spec=None):
        self._value, self._present, self._spec = value, present, element_spec

    @staticmethod
    def from_value(value):
        from ...nest import map_structure
        value = map_structure(convert_to_tensor, value)
        return Optional(value, True)

    @staticmethod
    def empty(element_spec):
        return Optional(None, False, element_spec)

    def has_value(self, name=None):
        return convert_to_tensor(self._present)

    def get_value(self, name=None):
        if not self._present:
            from ...errors import InvalidArgumentError
            raise InvalidArgumentError(None, "OptionalGetValue", "The optional variant does not have a value.")
        return self._value

    @property
    def element_spec(self):
        if self._present:
            from ...nest import map_structure
            from ...tensor_spec import TensorSpec
            return map_structure(TensorSpec.from_tensor, self._value)
        return self._spec


experimental = types.ModuleType("graphflow.experimental")
experimental.__dict__.update(Optional=Optional)
