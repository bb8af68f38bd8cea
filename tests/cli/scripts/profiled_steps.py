"""A few eager ops and a gf.function whose elementwise chain fuses into one kernel, in a Trace block."""
import numpy as np

import graphflow as tf


@tf.function
def gelu_ish(x):
    return x * tf.sigmoid(1.702 * x) + 0.5 * x


x = tf.constant(np.linspace(-2, 2, 64, dtype=np.float32))
for step in range(3):
    with tf.profiler.experimental.Trace("step", step_num=step):
        y = gelu_ish(x)
        z = tf.reduce_sum(tf.exp(x) * 2.0)
print(f"{float(tf.reduce_sum(y).numpy()):.4f} {float(z.numpy()):.4f}")
