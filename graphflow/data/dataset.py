"""`gf.data.Dataset`: the user-facing pipeline object.  Each method wraps a node from the
modules that implement it (sources, transform, batching, shuffling, parallel, cache,
experimental); iteration turns the flat numpy elements into nested EagerTensors."""
from __future__ import annotations

import numpy as np

from .. import context as ctx_mod
from ..dtypes import as_dtype, int64
from ..eager.tensor import EagerTensor
from ..errors import InvalidArgumentError, OutOfRangeError
from ..ops import convert
from ..shapes import TensorShape
from ..tensor_spec import TensorSpec
from . import (
    batching,
    cache,
    experimental,
    functions,
    graph_iterator,
    grouping,
    parallel,
    sources,
    structure,
    transform,
)
from .options import Options
from .shuffling import Shuffle

INFINITE = sources.INFINITE
UNKNOWN = sources.UNKNOWN
AUTOTUNE = parallel.AUTOTUNE


def _node_of(dataset, what):
    node = getattr(dataset, "_node", None)
    if node is None:
        raise TypeError(f"{what}: expected a tf.data.Dataset, got {type(dataset).__name__}")
    return node


def _configure(node, options: Options, seen=None):
    """Hand pipeline-wide options to the nodes that read them (parallel maps' determinism)."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, parallel.ParallelMap) and node.deterministic is None:
        node.options_deterministic = options.is_deterministic()
    for name in ("input", "first", "second", "choices"):
        child = getattr(node, name, None)
        if child is not None:
            _configure(child, options, seen)
    for child in getattr(node, "nodes", ()):
        _configure(child, options, seen)


class Dataset:
    """A pipeline of elements (nested tuples/dicts of tensors), as `tf.data.Dataset`."""

    def __init__(self, node, options: Options | None = None):
        self._node = node
        self._options = options or Options()

    @classmethod
    def _wrap(cls, node, like: "Dataset | None" = None) -> "Dataset":
        return cls(node, like._options if like is not None else None)

    def _then(self, node) -> "Dataset":
        return Dataset(node, self._options)

    # ---- sources -------------------------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None) -> "Dataset":
        """Elements are the rows (slices along the first dimension) of every component."""
        return Dataset(sources.TensorSlices(tensors))

    @staticmethod
    def from_tensors(tensors, name=None) -> "Dataset":
        """A single element: the whole value."""
        return Dataset(sources.Tensors(tensors))

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None, output_signature=None,
                       name=None) -> "Dataset":
        """Elements from calling `generator(*args)` (again on each pass), checked against
        `output_signature` (or the deprecated output_types/output_shapes)."""
        if output_signature is None:
            if output_types is None:
                raise TypeError("from_generator: output_signature (or output_types) must be given")
            shapes = output_shapes if output_shapes is not None else structure.map_structure(
                lambda _: None, output_types)
            output_signature = structure.pack(output_types, [
                TensorSpec(TensorShape(s) if s is not None else TensorShape(None), as_dtype(t))
                for t, s in zip(structure.flatten(output_types), _flatten_shapes(output_types, shapes))])
        return Dataset(sources.Generator(generator, output_signature, args))

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None) -> "Dataset":
        """The files matching the pattern(s), as string elements: shuffled unless `shuffle=False`."""
        files = np.array([f.encode() for f in experimental._files(file_pattern)], dtype=object)
        ds = Dataset.from_tensor_slices(files)
        return ds.shuffle(len(files), seed=seed) if shuffle is None or shuffle else ds

    @staticmethod
    def range(*args, output_type=int64, name=None) -> "Dataset":
        """int64 scalars start, start + step, ... below stop, like Python's range."""
        return Dataset(sources.Range(*args, dtype=output_type))

    @staticmethod
    def counter(start=0, step=1, dtype=int64, name=None) -> "Dataset":
        """start, start + step, ... (int64 scalars by default), without end."""
        return Dataset(sources.Counter(start, step, dtype))

    @staticmethod
    def zip(*datasets, name=None) -> "Dataset":
        """Tuples (or the given nesting) of elements of several datasets, as long as the shortest."""
        nested = datasets[0] if len(datasets) == 1 and structure.is_nested(datasets[0]) else tuple(datasets)
        nodes = structure.map_structure(lambda d: _node_of(d, "zip"), nested)
        return Dataset(sources.Zip(nodes))

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                             rerandomize_each_iteration=None) -> "Dataset":
        nodes = [_node_of(d, "sample_from_datasets") for d in datasets]
        return Dataset(experimental.SampleFromDatasets(nodes, weights, seed, stop_on_empty_dataset))

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True) -> "Dataset":
        nodes = [_node_of(d, "choose_from_datasets") for d in datasets]
        return Dataset(experimental.ChooseFromDatasets(nodes, _node_of(choice_dataset, "choose_from_datasets"),
                                                       stop_on_empty_dataset))

    # ---- transformations -----------------------------------------------------------------------------------
    def concatenate(self, dataset, name=None) -> "Dataset":
        return self._then(sources.Concatenate(self._node, _node_of(dataset, "concatenate")))

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None) -> "Dataset":
        """`map_func` traced once into a compiled graph and applied to every element; with
        num_parallel_calls, on that many threads (AUTOTUNE: one per core)."""
        if num_parallel_calls is None:
            return self._then(transform.Map(self._node, map_func))
        return self._then(parallel.ParallelMap(self._node, map_func, num_parallel_calls, deterministic))

    def filter(self, predicate, name=None) -> "Dataset":
        return self._then(transform.Filter(self._node, predicate))

    def take_while(self, predicate, name=None) -> "Dataset":
        return self._then(transform.TakeWhile(self._node, predicate))

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None,
              name=None) -> "Dataset":
        return self._then(batching.Batch(self._node, batch_size, drop_remainder))

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False,
                     name=None) -> "Dataset":
        return self._then(batching.PaddedBatch(self._node, batch_size, padded_shapes, padding_values,
                                               drop_remainder))

    def unbatch(self, name=None) -> "Dataset":
        return self._then(batching.Unbatch(self._node))

    def rebatch(self, batch_size, drop_remainder=False, name=None) -> "Dataset":
        return self._then(batching.Rebatch(self._node, batch_size, drop_remainder))

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None) -> "Dataset":
        """Emit a random element of a `buffer_size` buffer, refilled from the input."""
        return self._then(Shuffle(self._node, buffer_size, seed, reshuffle_each_iteration))

    def repeat(self, count=None, name=None) -> "Dataset":
        return self._then(transform.Repeat(self._node, count))

    def take(self, count, name=None) -> "Dataset":
        return self._then(transform.Take(self._node, count))

    def skip(self, count, name=None) -> "Dataset":
        return self._then(transform.Skip(self._node, count))

    def cache(self, filename="", name=None) -> "Dataset":
        return self._then(cache.Cache(self._node, filename))

    def prefetch(self, buffer_size, name=None) -> "Dataset":
        """Produce up to `buffer_size` elements ahead on a background thread."""
        return self._then(parallel.Prefetch(self._node, int(structure.to_array(buffer_size))))

    def flat_map(self, map_func, name=None) -> "Dataset":
        return self._then(transform.FlatMap(self._node, map_func, Dataset._wrap))

    def interleave(self, map_func, cycle_length=None, block_length=None, num_parallel_calls=None,
                   deterministic=None, name=None) -> "Dataset":
        cycle = AUTOTUNE if cycle_length is None else int(structure.to_array(cycle_length))
        if cycle == AUTOTUNE:
            cycle = parallel.default_parallelism()
        return self._then(transform.Interleave(self._node, map_func, cycle, 1 if block_length is None
                                               else block_length, Dataset._wrap,
                                               parallel=num_parallel_calls is not None))

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None) -> "Dataset":
        return self._then(transform.Window(self._node, size, shift, stride, drop_remainder))

    def enumerate(self, start=0, name=None) -> "Dataset":
        return self._then(transform.Enumerate(self._node, start))

    def shard(self, num_shards, index, name=None) -> "Dataset":
        return self._then(transform.Shard(self._node, num_shards, index))

    def scan(self, initial_state, scan_func, name=None) -> "Dataset":
        return self._then(transform.Scan(self._node, initial_state, scan_func))

    def group_by_window(self, key_func, reduce_func, window_size=None, window_size_func=None,
                        name=None) -> "Dataset":
        """Elements gathered per int64 key into windows; each window becomes reduce_func(key, window)."""
        return self._then(grouping.GroupByWindow(self._node, key_func, reduce_func, window_size, window_size_func,
                                                 Dataset._wrap))

    def bucket_by_sequence_length(self, element_length_func, bucket_boundaries, bucket_batch_sizes,
                                  padded_shapes=None, padding_values=None, pad_to_bucket_boundary=False,
                                  no_padding=False, drop_remainder=False, name=None) -> "Dataset":
        """Padded batches of elements of similar length (buckets split at `bucket_boundaries`)."""
        return grouping.bucket_by_sequence_length(self, element_length_func, bucket_boundaries, bucket_batch_sizes,
                                                  padded_shapes, padding_values, pad_to_bucket_boundary,
                                                  no_padding, drop_remainder)

    def unique(self, name=None) -> "Dataset":
        return self._then(grouping.Unique(self._node))

    def apply(self, transformation_func) -> "Dataset":
        result = transformation_func(self)
        _node_of(result, "apply")
        return result

    def with_options(self, options: Options, name=None) -> "Dataset":
        merged = self._options.merge(options)
        _configure(self._node, merged)
        return Dataset(self._node, merged)

    def options(self) -> Options:
        return self._options

    # ---- consuming -----------------------------------------------------------------------------------------
    def reduce(self, initial_state, reduce_func, name=None):
        """Fold the elements into a state with `reduce_func(state, element)`, traced once.
        Inside gf.function (or a TF1 graph) it becomes one while_loop op pulling the elements."""
        if not ctx_mod.context().eager:
            template = structure.map_structure(lambda v: v, initial_state)
            flat = [convert.convert_to_tensor(v) for v in structure.flatten(template)]

            def body(element, *flat_state):
                return structure.flatten(reduce_func(structure.pack(template, list(flat_state)), element))
            return structure.pack(template, list(self._as_graph_loop(body, flat)))
        state = sources.normalise(initial_state)
        state_spec = structure.map_structure(structure.spec_of, state)
        fn, state_spec = functions.trace_state_function(reduce_func, state_spec, self._node.spec, "reduce", False)
        values = tuple(np.asarray(v, s.dtype.np) for v, s in zip(structure.flatten(state),
                                                                 structure.flatten(state_spec)))
        for element in self._node.iterate():
            values = tuple(fn(values + element))
        return structure.pack(state_spec, [EagerTensor(np.asarray(v)) for v in values])

    def get_single_element(self, name=None):
        """The dataset's only element; InvalidArgumentError when it has none or more than one."""
        if not ctx_mod.context().eager:
            raise NotImplementedError("get_single_element inside gf.function or a TF1 graph is not supported by "
                                      "graphflow; call it eagerly, or use ds.reduce(...)")
        elements = self._node.iterate()
        first = next(elements, None)
        if first is None:
            raise InvalidArgumentError(None, None, "Dataset was empty.")
        if next(elements, None) is not None:
            raise InvalidArgumentError(None, None, "Dataset had more than one element.")
        return transform.wrap_element(first, self._node.spec, Dataset._wrap)

    def _as_graph_loop(self, body, loop_vars: tuple) -> tuple:
        """AutoGraph's hook for `for element in ds:` inside gf.function: `loop_vars = body(element,
        *loop_vars)` per element, as one while_loop op pulling elements when the graph runs."""
        return graph_iterator.dataset_loop(self, body, tuple(loop_vars))

    @property
    def element_spec(self):
        return self._node.spec

    def cardinality(self):
        """Number of elements, or INFINITE (-1) / UNKNOWN (-2), as an int64 scalar tensor."""
        return EagerTensor(np.int64(self._node.cardinality()))

    def __len__(self):
        n = self._node.cardinality()
        if n == INFINITE:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return n

    def __iter__(self) -> "Iterator":
        if not ctx_mod.context().eager:
            raise RuntimeError(
                "Iterating a tf.data.Dataset with a Python loop inside gf.function (or in a TF1 graph) is not "
                "supported: graphflow would unroll it element by element. Iterate eagerly and call the compiled "
                "step per element (`for batch in ds: train_step(batch)`), use ds.reduce(...), or in TF1 use "
                "tf.compat.v1.data.make_one_shot_iterator(ds).get_next().")
        return Iterator(self)

    def as_numpy_iterator(self):
        """The elements as nested numpy arrays (scalars as numpy scalars)."""
        if any(isinstance(s, transform.DatasetSpec) for s in structure.flatten(self._node.spec)):
            raise TypeError("as_numpy_iterator: the dataset's elements contain datasets "
                            f"({self._node.spec}); iterate it instead")
        spec = self._node.spec
        for flat in self._node.iterate():
            yield structure.pack(spec, [a if isinstance(a, bytes) else a[()] if np.ndim(a) == 0
                                        else structure.leaf_array(a) for a in flat])

    def as_numpy_batches(self):
        """The flat numpy elements as they leave the pipeline (what Keras and iterators consume)."""
        return self._node.iterate()

    def __repr__(self):
        return f"<{type(self._node).__name__}Dataset element_spec={self._node.spec}>"


def _flatten_shapes(types, shapes) -> list:
    if isinstance(types, dict):
        return [x for k in sorted(types) for x in _flatten_shapes(types[k], shapes[k])]
    if isinstance(types, tuple):
        return [x for t, s in zip(types, shapes) for x in _flatten_shapes(t, s)]
    return [shapes]


class Iterator:
    """An eager iterator over a dataset (`iter(ds)`): `next()` gives nested EagerTensors."""

    def __init__(self, dataset: Dataset):
        self._spec = dataset.element_spec
        self._flat = dataset._node.iterate()
        self._dataset_leaves = any(isinstance(s, transform.DatasetSpec) for s in structure.flatten(self._spec))

    @property
    def element_spec(self):
        return self._spec

    def __iter__(self):
        return self

    def __next__(self):
        flat = next(self._flat)
        if self._dataset_leaves:
            return transform.wrap_element(flat, self._spec, Dataset._wrap)
        return structure.pack(self._spec, [EagerTensor(structure.leaf_array(a))
                                           for a in flat])

    def get_next(self):
        try:
            return next(self)
        except StopIteration:
            raise OutOfRangeError(None, None, "End of sequence") from None

    def close(self):
        self._flat.close()
