"""Where elements come from: tensors, slices of tensors, ranges, Python generators, and the
datasets that combine others (zip, concatenate).

A node is a plain object with `spec` (the element_spec), `cardinality()` and `iterate()`,
which starts a fresh pass and yields flat tuples of numpy arrays.
"""
from __future__ import annotations

import numpy as np

from ..dtypes import as_dtype
from ..errors import InvalidArgumentError
from ..shapes import TensorShape
from ..tensor_spec import TensorSpec
from . import structure

INFINITE = -1
UNKNOWN = -2


def normalise(value):
    """A user's nested value with every leaf as a numpy array."""
    if isinstance(value, dict):
        return type(value)((k, normalise(v)) for k, v in value.items())
    if isinstance(value, tuple):
        items = [normalise(v) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    return structure.to_array(value)


class Tensors:
    """`from_tensors`: one element, the whole value."""

    def __init__(self, value):
        value = normalise(value)
        self.arrays = tuple(structure.flatten(value))
        self.spec = structure.map_structure(structure.spec_of, value)

    def cardinality(self) -> int:
        return 1

    def iterate(self):
        yield self.arrays


class TensorSlices:
    """`from_tensor_slices`: element i is every component's row i."""

    def __init__(self, value):
        value = normalise(value)
        self.arrays = tuple(structure.flatten(value))
        if not self.arrays:
            raise ValueError("from_tensor_slices: the value has no components")
        for a in self.arrays:
            if a.ndim == 0:
                raise ValueError(f"from_tensor_slices: cannot slice a scalar component (shape {a.shape}); "
                                 "every component needs a leading dimension")
        sizes = {a.shape[0] for a in self.arrays}
        if len(sizes) > 1:
            shapes = ", ".join(str(a.shape) for a in self.arrays)
            raise InvalidArgumentError(None, None, f"from_tensor_slices: all components must have the same size "
                                       f"in the 0th dimension, got shapes {shapes}")
        self.size = sizes.pop()
        self.spec = structure.map_structure(lambda a: structure.spec_of(np.empty(a.shape[1:], a.dtype)), value)

    def cardinality(self) -> int:
        return self.size

    def iterate(self):
        arrays = self.arrays
        if len(arrays) == 1:
            (a,) = arrays
            for i in range(self.size):
                yield (a[i],)
        else:
            for i in range(self.size):
                yield tuple([a[i] for a in arrays])


class Range:
    """`range(start, stop, step)` as int64 scalars."""

    def __init__(self, *args, dtype="int64"):
        if not 1 <= len(args) <= 3:
            raise TypeError(f"range takes 1 to 3 positional arguments, got {len(args)}")
        self.args = tuple(int(structure.to_array(a)) for a in args)
        self.dtype = as_dtype(dtype)
        self.spec = TensorSpec(TensorShape(()), self.dtype)
        r = range(*self.args)
        if r.step == 0:
            raise InvalidArgumentError(None, None, "range: step must not be 0")
        self.range = r

    def cardinality(self) -> int:
        return len(self.range)

    def iterate(self):
        np_type = self.dtype.np.type
        for i in self.range:
            yield (np_type(i),)


class Counter:
    """`counter(start, step)`: start, start + step, ... without end."""

    def __init__(self, start=0, step=1, dtype="int64"):
        self.start, self.step = int(structure.to_array(start)), int(structure.to_array(step))
        self.dtype = as_dtype(dtype)
        self.spec = TensorSpec(TensorShape(()), self.dtype)

    def cardinality(self) -> int:
        return INFINITE

    def iterate(self):
        np_type, value = self.dtype.np.type, self.start
        while True:
            yield (np_type(value),)
            value += self.step


class Generator:
    """`from_generator`: each pass calls the generator function again; every element is checked
    against `output_signature` (dtype exactly, shape compatibly)."""

    def __init__(self, generator, output_signature, args=()):
        if not callable(generator):
            raise TypeError(f"from_generator: `generator` must be callable, got {generator!r}")
        self.generator = generator
        self.args = tuple(args or ())
        self.spec = output_signature
        self.flat = structure.flatten(output_signature)
        for s in self.flat:
            if not isinstance(s, TensorSpec):
                raise TypeError(f"from_generator: output_signature must be a nest of tf.TensorSpec, got {s!r}")

    def cardinality(self) -> int:
        return UNKNOWN

    def _check(self, value, index):
        name = getattr(self.generator, "__name__", "generator")
        try:
            leaves = _flatten_up_to(self.spec, value)
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                None, None, f"TypeError: `generator` yielded an element that did not match the expected structure. "
                f"The expected structure was {self.spec}, but the yielded element was {value!r} (element {index} "
                f"of `{name}`).") from None
        out = []
        for leaf, spec in zip(leaves, self.flat):
            raw = np.asarray(leaf._value if hasattr(leaf, "_value") else leaf)
            try:
                arr = raw.astype(spec.dtype.np, copy=False)
            except (TypeError, ValueError):
                arr = None
            # A lossy conversion (1.5 -> 1, 300 -> uint8) is a wrong dtype, not a value to keep.
            if arr is None or (raw.dtype != arr.dtype and raw.size and not np.array_equal(arr, raw)):
                raise InvalidArgumentError(
                    None, None, f"TypeError: `generator` yielded an element that could not be converted to the "
                    f"expected type. The expected type was {spec.dtype.name}, but the yielded element was {leaf!r} "
                    f"of dtype {raw.dtype} (element {index} of `{name}`).")
            if not spec.shape.is_compatible_with(arr.shape):
                raise InvalidArgumentError(
                    None, None, f"TypeError: `generator` yielded an element of shape {arr.shape} where an element "
                    f"of shape {spec.shape} was expected (element {index} of `{name}`).")
            out.append(arr)
        return tuple(out)

    def iterate(self):
        for index, value in enumerate(self.generator(*self.args)):
            yield self._check(value, index)


class Zip:
    """`zip`: elements of several datasets side by side; stops with the shortest."""

    def __init__(self, nodes_structure):
        self.nodes = structure.flatten(nodes_structure)
        self.spec = structure.pack(nodes_structure, [n.spec for n in self.nodes])
        self.widths = [len(structure.flatten(n.spec)) for n in self.nodes]

    def cardinality(self) -> int:
        cards = [n.cardinality() for n in self.nodes]
        finite = [c for c in cards if c >= 0]
        if finite:
            return min(finite)
        return UNKNOWN if UNKNOWN in cards else INFINITE

    def iterate(self):
        its = [n.iterate() for n in self.nodes]
        while True:
            out = []
            for it in its:
                try:
                    out.extend(next(it))
                except StopIteration:
                    return
            yield tuple(out)


class Concatenate:
    """`concatenate`: the elements of one dataset, then of the other (specs must agree)."""

    def __init__(self, first, second):
        if not structure.same_structure(first.spec, second.spec):
            raise TypeError(f"concatenate: incompatible structures {first.spec} and {second.spec}")
        specs = []
        for a, b in zip(structure.flatten(first.spec), structure.flatten(second.spec)):
            if a.dtype is not b.dtype:
                raise TypeError(f"concatenate: incompatible dtypes {a.dtype.name} and {b.dtype.name} "
                                f"({first.spec} vs {second.spec})")
            specs.append(structure.relax(a, b))
        self.first, self.second = first, second
        self.spec = structure.pack(first.spec, specs)

    def cardinality(self) -> int:
        a, b = self.first.cardinality(), self.second.cardinality()
        if a == INFINITE or b == INFINITE:
            return INFINITE
        if a == UNKNOWN or b == UNKNOWN:
            return UNKNOWN
        return a + b

    def iterate(self):
        yield from self.first.iterate()
        yield from self.second.iterate()


def _flatten_up_to(spec, value) -> list:
    """`value`'s leaves where `spec` has TensorSpecs (a list there is one tensor)."""
    if isinstance(spec, dict):
        if not isinstance(value, dict) or sorted(value) != sorted(spec):
            raise TypeError("dict keys differ")
        return [x for k in sorted(spec) for x in _flatten_up_to(spec[k], value[k])]
    if isinstance(spec, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(spec):
            raise TypeError("tuple length differs")
        return [x for s, v in zip(spec, value) for x in _flatten_up_to(s, v)]
    if isinstance(value, (tuple, dict)):
        raise TypeError("a structure where a tensor is expected")
    return [value]
