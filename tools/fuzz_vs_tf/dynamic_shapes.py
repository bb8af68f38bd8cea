"""Common TF idioms whose shape-like arguments are graph tensors (tf.shape(x)[0] in a gf.function
traced for [None, None] inputs), under one framework; outputs or errors saved for compare.py:

    python dynamic_shapes.py graphflow; /path/to/tf/python dynamic_shapes.py tensorflow
"""

import importlib
import os
import sys

import numpy as np
from _common import OUT

tf = importlib.import_module(sys.argv[1])
x_np = np.arange(12, dtype=np.float32).reshape(3, 4) / 5.0
cases = {
    "zeros_shape": lambda x: tf.zeros(tf.shape(x)) + x,
    "ones_list": lambda x: tf.ones([tf.shape(x)[0], 2]),
    "fill": lambda x: tf.fill([tf.shape(x)[0], 2], 3.0),
    "reshape_dyn": lambda x: tf.reshape(x, [tf.shape(x)[0] * tf.shape(x)[1]]),
    "reshape_m1": lambda x: tf.reshape(x, [-1, 2]),
    "tile_dyn": lambda x: tf.tile(x, [1, tf.shape(x)[0]]),
    "one_hot_dyn": lambda x: tf.one_hot(tf.argmax(x, 1), tf.shape(x)[1]),
    "slice_dyn": lambda x: tf.slice(x, [0, 1], [tf.shape(x)[0] - 1, -1]),
    "strided_dyn": lambda x: x[: tf.shape(x)[0] - 1, 1:],
    "pad_dyn": lambda x: tf.pad(x, [[0, tf.shape(x)[0]], [1, 0]]),
    "linspace_dyn": lambda x: tf.linspace(0.0, 1.0, tf.shape(x)[1]),
    "random_shape": lambda x: tf.shape(tf.random.uniform(tf.shape(x))),
    "eye_dyn": lambda x: tf.eye(tf.shape(x)[0]),
    "seqmask_dyn": lambda x: tf.sequence_mask([1, 3, 2], tf.shape(x)[1]),
    "split_dyn": lambda x: tf.split(x, 2, axis=1)[0],
    "topk_dyn": lambda x: tf.math.top_k(x, k=tf.shape(x)[0] - 1).values,
    "broadcast_to_dyn": lambda x: tf.broadcast_to(x[:1], tf.shape(x)),
    "zeros_like_dyn": lambda x: tf.zeros_like(x) + tf.cast(tf.size(x), tf.float32),
    "expand_concat": lambda x: tf.concat([x, tf.zeros([tf.shape(x)[0], 1])], axis=1),
    "gather_range": lambda x: tf.gather(x, tf.range(tf.shape(x)[0] - 1, -1, -1)),
    "ta_loop": lambda x: (lambda ta: ta.stack())(tf.TensorArray(tf.float32, size=tf.shape(x)[0]).unstack(x)),
    "reduce_dyn_axis": lambda x: tf.reduce_sum(x, axis=tf.rank(x) - 1),
    "transpose_dyn": lambda x: tf.transpose(x, perm=tf.range(tf.rank(x) - 1, -1, -1)),
    "squeeze_expand": lambda x: tf.squeeze(tf.expand_dims(x, 0), 0),
    "matrix_diag": lambda x: tf.linalg.diag(x[0]),
    "scatter_dyn": lambda x: tf.scatter_nd([[0], [2]], x[:2], tf.shape(x)),
    "image_resize": lambda x: tf.image.resize(x[None, :, :, None], [tf.shape(x)[0] * 2, 4])[0, :, :, 0],
    "roll_dyn": lambda x: tf.roll(x, shift=tf.shape(x)[0], axis=1),
    "repeat_dyn": lambda x: tf.repeat(x, repeats=tf.shape(x)[0] - 1, axis=0),
    "unsorted_seg": lambda x: tf.math.unsorted_segment_sum(x, [0, 1, 0], tf.shape(x)[0] - 1),
    "where_dyn": lambda x: tf.cast(tf.where(x > 1.0), tf.float32),
    "boolean_mask": lambda x: tf.boolean_mask(x, x[:, 0] > 0.5),
    "cumsum_axis_t": lambda x: tf.cumsum(x, axis=tf.constant(1)),
    "bincount": lambda x: tf.math.bincount(tf.cast(x, tf.int32), minlength=tf.shape(x)[0]),
    "range_float": lambda x: tf.range(tf.reduce_max(x)),
    "shape_dims_ops": lambda x: tf.cast(tf.shape(x)[0] * 2 + tf.shape(x)[1], tf.float32) * x,
    "map_fn": lambda x: tf.map_fn(lambda r: r * 2.0, x),
    "while_dyn": lambda x: tf.while_loop(
        lambda i, a: i < tf.shape(x)[0], lambda i, a: (i + 1, a + x[i]), [0, tf.zeros([tf.shape(x)[1]])]
    )[1],
    "einsum_dyn": lambda x: tf.einsum("ij,ik->jk", x, x),
    "gather_nd_dyn": lambda x: tf.gather_nd(
        x, tf.stack([tf.range(tf.shape(x)[0]), tf.zeros([tf.shape(x)[0]], tf.int32)], 1)
    ),
}
res = {}
for k, f in cases.items():
    try:
        fn = tf.function(f, input_signature=[tf.TensorSpec([None, None], tf.float32)])
        y = fn(tf.constant(x_np))
        res[k] = np.asarray(y.numpy(), dtype=np.float64)
    except Exception as e:
        res[k + "_err"] = np.array(type(e).__name__ + ": " + str(e).split("\n")[0][:200])
np.savez(os.path.join(OUT, "dynamic_shapes_%s.npz" % sys.argv[1]), **res)
