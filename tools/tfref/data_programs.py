"""tf.data programs run by TensorFlow (record_data.py) and by graphflow (tests/data_api/):
each takes the module (`tensorflow` or `graphflow`) and returns a dataset, in the style of
TensorFlow's tf.data guide.  Keep them deterministic: shuffles are recorded but compared as
permutations (graphflow's random stream is not TensorFlow's Philox)."""
import collections

import numpy as np

PROGRAMS = {}
ERRORS = {}          # programs whose construction or iteration must fail
SHUFFLES = {}        # seeded shuffles: TF's order is recorded, graphflow checks the semantics


def program(table=PROGRAMS):
    def deco(fn):
        table[fn.__name__] = fn
        return fn
    return deco


# ---- sources ----------------------------------------------------------------------------------------------
@program()
def slices_tuple(tf):
    return tf.data.Dataset.from_tensor_slices(([1, 2, 3], [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))


@program()
def slices_dict(tf):
    return tf.data.Dataset.from_tensor_slices({"b": np.arange(4, dtype=np.int64), "a": np.ones((4, 2), np.float32)})


@program()
def slices_numpy_uint8(tf):
    return tf.data.Dataset.from_tensor_slices(np.arange(24, dtype=np.uint8).reshape(3, 2, 4))


@program()
def tensors_nested(tf):
    return tf.data.Dataset.from_tensors(({"x": [1.0, 2.0]}, 7))


@program()
def range_args(tf):
    return tf.data.Dataset.range(2, 11, 3)


@program()
def range_negative_step(tf):
    return tf.data.Dataset.range(5, 0, -2)


@program()
def generator_signature(tf):
    def gen():
        for i in range(4):
            yield np.full((i,), i, np.int32), float(i) / 2
    sig = (tf.TensorSpec(shape=(None,), dtype=tf.int32), tf.TensorSpec(shape=(), dtype=tf.float32))
    return tf.data.Dataset.from_generator(gen, output_signature=sig)


@program()
def zip_nested(tf):
    a = tf.data.Dataset.range(5)
    b = tf.data.Dataset.range(10, 13)
    return tf.data.Dataset.zip((a, {"k": b}))


@program()
def concatenate_ranges(tf):
    return tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(10, 12))


# ---- transformations ----------------------------------------------------------------------------------------
@program()
def map_tuple(tf):
    ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [1.5, 2.5, 3.5]))
    return ds.map(lambda x, y: (tf.cast(x, tf.float32) * y, {"sum": x + 1}))


@program()
def map_dict(tf):
    ds = tf.data.Dataset.from_tensor_slices({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    return ds.map(lambda d: d["a"] * 10.0 + d["b"])


@program()
def map_parallel_ordered(tf):
    return tf.data.Dataset.range(20).map(lambda x: x * x, num_parallel_calls=4, deterministic=True)


@program()
def filter_even(tf):
    return tf.data.Dataset.range(12).filter(lambda x: x % 3 == 0)


@program()
def batch_remainder(tf):
    return tf.data.Dataset.range(10).batch(4)


@program()
def batch_drop_remainder(tf):
    return tf.data.Dataset.range(10).map(lambda x: (x, tf.cast(x, tf.float32))).batch(4, drop_remainder=True)


@program()
def padded_batch_default(tf):
    ds = tf.data.Dataset.range(1, 6).map(lambda x: tf.fill([x], x))
    return ds.padded_batch(2)


@program()
def padded_batch_shapes(tf):
    ds = tf.data.Dataset.range(1, 5).map(lambda x: (tf.fill([x], tf.cast(x, tf.float32)), x))
    return ds.padded_batch(3, padded_shapes=([5], []), padding_values=(-1.0, np.int64(0)))


@program()
def unbatch_tuple(tf):
    return tf.data.Dataset.from_tensor_slices(([[1, 2], [3, 4]], [[5.0, 6.0], [7.0, 8.0]])).unbatch()


@program()
def rebatch_sizes(tf):
    return tf.data.Dataset.range(10).batch(4).rebatch(3)


@program()
def rebatch_drop(tf):
    return tf.data.Dataset.range(10).batch(4).rebatch(3, drop_remainder=True)


@program()
def repeat_take_skip(tf):
    return tf.data.Dataset.range(4).repeat(3).skip(2).take(7)


@program()
def repeat_forever_take(tf):
    return tf.data.Dataset.range(3).repeat().take(8)


@program()
def take_all(tf):
    return tf.data.Dataset.range(5).take(-1)


@program()
def skip_all(tf):
    return tf.data.Dataset.range(5).skip(-1)


@program()
def cache_memory(tf):
    return tf.data.Dataset.range(5).map(lambda x: x + 1).cache().repeat(2)


@program()
def prefetch_batches(tf):
    return tf.data.Dataset.range(9).batch(2).prefetch(tf.data.AUTOTUNE)


@program()
def interleave_blocks(tf):
    ds = tf.data.Dataset.range(1, 5)
    return ds.interleave(lambda x: tf.data.Dataset.from_tensors(x).repeat(x), cycle_length=2, block_length=2)


@program()
def interleave_cycle3(tf):
    ds = tf.data.Dataset.range(5)
    return ds.interleave(lambda x: tf.data.Dataset.range(x * 10, x * 10 + 3), cycle_length=3)


@program()
def flat_map_slices(tf):
    ds = tf.data.Dataset.from_tensor_slices([[1, 2, 3], [4, 5, 6]])
    return ds.flat_map(tf.data.Dataset.from_tensor_slices)


@program()
def window_shift(tf):
    return tf.data.Dataset.range(7).window(3, shift=2).flat_map(lambda w: w.batch(3))


@program()
def window_stride_drop(tf):
    return tf.data.Dataset.range(10).window(3, shift=1, stride=2, drop_remainder=True).flat_map(
        lambda w: w.batch(3))


@program()
def window_tuple(tf):
    ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3, 4, 5], [10.0, 20.0, 30.0, 40.0, 50.0]))
    return ds.window(2).flat_map(lambda a, b: tf.data.Dataset.zip((a.batch(2), b.batch(2))))


@program()
def enumerate_start(tf):
    return tf.data.Dataset.from_tensor_slices([10, 20, 30]).enumerate(start=5)


@program()
def shard_second(tf):
    return tf.data.Dataset.range(10).shard(3, 1)


@program()
def apply_fn(tf):
    return tf.data.Dataset.range(6).apply(lambda ds: ds.filter(lambda x: x > 2).map(lambda x: x * 2))


@program()
def scan_running_sum(tf):
    return tf.data.Dataset.range(6).scan(np.int64(0), lambda s, x: (s + x, (s, x * 2)))


@program()
def take_while_small(tf):
    return tf.data.Dataset.range(10).take_while(lambda x: x < 4)


@program()
def choose_from(tf):
    datasets = [tf.data.Dataset.from_tensors("a" == "a").repeat(), tf.data.Dataset.from_tensors(False).repeat()]
    choice = tf.data.Dataset.range(2).repeat(3)
    return tf.data.Dataset.choose_from_datasets(datasets, choice)


@program()
def choose_three(tf):
    datasets = [tf.data.Dataset.range(0, 3), tf.data.Dataset.range(10, 13), tf.data.Dataset.range(20, 23)]
    choice = tf.data.Dataset.from_tensor_slices(np.array([0, 2, 1, 2, 0, 1], np.int64))
    return tf.data.experimental.choose_from_datasets(datasets, choice)


@program()
def image_pipeline_small(tf):
    images = np.arange(6 * 4 * 4, dtype=np.uint8).reshape(6, 4, 4)
    labels = np.arange(6, dtype=np.int64)
    ds = tf.data.Dataset.from_tensor_slices((images, labels))
    ds = ds.map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y))
    return ds.batch(4)


# ---- cardinality only (infinite or unknown) ----------------------------------------------------------------
CARDINALITY_ONLY = {
    "repeat_infinite": lambda tf: tf.data.Dataset.range(3).repeat(),
    "filter_unknown": lambda tf: tf.data.Dataset.range(3).filter(lambda x: x > 0),
    "infinite_batch": lambda tf: tf.data.Dataset.range(3).repeat().batch(2),
    "infinite_take": lambda tf: tf.data.Dataset.range(3).repeat().take(5),
    "unknown_take": lambda tf: tf.data.Dataset.range(3).filter(lambda x: x > 0).take(5),
    "unknown_repeat": lambda tf: tf.data.Dataset.range(3).filter(lambda x: x > 0).repeat(2),
    "repeat_zero": lambda tf: tf.data.Dataset.range(3).repeat(0),
    "zip_infinite_finite": lambda tf: tf.data.Dataset.zip((tf.data.Dataset.range(3).repeat(),
                                                           tf.data.Dataset.range(4))),
    "concat_infinite": lambda tf: tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(2).repeat()),
    "skip_infinite": lambda tf: tf.data.Dataset.range(3).repeat().skip(4),
    "shard_uneven": lambda tf: tf.data.Dataset.range(10).shard(4, 3),
    "window_drop": lambda tf: tf.data.Dataset.range(10).window(4, shift=3, drop_remainder=True),
    "window_keep": lambda tf: tf.data.Dataset.range(10).window(4, shift=3),
    "generator": lambda tf: tf.data.Dataset.from_generator(lambda: iter([1]), output_signature=tf.TensorSpec(
        (), tf.int32)),
    "flat_map": lambda tf: tf.data.Dataset.range(3).flat_map(lambda x: tf.data.Dataset.from_tensors(x)),
    "unbatch": lambda tf: tf.data.Dataset.range(4).batch(2).unbatch(),
    "scan": lambda tf: tf.data.Dataset.range(4).scan(np.int64(0), lambda s, x: (s, x)),
    "take_while": lambda tf: tf.data.Dataset.range(4).take_while(lambda x: x < 2),
    "rebatch": lambda tf: tf.data.Dataset.range(10).batch(4).rebatch(3),
    "sample_infinite": lambda tf: tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(2).repeat(), tf.data.Dataset.range(3).repeat()], seed=1),
    "sample_finite": lambda tf: tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(2), tf.data.Dataset.range(3)], seed=1),
    "enumerate": lambda tf: tf.data.Dataset.range(7).enumerate(),
    "cache_prefetch": lambda tf: tf.data.Dataset.range(7).cache().prefetch(1),
}


# ---- seeded shuffles ----------------------------------------------------------------------------------------
@program(SHUFFLES)
def shuffle_seeded_two_epochs(tf):
    return tf.data.Dataset.range(20).shuffle(5, seed=42).repeat(2)


@program(SHUFFLES)
def shuffle_no_reshuffle(tf):
    return tf.data.Dataset.range(20).shuffle(5, seed=7, reshuffle_each_iteration=False).repeat(2)


@program(SHUFFLES)
def shuffle_buffer_one(tf):
    return tf.data.Dataset.range(10).shuffle(1, seed=3)


# ---- errors -------------------------------------------------------------------------------------------------
@program(ERRORS)
def batch_ragged(tf):
    return tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x)).batch(3)


@program(ERRORS)
def shuffle_buffer_zero(tf):
    return tf.data.Dataset.range(3).shuffle(0)


@program(ERRORS)
def generator_wrong_shape(tf):
    def gen():
        yield np.zeros((2,), np.float32)
        yield np.zeros((3,), np.float32)
    return tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec((2,), tf.float32))


@program(ERRORS)
def generator_wrong_dtype(tf):
    def gen():
        yield np.array([1.5, 2.5])
    return tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec((2,), tf.int32))


@program(ERRORS)
def map_mismatched_structure(tf):
    ds = tf.data.Dataset.range(4)
    return ds.reduce(np.int64(0), lambda s, x: (s + x, s))


@program(ERRORS)
def slices_mismatched_sizes(tf):
    return tf.data.Dataset.from_tensor_slices(([1, 2, 3], [1, 2]))


@program(ERRORS)
def filter_not_bool(tf):
    return tf.data.Dataset.range(3).filter(lambda x: x)


_ = collections


# ---- functions see the names they read as they were when the transformation was built ------------------
@program()
def flat_map_in_a_loop(tf):
    """Pipelines built in a loop: each flat_map keeps its own loop variable (TF traces it then)."""
    base = tf.data.Dataset.range(3)
    parts = []
    for k in (1, 2, 3):
        parts.append(base.flat_map(lambda x: tf.data.Dataset.from_tensors(x * 10 + k).repeat(k)))
    out = parts[0]
    for p in parts[1:]:
        out = out.concatenate(p)
    return out


@program()
def interleave_of_itself_before(tf):
    """`ds = ds.interleave(lambda i: ds...)` reads the dataset as it was before the assignment."""
    ds = tf.data.Dataset.range(5)
    ds = ds.interleave(lambda i: ds.take(i), cycle_length=2, block_length=1)
    return ds


@program()
def group_by_window_loop_variable(tf):
    out = None
    for size in (2, 3):
        ds = tf.data.Dataset.range(8).group_by_window(
            key_func=lambda x: x % 2, reduce_func=lambda key, w: w.batch(size), window_size=size)
        out = ds if out is None else out.concatenate(ds)
    return out
