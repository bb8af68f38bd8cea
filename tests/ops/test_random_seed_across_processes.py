"""A seeded program draws the same numbers in every process, whatever Python's hash seed."""
import os
import subprocess
import sys

import graphflow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(graphflow.__file__)))

PROGRAM = """
import graphflow as tf
tf.random.set_seed(7)
print(tf.random.normal([3]).numpy().tolist(), tf.random.uniform([2], seed=3).numpy().tolist())
"""


def _run(hash_seed: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True,
                          check=True).stdout


def test_global_seed_gives_the_same_numbers_in_every_process():
    assert _run("1") == _run("2")
