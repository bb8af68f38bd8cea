"""A training step of a 100k-row embedding touches the looked-up rows only: no dense table-sized
gradient or update is allocated (tracemalloc counts numpy's allocations) with the optimizers whose
Keras-on-TensorFlow update is sparse (SGD without momentum, Adagrad): the scatter writes the table
in place, eagerly and in a compiled step (whose plan drops its dead read of the table first)."""
import tracemalloc
import weakref

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
ROWS, DIM = 100_000, 16
TABLE_BYTES = ROWS * DIM * 4


def peak_bytes_of(step) -> int:
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("make_optimizer", [lambda: keras.optimizers.SGD(0.1), lambda: keras.optimizers.Adagrad(0.1)],
                         ids=["sgd", "adagrad"])
@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_embedding_step_allocates_no_table_sized_array(make_optimizer, compiled):
    embedding = keras.layers.Embedding(ROWS, DIM)
    embedding.build((None, 4))
    optimizer = make_optimizer()
    ids = np.array([[5, 5, 99_999, 7], [0, 5, 3, 3]], np.int32)

    def train_step(x):
        with gf.GradientTape() as tape:
            loss = gf.reduce_sum(gf.square(embedding(x)))
        grads = tape.gradient(loss, embedding.trainable_weights)
        optimizer.apply_gradients(zip(grads, embedding.trainable_weights))
    step = gf.function(train_step) if compiled else train_step
    # builds the slots (and traces twice); a plan that ran in the expression interpreter tiers up
    # on its second call: no compile in the measured step
    for _ in range(3):
        step(ids)
    before = embedding.embeddings.numpy()[[5, 1]]
    peak = peak_bytes_of(lambda: step(ids))
    assert peak < TABLE_BYTES / 4, f"a step allocated {peak} bytes; the table has {TABLE_BYTES}"
    after = embedding.embeddings.numpy()[[5, 1]]
    assert not np.allclose(after[0], before[0]) and np.array_equal(after[1], before[1])


def test_compiled_scatter_keeps_a_fetched_read_unchanged():
    """A read of the table that the step returns must keep the old rows: the in-place scatter
    then writes a copy (the plan only drops reads nothing uses any more)."""
    table = gf.Variable(np.ones((6, 2), np.float32))

    @gf.function
    def step():
        before = table.read_value()
        gf.compat.v1.scatter_sub(table, [1, 1], gf.ones((2, 2)))
        return before, table.read_value()
    first, _ = step()
    before, after = step()
    np.testing.assert_array_equal(first.numpy()[1], [1, 1])
    np.testing.assert_array_equal(before.numpy()[1], [-1, -1])
    np.testing.assert_array_equal(after.numpy()[1], [-3, -3])
    np.testing.assert_array_equal(after.numpy()[0], [1, 1])


def test_compiled_scatter_after_a_gather_writes_the_table_in_place():
    table = gf.Variable(np.ones((6, 2), np.float32))

    @gf.function
    def step(ids):
        rows = gf.gather(table, ids)
        gf.compat.v1.scatter_sub(table, ids, rows * 0.5)
        return gf.reduce_sum(rows)
    for _ in range(3):      # traces, compiles (tiers up), copies the user's initial array once
        step(gf.constant([1, 1]))
    array = weakref.ref(table._state.value)       # a reference of its own would force a copy
    step(gf.constant([1, 2]))
    assert table._state.value is array()
    np.testing.assert_allclose(table.numpy()[:3, 0], [1, 0, 0.5])


def test_compiled_adam_step_updates_table_and_slots_in_place():
    """Keras's Adam densifies the gradient (and its square) as Keras on TF does, but the table and
    both moments are written where they are: two table-sized temporaries a step, not five."""
    embedding = keras.layers.Embedding(ROWS, DIM)
    embedding.build((None, 4))
    optimizer = keras.optimizers.Adam(0.01)
    ids = np.array([[5, 5, 99_999, 7], [0, 5, 3, 3]], np.int32)

    @gf.function
    def step(x):
        with gf.GradientTape() as tape:
            loss = gf.reduce_sum(gf.square(embedding(x)))
        grads = tape.gradient(loss, embedding.trainable_weights)
        optimizer.apply_gradients(zip(grads, embedding.trainable_weights))
    for _ in range(3):      # as above: slots, two traces, the tier-up
        step(ids)
    peak = peak_bytes_of(lambda: step(ids))
    assert peak < TABLE_BYTES * 2.5, f"a step allocated {peak} bytes; the table has {TABLE_BYTES}"
