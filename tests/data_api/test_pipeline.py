"""Focused behaviour of gf.data beyond the recorded programs: shuffle semantics, threads,
cache files, CSV, sampling, options and the error messages."""
from __future__ import annotations

import gc
import os
import stat
import threading

import numpy as np
import pytest

import graphflow as gf

Dataset = gf.data.Dataset


def _order(ds):
    return [int(v) for v in ds.as_numpy_iterator()]


# ---- shuffle ----------------------------------------------------------------------------------------------
def test_shuffle_emits_only_from_its_buffer_window():
    for seed in range(5):
        out = _order(Dataset.range(200).shuffle(10, seed=seed))
        assert sorted(out) == list(range(200))
        assert all(v < k + 10 for k, v in enumerate(out))       # the k-th output is among the first k+10 inputs


def test_shuffle_with_a_seed_repeats_and_reshuffles_each_epoch():
    a = _order(Dataset.range(50).shuffle(50, seed=3).repeat(2))
    b = _order(Dataset.range(50).shuffle(50, seed=3).repeat(2))
    assert a == b and a[:50] != a[50:] and sorted(a[:50]) == list(range(50))
    fixed = _order(Dataset.range(50).shuffle(50, seed=3, reshuffle_each_iteration=False).repeat(2))
    assert fixed[:50] == fixed[50:]


def test_shuffle_follows_the_global_seed():
    gf.random.set_seed(11)
    a = _order(Dataset.range(30).shuffle(30))
    gf.random.set_seed(11)
    b = _order(Dataset.range(30).shuffle(30))
    assert a == b and a != list(range(30))


def test_shuffle_each_iteration_of_the_same_dataset_differs():
    ds = Dataset.range(40).shuffle(40, seed=1)
    assert _order(ds) != _order(ds)


@pytest.mark.parametrize("size", [0, -3])
def test_shuffle_buffer_must_be_positive(size):
    with pytest.raises(gf.errors.InvalidArgumentError, match="buffer_size must be greater than zero"):
        Dataset.range(3).shuffle(size)


# ---- errors -------------------------------------------------------------------------------------------------
def test_ragged_batch_names_the_component_and_the_shapes():
    ds = Dataset.range(1, 4).map(lambda v: (v, gf.fill([v], v))).batch(3)
    with pytest.raises(gf.errors.InvalidArgumentError, match=r"component 1\. First element had shape \[1\] and "
                                                             r"element 1 had shape \[2\].*padded_batch"):
        list(ds)


def test_generator_yielding_the_wrong_shape_or_dtype_is_named():
    def gen():
        yield np.zeros(2, np.float32)
        yield np.zeros(3, np.float32)
    ds = Dataset.from_generator(gen, output_signature=gf.TensorSpec((2,), gf.float32))
    with pytest.raises(gf.errors.InvalidArgumentError, match=r"shape \(3,\) where an element of shape \(2,\)"):
        list(ds)

    def floats():
        yield np.array([0.5])
    ds = Dataset.from_generator(floats, output_signature=gf.TensorSpec((1,), gf.int32))
    with pytest.raises(gf.errors.InvalidArgumentError, match="expected type was int32"):
        list(ds)


def test_generator_structure_mismatch_is_named():
    ds = Dataset.from_generator(lambda: iter([1]), output_signature=(gf.TensorSpec((), gf.int32),
                                                                     gf.TensorSpec((), gf.int32)))
    with pytest.raises(gf.errors.InvalidArgumentError, match="expected structure"):
        list(ds)


def test_scan_returning_a_state_of_another_structure_is_an_error():
    with pytest.raises(gf.errors.InvalidArgumentError, match="structure of the initial state"):
        Dataset.range(3).scan((np.int64(0), np.int64(0)), lambda s, v: (s[0], v))


def test_reduce_state_dtype_change_is_an_error():
    with pytest.raises(TypeError, match="cast it"):
        Dataset.range(3).reduce(np.int32(0), lambda s, v: gf.cast(s, gf.int64) + v)


def test_map_returning_a_python_object_is_an_error():
    with pytest.raises(TypeError, match="not a tensor"):
        Dataset.range(3).map(lambda v: (v, object()))


def test_map_returning_text_gives_string_elements():
    # As in TF: a Python string returned by the map function is a string tensor.
    assert list(Dataset.range(2).map(lambda v: (v, "text")).as_numpy_iterator()) == [(0, b"text"), (1, b"text")]


def test_len_of_infinite_and_unknown_datasets():
    assert len(Dataset.range(4).batch(3)) == 2
    with pytest.raises(TypeError, match="infinite"):
        len(Dataset.range(4).repeat())
    with pytest.raises(TypeError, match="unknown"):
        len(Dataset.range(4).filter(lambda v: v > 1))


# ---- traced functions ------------------------------------------------------------------------------------------
def test_map_function_is_traced_once_and_runs_compiled():
    calls = []

    def fn(v):
        calls.append(1)
        return v * 3

    ds = Dataset.range(100).map(fn)
    assert _order(ds)[:3] == [0, 3, 6] and len(_order(ds)) == 100
    assert len(calls) == 1


def test_map_reads_variables_when_it_runs():
    scale = gf.Variable(2, dtype=gf.int64)
    ds = Dataset.range(3).map(lambda v: v * scale)
    assert _order(ds) == [0, 2, 4]
    scale.assign(10)
    assert _order(ds) == [0, 10, 20]


def test_map_with_random_ops_draws_per_element():
    gf.random.set_seed(0)
    values = [float(v) for v in Dataset.range(20).map(lambda v: gf.random.uniform([])).as_numpy_iterator()]
    assert len(set(values)) == 20


# ---- threads ---------------------------------------------------------------------------------------------------
def _data_threads():
    return [t for t in threading.enumerate() if t.name.startswith("graphflow-")]


def test_prefetch_passes_errors_to_the_consumer():
    def gen():
        yield 1
        raise RuntimeError("boom in the producer")
    ds = Dataset.from_generator(gen, output_signature=gf.TensorSpec((), gf.int32)).prefetch(2)
    it = iter(ds)
    assert int(next(it)) == 1
    with pytest.raises(RuntimeError, match="boom"):
        next(it)


def test_prefetch_threads_stop_when_the_iteration_is_dropped():
    before = len(_data_threads())
    it = iter(Dataset.range(10**9).map(lambda v: v + 1, num_parallel_calls=2).prefetch(3))
    next(it)
    it.close()
    del it
    gc.collect()
    for t in _data_threads():
        t.join(timeout=5)
    assert len([t for t in _data_threads() if t.is_alive()]) <= before


def test_prefetch_bounds_what_the_producer_runs_ahead():
    produced = []

    def gen():
        for i in range(100):
            produced.append(i)
            yield i
    it = iter(Dataset.from_generator(gen, output_signature=gf.TensorSpec((), gf.int64)).prefetch(3))
    next(it)
    for _ in range(50):
        if len(produced) >= 5:
            break
        threading.Event().wait(0.01)
    assert len(produced) <= 1 + 3 + 1      # consumed + buffered + one waiting to be put
    it.close()


def test_parallel_map_keeps_order_unless_told_otherwise():
    ds = Dataset.range(200).map(lambda v: v * 2, num_parallel_calls=4)
    assert _order(ds) == list(range(0, 400, 2))
    loose = Dataset.range(200).map(lambda v: v * 2, num_parallel_calls=4, deterministic=False)
    assert sorted(_order(loose)) == list(range(0, 400, 2))
    options = gf.data.Options()
    options.deterministic = False
    relaxed = Dataset.range(50).map(lambda v: v + 1, num_parallel_calls=2).with_options(options)
    assert relaxed.options().deterministic is False
    assert sorted(_order(relaxed)) == list(range(1, 51))


# ---- cache -------------------------------------------------------------------------------------------------------
def test_memory_cache_runs_the_input_once():
    runs = []

    def gen():
        runs.append(1)
        yield from range(4)
    ds = Dataset.from_generator(gen, output_signature=gf.TensorSpec((), gf.int64)).cache()
    assert _order(ds.repeat(3)) == [0, 1, 2, 3] * 3
    assert len(runs) == 1


def test_partial_pass_caches_nothing():
    runs = []

    def gen():
        runs.append(1)
        yield from range(4)
    ds = Dataset.from_generator(gen, output_signature=gf.TensorSpec((), gf.int64)).cache()
    assert _order(ds.take(2)) == [0, 1]
    assert _order(ds) == [0, 1, 2, 3] and len(runs) == 2


def test_file_cache_is_written_atomically_and_reused(tmp_path):
    path = str(tmp_path / "cache" / "images")
    source = Dataset.from_tensor_slices((np.arange(12, dtype=np.float32).reshape(6, 2), np.arange(6)))
    assert len(list(source.cache(path))) == 6
    files = os.listdir(tmp_path / "cache")
    assert files == ["images.gfdata.npz"]
    mode = stat.S_IMODE(os.stat(tmp_path / "cache" / files[0]).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
    other = Dataset.from_tensor_slices((np.zeros((6, 2), np.float32), np.zeros(6, np.int64))).cache(path)
    got = list(other.as_numpy_iterator())       # read from the file, not the new input
    np.testing.assert_array_equal(got[5][0], [10.0, 11.0])


def test_file_cache_handles_ragged_components(tmp_path):
    ds = Dataset.range(1, 4).map(lambda v: gf.fill([v], v)).cache(str(tmp_path / "ragged"))
    first = [list(v) for v in ds.as_numpy_iterator()]
    again = [list(v) for v in Dataset.range(0).map(lambda v: gf.fill([v], v)).cache(
        str(tmp_path / "ragged")).as_numpy_iterator()]
    assert first == again == [[1], [2, 2], [3, 3, 3]]


# ---- experimental ---------------------------------------------------------------------------------------------
def test_make_csv_dataset_batches_feature_dicts_and_labels(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("age,fare,survived\n22,7.25,0\n38,71.3,1\n26,7.9,1\n35,,1\n")
    ds = gf.data.experimental.make_csv_dataset(str(path), batch_size=2, label_name="survived", num_epochs=1,
                                               shuffle=False)
    features, labels = next(iter(ds))
    assert list(features) == ["age", "fare"]
    assert features["age"].dtype == gf.int32 and features["fare"].dtype == gf.float32
    np.testing.assert_allclose(features["fare"].numpy(), [7.25, 71.3], rtol=1e-6)
    assert [len(b[1]) for b in ds] == [2, 2]
    assert float(list(ds)[1][0]["fare"][1]) == 0.0          # an empty field takes the default


def test_csv_dataset_types_columns_by_record_defaults(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("1,2.5\n3,4.5\n")
    ds = gf.data.experimental.CsvDataset(str(path), [gf.int32, 0.0])
    assert [(int(a), float(b)) for a, b in ds.as_numpy_iterator()] == [(1, 2.5), (3, 4.5)]


def test_sample_from_datasets_follows_weights_and_drops_exhausted_inputs():
    ones = Dataset.from_tensors(np.int64(1)).repeat()
    zeros = Dataset.from_tensors(np.int64(0)).repeat()
    values = [int(v) for v in Dataset.sample_from_datasets([ones, zeros], [0.8, 0.2], seed=0).take(2000)
              .as_numpy_iterator()]
    assert 0.75 < np.mean(values) < 0.85
    finite = Dataset.sample_from_datasets([Dataset.range(3), Dataset.range(10, 15)], seed=1)
    assert sorted(_order(finite)) == [0, 1, 2, 10, 11, 12, 13, 14]


def test_choose_from_datasets_rejects_a_bad_selector():
    ds = Dataset.choose_from_datasets([Dataset.range(3)], Dataset.from_tensor_slices(np.array([0, 4], np.int64)))
    with pytest.raises(gf.errors.InvalidArgumentError, match="out of range"):
        list(ds)


def test_padded_batch_too_small_shape_is_an_error():
    with pytest.raises(ValueError, match="padded shape"):
        Dataset.from_tensors(np.zeros(4, np.float32)).padded_batch(1, padded_shapes=[3])


def test_window_elements_are_datasets():
    windows = list(Dataset.range(5).window(2))
    assert isinstance(windows[0], gf.data.Dataset)
    assert [list(w.as_numpy_iterator()) for w in windows] == [[0, 1], [2, 3], [4]]


# ---- row batches ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("chain", [
    lambda ds: ds.batch(4),
    lambda ds: ds.shuffle(7, seed=2).batch(3, drop_remainder=True),
    lambda ds: ds.repeat(2).shuffle(5, seed=1).take(13).batch(4),
    lambda ds: ds.skip(3).shard(2, 1).prefetch(2).batch(2),
])
def test_batches_gathered_from_source_rows_equal_element_by_element_batches(chain):
    x = np.arange(40, dtype=np.float32).reshape(20, 2)
    y = np.arange(20)
    fast = chain(Dataset.from_tensor_slices((x, y)))
    slow = chain(Dataset.from_tensor_slices((x, y)).map(lambda a, b: (a, b)))    # a map forces the element path
    got, want = list(fast.as_numpy_iterator()), list(slow.as_numpy_iterator())
    assert len(got) == len(want)
    for (ga, gb), (wa, wb) in zip(got, want):
        np.testing.assert_array_equal(ga, wa)
        np.testing.assert_array_equal(gb, wb)


def test_from_generator_with_output_types_and_shapes():
    def gen():
        for i in range(3):
            yield {"a": [i] * 2, "b": float(i)}
    ds = Dataset.from_generator(gen, output_types={"a": gf.int64, "b": gf.float32},
                                output_shapes={"a": [2], "b": []})
    assert ds.element_spec["a"].shape.as_list() == [2]
    assert [int(e["b"]) for e in ds.as_numpy_iterator()] == [0, 1, 2]


def test_generator_runs_again_for_every_pass():
    calls = []

    def gen():
        calls.append(1)
        yield from range(2)
    ds = Dataset.from_generator(gen, output_signature=gf.TensorSpec((), gf.int64))
    assert _order(ds.repeat(3)) == [0, 1] * 3 and len(calls) == 3


def test_parallel_interleave_reads_each_open_dataset_on_its_own_thread_in_tf_order():
    import threading
    readers = set()

    def rows(i):
        def gen():
            for k in range(3):
                readers.add(threading.current_thread().name)
                yield 10 * int(i) + k
        return Dataset.from_generator(gen, output_signature=gf.TensorSpec((), gf.int64))

    plain = list(Dataset.range(4).interleave(rows, cycle_length=3, block_length=2).as_numpy_iterator())
    assert readers == {threading.current_thread().name}
    readers.clear()
    parallel = Dataset.range(4).interleave(rows, cycle_length=3, block_length=2, num_parallel_calls=3)
    assert list(parallel.as_numpy_iterator()) == plain == [0, 1, 10, 11, 20, 21, 2, 12, 22, 30, 31, 32]
    assert readers == {"graphflow-interleave"}
    assert list(parallel.take(3).as_numpy_iterator()) == [0, 1, 10]
    assert not [t for t in threading.enumerate() if t.name == "graphflow-interleave" and t.is_alive()
                and not t.join(2) and t.is_alive()]
