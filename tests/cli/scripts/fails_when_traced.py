"""Works eagerly, fails when traced: a symbolic tensor has no value (`.numpy()` in a gf.function)."""
import graphflow as tf


@tf.function
def double(x):
    return x * float(x.numpy())


print("result:", double(tf.constant(2.0)).numpy())
