"""Never ends: graphflow compare --timeout must stop it."""
import graphflow as tf

x = tf.constant(1.0)
while True:
    x = x * 1.0
