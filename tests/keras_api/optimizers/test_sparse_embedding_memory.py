"""A training step of a 100k-row embedding touches the looked-up rows only: no dense table-sized
gradient or update is allocated (tracemalloc counts numpy's allocations) with the optimizers whose
Keras-on-TensorFlow update is sparse (SGD without momentum, Adagrad). Eagerly the scatter writes
the table in place; a compiled step still holds its read of the table when the scatter runs, so
the scatter writes a copy (one table, where the dense gradient's step allocated two or three)."""
import tracemalloc

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
    for _ in range(2):                                       # builds the slots (and traces)
        step(ids)
    before = embedding.embeddings.numpy()[[5, 1]]
    peak = peak_bytes_of(lambda: step(ids))
    limit = TABLE_BYTES * 1.25 if compiled else TABLE_BYTES / 4
    assert peak < limit, f"a step allocated {peak} bytes; the table has {TABLE_BYTES}"
    after = embedding.embeddings.numpy()[[5, 1]]
    assert not np.allclose(after[0], before[0]) and np.array_equal(after[1], before[1])
