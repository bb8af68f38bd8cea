"""Waits for input: graphflow compare closes stdin, so input() fails at once instead of hanging."""
import graphflow as tf

print("seed?")
seed = int(input())
tf.random.set_seed(seed)
