"""Prints a number that depends on the execution model: a Python branch on executing_eagerly()
inside gf.function (TensorFlow's classic trace-time surprise). graphflow compare must flag it."""
import graphflow as tf


@tf.function
def scale(x):
    return x * (2.0 if tf.executing_eagerly() else 3.0)


print("same in every mode: 1.5")
print(f"scaled: {scale(tf.constant(1.0)).numpy():.3f}")
