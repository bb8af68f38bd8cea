"""Programs whose shape-like arguments (paddings, multiples, depth, slice bounds, shift, repeats,
perm, axis) are graph tensors computed from tf.shape / tf.rank, run by TensorFlow
(record_dynamic_shapes.py) and by graphflow (tests/ops/test_dynamic_shape_programs.py): each takes
the module (`tensorflow` or `graphflow`) and an input x of shape [3, 4] (fed as [None, None] in
functions and placeholders). DIFFERENTIABLE programs are also checked through their gradient;
ERRORS hold bad run-time values, which must raise TensorFlow's error class in every mode."""
import numpy as np

X = (np.arange(12, dtype=np.float32).reshape(3, 4) - 5.0) / 5.0
PROGRAMS = {}
ERRORS = {}
DIFFERENTIABLE = set()
# error programs where graphflow's message is its own (TF's class, not its words)
OWN_MESSAGES = {"repeat_negative_count": "repeat: repeats must be non-negative"}


def program(table=PROGRAMS, grad=True):
    def deco(fn):
        table[fn.__name__] = fn
        if grad and table is PROGRAMS:
            DIFFERENTIABLE.add(fn.__name__)
        return fn
    return deco


@program()
def pad_list(tf, x):
    return tf.pad(x, [[0, tf.shape(x)[0]], [1, 0]])


@program()
def pad_tensor_reflect(tf, x):
    n = tf.shape(x)[0]
    return tf.pad(x, tf.stack([[n - 2, 1], [0, n - 1]]), mode="REFLECT")


@program()
def pad_symmetric_constant_value(tf, x):
    symmetric = tf.pad(x * 2.0, [[1, 1], [tf.shape(x)[0] - 1, 0]], mode="SYMMETRIC")
    return symmetric + tf.pad(x, [[1, 1], [2, 0]], constant_values=3.0)


@program()
def slice_sizes(tf, x):
    return tf.slice(x, [0, 1], [tf.shape(x)[0] - 1, -1])


@program()
def slice_begin_tensor(tf, x):
    return tf.slice(x, tf.shape(x) - 2, [2, 1])


@program()
def getitem_bounds(tf, x):
    return x[: tf.shape(x)[0] - 1, 1:]


@program()
def getitem_negative_and_reversed(tf, x):
    n = tf.shape(x)[1]
    return x[::-1, -n + 1 : n - 1][..., None] * x[tf.shape(x)[0] - 1][None, :2, None]


@program()
def strided_slice_begin_end(tf, x):
    return tf.strided_slice(x, [tf.shape(x)[0] - 1, 0], [0, tf.shape(x)[1]], [-1, 2])


@program()
def tile_list(tf, x):
    return tf.tile(x, [1, tf.shape(x)[0]])


@program()
def tile_tensor(tf, x):
    return tf.tile(x[:, :2], tf.shape(x)[::-1] - 1)


@program(grad=False)
def one_hot_depth(tf, x):
    return tf.one_hot(tf.argmax(x, 1), tf.shape(x)[1], on_value=2.0, off_value=-1.0, axis=0)


@program(grad=False)
def eye_rows(tf, x):
    return tf.eye(tf.shape(x)[0])


@program(grad=False)
def eye_rows_columns_batch(tf, x):
    return tf.eye(tf.shape(x)[0], tf.shape(x)[1], batch_shape=[2], dtype=tf.float64)


@program()
def roll_shift(tf, x):
    return tf.roll(x, shift=tf.shape(x)[0], axis=1)


@program()
def roll_two_axes(tf, x):
    return tf.roll(x, shift=[tf.shape(x)[0] - 1, -tf.shape(x)[1] - 1], axis=[0, 1])


@program()
def repeat_scalar(tf, x):
    return tf.repeat(x, repeats=tf.shape(x)[0] - 1, axis=0)


@program()
def repeat_vector(tf, x):
    return tf.repeat(x, repeats=tf.range(tf.shape(x)[1]), axis=1)


@program()
def transpose_range_perm(tf, x):
    return tf.transpose(x, perm=tf.range(tf.rank(x) - 1, -1, -1))


@program()
def reduce_rank_axis(tf, x):
    return tf.reduce_sum(x, axis=tf.rank(x) - 1)


@program()
def transpose_perm_from_dims(tf, x):
    """a perm whose value is known only when the graph runs (from a dim, not the rank)"""
    return tf.transpose(x, tf.range(tf.shape(x)[0] - 2, -1, -1)) * tf.range(3.0)


@program()
def reduce_axis_from_dims(tf, x):
    axis = tf.shape(x)[0] - 2
    return tf.reduce_sum(x, axis=axis) + tf.reduce_max(x * x, axis=[axis], keepdims=True)[0]


@program(ERRORS)
def tile_negative_multiples(tf, x):
    return tf.tile(x, [1, -tf.shape(x)[0]])


@program(ERRORS)
def repeat_negative_scalar(tf, x):
    return tf.repeat(x, repeats=-tf.shape(x)[0], axis=0)


@program(ERRORS)
def repeat_negative_count(tf, x):
    """graphflow's message is its own (TF's answer depends on the shapes), the class is TF's"""
    return tf.repeat(x, repeats=tf.range(tf.shape(x)[1]) - 1, axis=1)


@program(ERRORS)
def pad_negative(tf, x):
    return tf.pad(x, [[0, -tf.shape(x)[0]], [0, 0]])


@program(ERRORS)
def pad_reflect_too_wide(tf, x):
    return tf.pad(x, [[tf.shape(x)[0], 0], [0, 0]], mode="REFLECT")


@program(ERRORS)
def one_hot_negative_depth(tf, x):
    return tf.one_hot([0, 1], -tf.shape(x)[0])
