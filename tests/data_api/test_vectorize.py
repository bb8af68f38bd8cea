"""Map vectorisation: `map(f)` then `batch` runs f once per batch, giving the batches the
element-by-element path gives; functions it cannot batch stay per element."""
from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf

Dataset = gf.data.Dataset


def _per_element_batches(ds_mapped, size):
    """Batches stacked by hand from the unbatched mapped elements."""
    elements = list(ds_mapped.as_numpy_iterator())
    out = []
    for i in range(0, len(elements), size):
        group = elements[i:i + size]
        out.append(tuple(np.stack([g[j] for g in group]) for j in range(len(group[0]))))
    return out


FUNCTIONS = {
    "normalise": lambda x, y: ((gf.cast(x, gf.float32) / 255.0 - 0.5) * 2.0, y),
    "broadcast_against_a_constant_row": lambda x, y: (gf.cast(x, gf.float32) + gf.constant([1.0, 2.0, 3.0]), y + 1),
    "scalar_broadcast_up": lambda x, y: (gf.cast(y, gf.float32) * gf.ones([2, 3]) + gf.cast(x, gf.float32), y),
    "reduce_axes": lambda x, y: (gf.reduce_sum(gf.cast(x, gf.int32), axis=1), gf.reduce_max(x), y),
    "reduce_keepdims": lambda x, y: (gf.reduce_mean(gf.cast(x, gf.float32), axis=-1, keepdims=True), y),
    "slices": lambda x, y: (x[:, ::-1], x[1], x[0, 1:], y),
    "constant_output": lambda x, y: (x, gf.constant(7)),
    "select_per_element": lambda x, y: (gf.where(y > 2, x, x * 0), y),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_vectorised_map_gives_the_per_element_batches(name):
    x = np.arange(7 * 2 * 3, dtype=np.uint8).reshape(7, 2, 3)
    y = np.arange(7, dtype=np.int64)
    mapped = Dataset.from_tensor_slices((x, y)).map(FUNCTIONS[name])
    batched = mapped.batch(3)
    assert batched._node._vectorised() is not None, f"{name} was not vectorised"
    got = list(batched.as_numpy_iterator())
    want = _per_element_batches(mapped, 3)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        for a, b in zip(g, w):
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_allclose(a, b, rtol=1e-6)


def test_vectorised_map_through_shuffle_and_repeat_keeps_the_rows_together():
    x = np.arange(40, dtype=np.int64)
    ds = Dataset.from_tensor_slices((x, x * 10)).map(lambda a, b: (a + 1, b + 10)).shuffle(8, seed=1).repeat(2)
    batches = list(ds.batch(6).as_numpy_iterator())
    assert ds.batch(6)._node._vectorised() is not None
    firsts = np.concatenate([b[0] for b in batches])
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), firsts * 10)
    assert sorted(firsts.tolist()) == sorted(list(range(1, 41)) * 2)


def test_random_ops_draw_once_per_element_in_a_vectorised_map():
    ds = Dataset.range(64).map(lambda v: gf.random.uniform([])).batch(32)
    assert ds._node._vectorised() is not None
    values = np.concatenate(list(ds.as_numpy_iterator()))
    assert len(np.unique(values)) == 64


@pytest.mark.parametrize("fn", [
    lambda v: gf.reduce_sum(gf.fill([3], v)),          # Fill has no batching rule
    lambda v: gf.cast(gf.shape(gf.fill([2], v))[0], gf.int64) + v,
])
def test_maps_without_batching_rules_stay_per_element(fn):
    ds = Dataset.range(5).map(fn).batch(2)
    assert ds._node._vectorised() is None
    want = [int(v) for v in Dataset.range(5).map(fn).as_numpy_iterator()]
    assert [b.tolist() for b in ds.as_numpy_iterator()] == [want[0:2], want[2:4], want[4:]]


def test_maps_writing_variables_stay_per_element():
    counter = gf.Variable(0, dtype=gf.int64)

    def count(v):
        counter.assign_add(1)
        return v

    ds = Dataset.range(5).map(count).batch(2)
    assert ds._node._vectorised() is None
    assert [b.tolist() for b in ds.as_numpy_iterator()] == [[0, 1], [2, 3], [4]]
    assert int(counter.numpy()) == 5


def test_filter_between_map_and_batch_keeps_the_per_element_map():
    ds = Dataset.range(6).map(lambda v: v * 2).filter(lambda v: v > 2).batch(2)
    assert ds._node._vectorised() is None
    assert [b.tolist() for b in ds.as_numpy_iterator()] == [[4, 6], [8, 10]]


def test_vectorised_map_reads_variables_and_captured_constants_when_it_runs():
    scale = gf.Variable(2, dtype=gf.int64)
    offset = gf.constant([1, 2], dtype=gf.int64)
    ds = Dataset.range(4).map(lambda v: v * scale + offset).batch(2)
    assert ds._node._vectorised() is not None
    assert [b.tolist() for b in ds.as_numpy_iterator()] == [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    scale.assign(10)
    assert [b.tolist() for b in ds.as_numpy_iterator()][1] == [[21, 22], [31, 32]]
