"""Element-by-element transformations: map, filter, repeat, take, skip, enumerate, shard,
window, flat_map, interleave, scan, take_while.  Nodes as in `sources`."""
from __future__ import annotations

import numpy as np

from ..dtypes import int64
from ..eager.tensor import EagerTensor
from ..errors import InvalidArgumentError
from ..shapes import TensorShape
from ..tensor_spec import TensorSpec
from . import functions, structure
from .parallel import background
from .sources import INFINITE, UNKNOWN, normalise


def _count(value, what: str) -> int:
    try:
        return int(structure.to_array(value))
    except (TypeError, ValueError):
        raise TypeError(f"{what}: expected an integer, got {value!r}") from None


class Map:
    """`map` on one thread: the traced function on each element in order."""

    def __init__(self, node, fn, what="map"):
        self.input = node
        self.fn = functions.trace_element_function(fn, node.spec, what)
        self.spec = self.fn.output_spec

    def cardinality(self) -> int:
        return self.input.cardinality()

    def iterate(self):
        fn = self.fn
        for element in self.input.iterate():
            yield tuple(fn(element))


class Filter:
    def __init__(self, node, predicate):
        self.input = node
        self.spec = node.spec
        self.fn = functions.trace_predicate(predicate, node.spec, "filter")

    def cardinality(self) -> int:
        return UNKNOWN

    def iterate(self):
        fn = self.fn
        for element in self.input.iterate():
            if fn(element)[0]:
                yield element


class TakeWhile:
    def __init__(self, node, predicate):
        self.input = node
        self.spec = node.spec
        self.fn = functions.trace_predicate(predicate, node.spec, "take_while")

    def cardinality(self) -> int:
        return UNKNOWN

    def iterate(self):
        fn = self.fn
        for element in self.input.iterate():
            if not fn(element)[0]:
                return
            yield element


class Repeat:
    """`repeat(count)`: count passes (None or -1: forever); each pass re-iterates the input, so a
    reshuffling shuffle gives a new order per pass."""

    def __init__(self, node, count=None):
        self.input = node
        self.spec = node.spec
        self.count = -1 if count is None else _count(count, "repeat")

    def cardinality(self) -> int:
        n = self.input.cardinality()
        if self.count == 0 or n == 0:
            return 0
        if self.count < 0 or n == INFINITE:
            return INFINITE
        if n == UNKNOWN:
            return UNKNOWN
        return n * self.count

    def iterate(self):
        passes = 0
        while self.count < 0 or passes < self.count:
            produced = False
            for element in self.input.iterate():
                produced = True
                yield element
            passes += 1
            if not produced:      # an empty input repeated forever is still empty
                return


class Take:
    def __init__(self, node, count):
        self.input = node
        self.spec = node.spec
        self.count = _count(count, "take")

    def cardinality(self) -> int:
        n = self.input.cardinality()
        if self.count < 0:
            return n
        if n == UNKNOWN:
            return UNKNOWN
        return self.count if n == INFINITE else min(n, self.count)

    def iterate(self):
        if self.count == 0:
            return
        it = self.input.iterate()
        for i, element in enumerate(it):
            yield element
            if i + 1 == self.count:
                it.close()
                return


class Skip:
    def __init__(self, node, count):
        self.input = node
        self.spec = node.spec
        self.count = _count(count, "skip")

    def cardinality(self) -> int:
        n = self.input.cardinality()
        if n < 0:
            return n
        return 0 if self.count < 0 else max(0, n - self.count)

    def iterate(self):
        for i, element in enumerate(self.input.iterate()):
            if self.count < 0:
                continue
            if i >= self.count:
                yield element


class Enumerate:
    def __init__(self, node, start=0):
        self.input = node
        self.start = _count(start, "enumerate")
        self.spec = (TensorSpec(TensorShape(()), int64), node.spec)

    def cardinality(self) -> int:
        return self.input.cardinality()

    def iterate(self):
        for i, element in enumerate(self.input.iterate(), self.start):
            yield (np.int64(i),) + element


class Shard:
    def __init__(self, node, num_shards, index):
        self.input = node
        self.spec = node.spec
        self.num_shards, self.index = _count(num_shards, "shard"), _count(index, "shard")
        if self.num_shards <= 0:
            raise InvalidArgumentError(None, None, f"shard: num_shards must be > 0, got {self.num_shards}")
        if not 0 <= self.index < self.num_shards:
            raise InvalidArgumentError(None, None, f"shard: index must be in [0, num_shards={self.num_shards}), "
                                       f"got {self.index}")

    def cardinality(self) -> int:
        n = self.input.cardinality()
        if n < 0:
            return n
        return n // self.num_shards + (1 if self.index < n % self.num_shards else 0)

    def iterate(self):
        k, i = self.num_shards, self.index
        for j, element in enumerate(self.input.iterate()):
            if j % k == i:
                yield element


class Elements:
    """A finite list of flat elements as a node: the datasets `window` makes."""

    def __init__(self, elements, spec):
        self.elements, self.spec = elements, spec

    def cardinality(self) -> int:
        return len(self.elements)

    def iterate(self):
        yield from self.elements


class DatasetSpec:
    """The spec of an element that is itself a dataset (what `window` yields)."""

    def __init__(self, element_spec):
        self.element_spec = element_spec

    def __eq__(self, other):
        return isinstance(other, DatasetSpec) and other.element_spec == self.element_spec

    def __hash__(self):
        return hash(repr(self.element_spec))

    def __repr__(self):
        return f"DatasetSpec({self.element_spec!r}, TensorShape([]))"


class Window:
    """`window(size, shift, stride, drop_remainder)`: each element a structure of datasets of
    `size` consecutive (every `stride`-th) elements, windows starting `shift` apart."""

    def __init__(self, node, size, shift=None, stride=1, drop_remainder=False):
        self.input = node
        self.size = _count(size, "window")
        self.shift = self.size if shift is None else _count(shift, "window")
        self.stride = _count(stride, "window")
        for name, v in (("size", self.size), ("shift", self.shift), ("stride", self.stride)):
            if v <= 0:
                raise InvalidArgumentError(None, None, f"window: {name} must be positive, got {v}")
        self.drop_remainder = bool(drop_remainder)
        self.specs = structure.flatten(node.spec)
        self.spec = structure.pack(node.spec, [DatasetSpec(s) for s in self.specs])

    def cardinality(self) -> int:
        n = self.input.cardinality()
        if n < 0:
            return n
        span = (self.size - 1) * self.stride + 1
        if self.drop_remainder:
            return 0 if n < span else (n - span) // self.shift + 1
        return -(-n // self.shift)

    def iterate(self):
        it = self.input.iterate()
        span = (self.size - 1) * self.stride + 1
        buffer: list = []
        ended = False
        while True:
            while not ended and len(buffer) < span:
                try:
                    buffer.append(next(it))
                except StopIteration:
                    ended = True
            if not buffer or (self.drop_remainder and len(buffer) < span):
                return
            window = buffer[:span:self.stride]
            yield tuple(Elements([(e[j],) for e in window], s) for j, s in enumerate(self.specs))
            drop = self.shift
            while drop > len(buffer) and not ended:     # the next window starts past the buffer
                try:
                    buffer.append(next(it))
                except StopIteration:
                    ended = True
            buffer = buffer[drop:]


def _dummy_leaf(spec, size, make_dataset):
    """A placeholder value of `spec`: zeros with `size` for unknown dims."""
    if isinstance(spec, DatasetSpec):
        return make_dataset(Elements([(_dummy_array(spec.element_spec, size),)], spec.element_spec))
    return EagerTensor(_dummy_array(spec, size))


def _dummy_array(spec, size):
    dims = spec.shape.dims if spec.shape.dims is not None else ()
    return np.zeros([size if d is None else d for d in dims], spec.dtype.np)


def dataset_function_spec(fn, element_spec, what: str, make_dataset):
    """The element_spec of the datasets `fn` returns, found by calling it on two placeholder
    elements whose unknown dims differ (dims that then differ are unknown)."""
    specs = []
    for size in (1, 2):
        element = structure.pack(element_spec, [_dummy_leaf(s, size, make_dataset)
                                                for s in structure.flatten(element_spec)])
        result = functions.call_python(fn, element, what)
        if not hasattr(result, "_node"):
            raise TypeError(f"{what}: the function must return a tf.data.Dataset, got {type(result).__name__}")
        specs.append(result._node.spec)
    first, second = specs
    if not structure.same_structure(first, second):
        return first
    return structure.pack(first, [a if isinstance(a, DatasetSpec) else structure.relax(a, b)
                                  for a, b in zip(structure.flatten(first), structure.flatten(second))])


def wrap_element(flat, spec, make_dataset):
    """A flat element as the user's structure: EagerTensors, and datasets for dataset leaves
    (`make_dataset` turns a node into the user's Dataset)."""
    leaves = [make_dataset(v) if isinstance(s, DatasetSpec) else EagerTensor(structure.leaf_array(v))
              for v, s in zip(flat, structure.flatten(spec))]
    return structure.pack(spec, leaves)


class FlatMap:
    def __init__(self, node, fn, make_dataset):
        self.input = node
        self.fn, self.make_dataset = functions.bound_now(fn), make_dataset
        self.spec = dataset_function_spec(self.fn, node.spec, "flat_map", make_dataset)

    def cardinality(self) -> int:
        return UNKNOWN

    def datasets(self):
        for flat in self.input.iterate():
            element = wrap_element(flat, self.input.spec, self.make_dataset)
            yield functions.call_python(self.fn, element, "flat_map")._node

    def iterate(self):
        for node in self.datasets():
            yield from node.iterate()


class Interleave:
    """`interleave`: `cycle_length` datasets open at once, `block_length` elements from each in
    turn; an exhausted one is replaced by the next input element's dataset in the same slot.
    With `parallel` (num_parallel_calls given) each open dataset is read ahead by a thread of its
    own, so slow sources (files, Python generators) overlap; the order stays TF's."""

    def __init__(self, node, fn, cycle_length, block_length, make_dataset, parallel=False):
        self.input = node
        self.fn, self.make_dataset, self.parallel = functions.bound_now(fn), make_dataset, parallel
        self.cycle_length, self.block_length = cycle_length, _count(block_length, "interleave")
        if self.cycle_length <= 0 or self.block_length <= 0:
            raise InvalidArgumentError(None, None, "interleave: cycle_length and block_length must be positive")
        self.spec = dataset_function_spec(self.fn, node.spec, "interleave", make_dataset)

    def cardinality(self) -> int:
        return UNKNOWN

    def iterate(self):
        inputs = self.input.iterate()
        slots = [None] * self.cycle_length
        try:
            yield from self._cycle(inputs, slots)
        finally:
            for reader in slots:
                if reader is not None:
                    reader.close()

    def _cycle(self, inputs, slots):
        index = block = open_count = 0
        end_of_input = False
        while not end_of_input or open_count:
            current = slots[index]
            if current is not None:
                try:
                    element = next(current)
                except StopIteration:
                    slots[index] = None
                    open_count -= 1
                    index, block = (index + 1) % self.cycle_length, 0
                    continue
                block += 1
                if block == self.block_length:
                    index, block = (index + 1) % self.cycle_length, 0
                yield element
            elif not end_of_input:
                try:
                    flat = next(inputs)
                except StopIteration:
                    end_of_input = True
                    continue
                element = wrap_element(flat, self.input.spec, self.make_dataset)
                ds = functions.call_python(self.fn, element, "interleave")
                opened = ds._node.iterate()
                slots[index] = background(opened, 2 * self.block_length, "graphflow-interleave") \
                    if self.parallel else opened
                open_count += 1
            else:
                index, block = (index + 1) % self.cycle_length, 0


class Scan:
    def __init__(self, node, initial_state, scan_func):
        self.input = node
        state = normalise(initial_state)
        self.initial = tuple(structure.flatten(state))
        state_spec = structure.map_structure(structure.spec_of, state)
        self.fn, self.state_spec = functions.trace_state_function(scan_func, state_spec, node.spec, "scan", True)
        self.n_state = len(self.initial)
        self.spec = self.fn.output_spec[1]

    def cardinality(self) -> int:
        return self.input.cardinality()

    def iterate(self):
        state, fn, k = self.initial, self.fn, self.n_state
        for element in self.input.iterate():
            out = fn(state + element)
            state = tuple(out[:k])
            yield tuple(out[k:])
