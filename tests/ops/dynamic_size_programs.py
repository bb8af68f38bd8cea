"""Programs whose size-like arguments are graph tensors known only when the graph runs (from
tf.shape of a None-dim input): each is `fn(tf, x)` over a module `tf`, so that
tools/tfref/record_dynamic_sizes.py runs the same source under TensorFlow that
tests/ops/test_dynamic_size_programs.py runs under graphflow. PROGRAMS: name -> (fn, the input's
shape, whether TF differentiates it)."""
import numpy as np

INPUT = ((np.arange(12) * 7) % 12).reshape(3, 4).astype(np.float32) / 5.0   # distinct, in [0, 2.2]


def top_k(tf, x):
    values, indices = tf.math.top_k(x, k=tf.shape(x)[0] - 1)
    return tf.concat([values, tf.cast(indices, tf.float32)], 1)


def top_k_values(tf, x):
    return tf.math.top_k(x, k=tf.shape(x)[1] - 1).values


def unsorted_segments(tf, x):
    n = tf.shape(x)[0]
    ids = tf.math.floormod(tf.range(n), n - 1)
    return tf.concat([tf.math.unsorted_segment_sum(x, ids, n - 1), tf.math.unsorted_segment_max(x, ids, n),
                      tf.math.unsorted_segment_mean(x, ids, n + 1), tf.math.unsorted_segment_prod(x, ids, n - 1),
                      tf.math.unsorted_segment_sqrt_n(x, ids, n - 1)], 0)


def bincount_minlength(tf, x):
    return tf.cast(tf.math.bincount(tf.cast(x, tf.int32), minlength=tf.shape(x)[0] * 2), tf.float32)


def bincount_maxlength(tf, x):
    counts = tf.math.bincount(tf.cast(x * 3.0, tf.int32), maxlength=tf.shape(x)[1], weights=x)
    return counts + tf.cast(tf.size(tf.math.bincount(tf.cast(x, tf.int32), maxlength=tf.shape(x)[0] - 3)), tf.float32)


def linspace(tf, x):
    return tf.linspace(0.0, 1.0, tf.shape(x)[1]) * tf.reduce_sum(x)


def linspace_rows(tf, x):
    return tf.linspace(x[:, 0], x[:, 1] * 3.0, tf.shape(x)[1] + 1, axis=1)


def resize_bilinear(tf, x):
    return tf.image.resize(x[None, :, :, None], [tf.shape(x)[0] * 2, 4])[0, :, :, 0]


def resize_bicubic(tf, x):
    size = tf.stack([tf.shape(x)[0] + 2, tf.shape(x)[1] - 1])
    return tf.image.resize(x[:, :, None], size, method="bicubic")[:, :, 0]


def resize_nearest(tf, x):
    return tf.image.resize(x[None, :, :, None], [tf.shape(x)[0] + 1, tf.shape(x)[1] * 2], method="nearest")[0, :, :, 0]


def map_fn(tf, x):
    return tf.map_fn(lambda r: tf.sin(r) * 2.0 + tf.reduce_sum(r), x)


def tensor_array(tf, x):
    ta = tf.TensorArray(tf.float32, size=tf.shape(x)[0]).unstack(x * 3.0)
    return ta.stack() + ta.read(ta.size() - 1)


PROGRAMS = {
    "top_k": (top_k, [None, None], False),
    "top_k_values": (top_k_values, [None, None], True),
    "unsorted_segments": (unsorted_segments, [None, None], True),
    "bincount_minlength": (bincount_minlength, [None, None], False),
    "bincount_maxlength": (bincount_maxlength, [None, None], False),
    "linspace": (linspace, [None, None], True),
    "linspace_rows": (linspace_rows, [None, None], True),
    "resize_bilinear": (resize_bilinear, [None, None], True),
    "resize_bicubic": (resize_bicubic, [None, None], True),
    "resize_nearest": (resize_nearest, [None, None], False),
    "map_fn": (map_fn, [None, None], True),
    "tensor_array": (tensor_array, [None, None], True),
}


# Programs whose run-time sizes are bad: TensorFlow's InvalidArgumentError, raised when the graph runs.
FAILING = {
    "top_k_too_many": lambda tf, x: tf.math.top_k(x, k=tf.shape(x)[1] + 1).values,
    "top_k_negative": lambda tf, x: tf.math.top_k(x, k=tf.shape(x)[0] - 4).values,
    "segments_negative": lambda tf, x: tf.math.unsorted_segment_sum(x, [0, 1, 0], tf.shape(x)[0] - 4),
    "linspace_negative": lambda tf, x: tf.linspace(0.0, 1.0, tf.shape(x)[0] - 4),
}


def tensor_array_loop(tf, x):
    """TF2's accumulate-in-a-loop pattern (a Python for over tf.range: AutoGraph's, so not in TF1 graphs)."""
    n = tf.shape(x)[0]
    ta = tf.TensorArray(tf.float32, size=n)
    for i in tf.range(n):
        ta = ta.write(i, tf.sin(x[i]) * 2.0 + tf.cast(i, tf.float32))
    return ta.stack()


LOOPS = {"tensor_array_loop": tensor_array_loop}
