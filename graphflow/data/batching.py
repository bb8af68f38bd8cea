"""Batching: batch, padded_batch, unbatch, rebatch.  Components are stacked with numpy; a
component whose shapes differ inside a batch is an error naming it (padded_batch pads it)."""
from __future__ import annotations

import numpy as np

from ..errors import InvalidArgumentError
from ..shapes import TensorShape
from ..tensor_spec import TensorSpec
from . import rows, structure, vectorize
from .sources import INFINITE, UNKNOWN


def _size(value, what) -> int:
    n = int(structure.to_array(value))
    if n <= 0:
        raise InvalidArgumentError(None, None, f"{what}: batch_size must be greater than zero, got {n}")
    return n


def _batch_cardinality(n, size, drop_remainder) -> int:
    if n in (INFINITE, UNKNOWN):
        return n
    return n // size if drop_remainder else -(-n // size)


def _stack(elements, j, what):
    parts = [e[j] for e in elements]
    if isinstance(parts[0], bytes):       # string rows: keep TF's object array of bytes
        out = np.empty(len(parts), dtype=object)
        out[:] = parts
        return out
    try:
        return np.stack(parts)
    except ValueError:
        first = np.shape(parts[0])
        for i, p in enumerate(parts):
            if np.shape(p) != first:
                raise InvalidArgumentError(
                    None, None, f"{what}: Cannot batch tensors with different shapes in component {j}. First element "
                    f"had shape {list(first)} and element {i} had shape {list(np.shape(p))}. Use padded_batch to pad "
                    "them to a common shape.") from None
        raise


class Batch:
    def __init__(self, node, batch_size, drop_remainder=False):
        self.input = node
        self.size = _size(batch_size, "batch")
        self.drop_remainder = bool(drop_remainder)
        n = self.size if self.drop_remainder else None
        self.width = len(structure.flatten(node.spec))
        self.spec = structure.map_structure(lambda s: structure.batched(s, n), node.spec)
        self._vector_plan = False

    def cardinality(self) -> int:
        return _batch_cardinality(self.input.cardinality(), self.size, self.drop_remainder)

    def _vectorised(self):
        """(batches of the map's input, the map's batch function) when the map feeding this batch
        can run once per batch (see vectorize.py); None otherwise.  Decided on first use."""
        if self._vector_plan is False:
            self._vector_plan = None
            plan = vectorize.batch_plan(self.input)
            if plan is not None:
                inner, fn = plan
                batched_fn = vectorize.vectorise(fn)
                if batched_fn is not None:
                    self._vector_plan = (Batch(inner, self.size, self.drop_remainder), batched_fn)
        return self._vector_plan

    def slices_rows(self) -> bool:
        """True when each batch is one slice or gather of source rows (no function runs)."""
        return self._vectorised() is None and rows.row_plan(self.input) is not None

    def iterate(self):
        vector = self._vectorised()
        if vector is not None:
            batches, fn = vector
            for batch in batches.iterate():
                yield tuple(fn(batch))
            return
        plan = rows.row_plan(self.input)
        if plan is not None:
            yield from rows.gather_batches(*plan, self.size, self.drop_remainder)
            return
        size, width = self.size, self.width
        pending = []
        for element in self.input.iterate():
            pending.append(element)
            if len(pending) == size:
                yield tuple([_stack(pending, j, "batch") for j in range(width)])
                pending = []
        if pending and not self.drop_remainder:
            yield tuple([_stack(pending, j, "batch") for j in range(width)])


def _padded_shape(spec: TensorSpec, given, what) -> tuple:
    dims = spec.shape.dims
    if given is None:
        if dims is None:
            raise ValueError(f"{what}: a component of unknown rank needs an explicit padded_shapes entry ({spec})")
        return tuple(dims)
    given = getattr(given, "dims", given)
    if isinstance(given, int):
        given = (given,)
    shape = tuple(None if d is None or int(d) < 0 else int(d) for d in structure.to_array(
        [(-1 if d is None else d) for d in given]).tolist()) if len(given) else ()
    if dims is not None and len(dims) != len(shape):
        raise ValueError(f"{what}: padded shape {list(shape)} has rank {len(shape)} but the component has rank "
                         f"{len(dims)} ({spec})")
    if dims is not None:
        for d, p in zip(dims, shape):
            if d is not None and p is not None and p < d:
                raise ValueError(f"{what}: the padded shape {list(shape)} is not compatible with the shape "
                                 f"{list(dims)} of the component")
    return shape


def _default_padding(dtype):
    """TF pads with 0, False, or the empty string."""
    return np.array(b"", dtype=object) if dtype.np == np.object_ else np.zeros((), dtype.np)


class PaddedBatch:
    """`padded_batch`: each component padded to `padded_shapes` (unknown dims: to the batch's
    longest) with `padding_values` (default 0 / False)."""

    def __init__(self, node, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False):
        self.input = node
        self.size = _size(batch_size, "padded_batch")
        self.drop_remainder = bool(drop_remainder)
        specs = structure.flatten(node.spec)
        shapes = [None] * len(specs) if padded_shapes is None else _flatten_like(node.spec, padded_shapes)
        values = [None] * len(specs) if padding_values is None else _flatten_like(node.spec, padding_values)
        self.shapes = [_padded_shape(s, g, "padded_batch") for s, g in zip(specs, shapes)]
        self.values = [_default_padding(s.dtype) if v is None else structure.to_array(v, s.dtype)
                       for s, v in zip(specs, values)]
        n = self.size if self.drop_remainder else None
        self.spec = structure.pack(node.spec, [TensorSpec(TensorShape((n,) + shape), s.dtype)
                                               for shape, s in zip(self.shapes, specs)])

    def cardinality(self) -> int:
        return _batch_cardinality(self.input.cardinality(), self.size, self.drop_remainder)

    def _pad(self, pending, j):
        parts = [structure.leaf_array(e[j]) for e in pending]
        target = self.shapes[j]
        ranks = {np.ndim(p) for p in parts}
        if len(ranks) > 1:
            raise InvalidArgumentError(None, None, f"padded_batch: component {j} has elements of different ranks")
        full = tuple(max(np.shape(p)[k] for p in parts) if d is None else d for k, d in enumerate(target))
        out = np.full((len(parts),) + full, self.values[j], dtype=parts[0].dtype)
        for i, p in enumerate(parts):
            shape = np.shape(p)
            if any(s > f for s, f in zip(shape, full)):
                raise InvalidArgumentError(None, None, f"padded_batch: Attempted to pad to a smaller size than the "
                                           f"input element: component {j}, element shape {list(shape)}, padded "
                                           f"shape {list(full)}")
            out[(i,) + tuple(slice(0, s) for s in shape)] = p[()] if p.ndim == 0 else p
        return out

    def iterate(self):
        pending = []
        width = len(self.shapes)
        for element in self.input.iterate():
            pending.append(element)
            if len(pending) == self.size:
                yield tuple(self._pad(pending, j) for j in range(width))
                pending = []
        if pending and not self.drop_remainder:
            yield tuple(self._pad(pending, j) for j in range(width))


def _flatten_like(spec, value) -> list:
    """`value` (padded shapes or values) flattened to `spec`'s components; a single value serves all."""
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise TypeError(f"padded_batch: expected a dict like {spec}, got {value!r}")
        return [x for k in sorted(spec) for x in _flatten_like(spec[k], value[k])]
    if isinstance(spec, tuple):
        if not isinstance(value, tuple) or len(value) != len(spec):
            raise TypeError(f"padded_batch: expected a tuple of {len(spec)} like {spec}, got {value!r}")
        return [x for s, v in zip(spec, value) for x in _flatten_like(s, v)]
    return [value]


class Unbatch:
    def __init__(self, node):
        self.input = node
        self.spec = structure.map_structure(lambda s: structure.unbatched(s, "unbatch"), node.spec)

    def cardinality(self) -> int:
        n = self.input.cardinality()
        if n == INFINITE or n == 0:
            return n
        leading = {structure.leading_dim(s) for s in structure.flatten(self.input.spec)}
        if n == UNKNOWN or len(leading) != 1 or None in leading:
            return UNKNOWN
        return n * leading.pop()        # every batch has the same static size

    def iterate(self):
        for element in self.input.iterate():
            sizes = {len(a) for a in element}
            if len(sizes) > 1:
                raise InvalidArgumentError(None, None, f"unbatch: components have different leading sizes "
                                           f"{[a.shape for a in element]}")
            n = sizes.pop() if sizes else 0
            if len(element) == 1:
                (a,) = element
                for i in range(n):
                    yield (a[i],)
            else:
                for i in range(n):
                    yield tuple([a[i] for a in element])


class Rebatch:
    """`rebatch(batch_size)`: the same elements regrouped into batches of `batch_size` (a list
    of sizes is used in turn), as unbatch().batch() would."""

    def __init__(self, node, batch_size, drop_remainder=False):
        self.input = node
        sizes = structure.to_array(batch_size).reshape(-1).tolist()
        if not sizes or any(s <= 0 for s in sizes):
            raise InvalidArgumentError(None, None, f"rebatch: batch sizes must be positive, got {sizes}")
        self.sizes = [int(s) for s in sizes]
        self.drop_remainder = bool(drop_remainder)
        fixed = self.sizes[0] if self.drop_remainder and len(set(self.sizes)) == 1 else None
        self.spec = structure.map_structure(
            lambda s: structure.batched(structure.unbatched(s, "rebatch"), fixed), node.spec)
        self.width = len(structure.flatten(node.spec))

    def cardinality(self) -> int:
        n = self.input.cardinality()
        return n if n in (INFINITE, UNKNOWN) else UNKNOWN

    def iterate(self):
        pending, k = [], 0
        for element in Unbatch(self.input).iterate():
            pending.append(element)
            if len(pending) == self.sizes[k]:
                yield tuple(_stack(pending, j, "rebatch") for j in range(self.width))
                pending, k = [], (k + 1) % len(self.sizes)
        if pending and not self.drop_remainder:
            yield tuple(_stack(pending, j, "rebatch") for j in range(self.width))
