"""Transformations that gather elements by a key: group_by_window (and bucket_by_sequence_length,
built on it as in tf.data) and unique.  Nodes as in `sources`."""
from __future__ import annotations

import numpy as np

from ..dtypes import int32, int64, string
from ..eager.tensor import EagerTensor
from ..errors import InvalidArgumentError
from ..ops import api
from ..tensor_spec import TensorSpec
from . import functions, structure
from .sources import UNKNOWN
from .transform import Elements


def _int64_scalar_function(fn, arg_specs: tuple, what: str, role: str) -> functions.TracedFunction:
    traced = functions.TracedFunction(fn, arg_specs, what)
    spec = traced.output_spec
    if not isinstance(spec, TensorSpec) or spec.dtype is not int64 or spec.shape.dims not in ((), None):
        raise ValueError(f"`{role}` must return a single tf.int64 tensor. Got {spec}")
    return traced


def _dummy_node(spec, size: int) -> Elements:
    """A one-element window of `spec` (zeros, `size` for unknown dims) to find reduce_func's output spec."""
    flat = tuple(np.zeros([size if d is None else d for d in (s.shape.dims or ())], s.dtype.np)
                 for s in structure.flatten(spec))
    return Elements([flat], spec)


class GroupByWindow:
    """`group_by_window`: elements gathered per key (key_func, an int64 scalar) into windows of
    window_size (or window_size_func(key)); each full window, and at the end of the input every
    partial one in key order (as TensorFlow flushes), becomes reduce_func(key, window dataset)."""

    def __init__(self, node, key_func, reduce_func, window_size, window_size_func, make_dataset):
        if (window_size is None) == (window_size_func is None):
            raise ValueError("Either the `window_size` argument or the `window_size_func` argument must be "
                             "specified.")
        self.input, self.reduce_func, self.make_dataset = node, functions.bound_now(reduce_func), make_dataset
        self.key_fn = _int64_scalar_function(key_func, functions.element_args(node.spec), "group_by_window",
                                             "key_func")
        key_spec = (TensorSpec((), int64),)
        if window_size_func is None:
            size = int(structure.to_array(window_size))
            self.size_fn = lambda key: size
        else:
            traced = _int64_scalar_function(window_size_func, key_spec, "group_by_window", "window_size_func")
            self.size_fn = lambda key: int(traced([np.int64(key)])[0])
        specs = [self._reduce(0, _dummy_node(node.spec, size)).spec for size in (1, 2)]
        self.spec = specs[0] if not structure.same_structure(*specs) else structure.pack(
            specs[0], [structure.relax(a, b) for a, b in zip(structure.flatten(specs[0]), structure.flatten(specs[1]))])

    def _reduce(self, key: int, window):
        result = self.reduce_func(EagerTensor(np.int64(key)), self.make_dataset(window))
        if not hasattr(result, "_node"):
            raise TypeError(f"group_by_window: `reduce_func` must return a tf.data.Dataset, got "
                            f"{type(result).__name__}")
        return result._node

    def cardinality(self) -> int:
        return UNKNOWN

    def iterate(self):
        groups: dict[int, list] = {}
        for element in self.input.iterate():
            key = int(self.key_fn(element)[0])
            size = self.size_fn(key)
            if size <= 0:
                raise InvalidArgumentError(None, None, f"Window size must be greater than zero, but got {size}.")
            group = groups.setdefault(key, [])
            group.append(element)
            if len(group) >= size:
                del groups[key]
                yield from self._reduce(key, Elements(group, self.input.spec)).iterate()
        for key in sorted(groups):
            yield from self._reduce(key, Elements(groups[key], self.input.spec)).iterate()


def bucket_by_sequence_length(dataset, element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None, pad_to_bucket_boundary=False,
                              no_padding=False, drop_remainder=False):
    """Batches of elements of similar length: bucket i holds lengths in [boundaries[i-1],
    boundaries[i]) and is batched bucket_batch_sizes[i] at a time, padded to its longest element
    (or, with pad_to_bucket_boundary, to boundaries[i] - 1)."""
    boundaries, batch_sizes = list(bucket_boundaries), list(bucket_batch_sizes)
    if len(batch_sizes) != len(boundaries) + 1:
        raise ValueError(f"`len(bucket_batch_sizes)` must equal `len(bucket_boundaries) + 1` but "
                         f"`len(bucket_batch_sizes)={len(batch_sizes)}` and "
                         f"`len(bucket_boundaries)={len(boundaries)}`.")
    lows = np.array([np.iinfo(np.int32).min] + boundaries, np.int64)
    highs = np.array(boundaries + [np.iinfo(np.int32).max], np.int64)

    def bucket_id(*element):
        length = api.cast(element_length_func(*element), int64)
        inside = api.logical_and(api.less_equal(api.constant(lows), length), api.less(length, api.constant(highs)))
        return api.reduce_min(api.where(inside))

    def batching(key, window):
        i = int(key.numpy())
        size = batch_sizes[i]
        if no_padding:
            return window.batch(size, drop_remainder=drop_remainder)
        filler = None
        if pad_to_bucket_boundary:
            if i == len(batch_sizes) - 1:
                raise InvalidArgumentError(None, None, "When pad_to_bucket_boundary=True, elements must have length "
                                           "< max(bucket_boundaries).")
            filler = boundaries[i] - 1
        shapes = _fill_shapes(window.element_spec if padded_shapes is None else padded_shapes, filler)
        return window.padded_batch(size, shapes, padding_values, drop_remainder=drop_remainder)

    return dataset.group_by_window(bucket_id, batching, window_size_func=lambda key: api.gather(
        api.constant(np.array(batch_sizes, np.int64)), key))


def _fill_shapes(shapes, filler):
    """Padded shapes with unknown dims set to `filler` (None keeps them: pad to the longest)."""
    if isinstance(shapes, TensorSpec):
        shapes = shapes.shape
    if hasattr(shapes, "dims"):
        shapes = shapes.dims
    if isinstance(shapes, (list, tuple)) and all(d is None or isinstance(d, (int, np.integer)) for d in shapes):
        return [filler if d is None else int(d) for d in shapes]
    if isinstance(shapes, dict):
        return type(shapes)((k, _fill_shapes(v, filler)) for k, v in shapes.items())
    return type(shapes)(_fill_shapes(v, filler) for v in shapes)


class Unique:
    """`unique`: each distinct element once, in the order first seen (int32, int64 or string)."""

    def __init__(self, node):
        spec = node.spec
        if not isinstance(spec, TensorSpec):
            raise TypeError(f"`tf.data.Dataset.unique` does not support elements of structure {spec}; only single "
                            "tensors are supported.")
        if spec.dtype not in (int32, int64, string):
            raise TypeError(f"`tf.data.Dataset.unique` does not support type {spec.dtype!r} -- only `tf.int32`, "
                            "`tf.int64`, and `tf.string` are supported.")
        self.input, self.spec = node, spec

    def cardinality(self) -> int:
        return UNKNOWN

    def iterate(self):
        seen = set()
        for element in self.input.iterate():
            a = np.asarray(element[0])
            key = (a.shape, tuple(a.reshape(-1).tolist()))
            if key not in seen:
                seen.add(key)
                yield element
