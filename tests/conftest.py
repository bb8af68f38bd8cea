"""Shared fixtures: every test starts eager with a fresh default graph, whatever the previous
test switched (disable_eager_execution, ops added to the default graph). The suite's time budget
(docs/testing.md) rests on compiling each kernel once: every test, subprocess and MPI rank uses one
kernel cache directory, and work that two directories need (the TensorBoard examples) runs once."""
import os
import subprocess
import sys

import pytest

import graphflow as gf

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# set before any test runs, so subprocesses and MPI ranks inherit it and load what this process
# compiled (.ci/run sets it too); a test about the cache itself points it at its own tmp_path
os.environ.setdefault("GRAPHFLOW_CACHE_DIR", os.path.join(REPO, ".cache", "graphflow"))
# no detached interpreter builds competing with the suite for the cores; tests/kernels/test_exprvm.py
# builds the interpreter itself, through kernels/interpreter_build.py's child process
os.environ.setdefault("GRAPHFLOW_INTERPRETER_BUILD", "off")


@pytest.fixture(autouse=True)
def restore_global_mode():
    """Put the process-wide mode back after each test: eager, empty default graph."""
    yield
    gf.compat.v1.enable_v2_behavior()       # eager, and elementwise tensor equality
    gf.compat.v1.reset_default_graph()


@pytest.fixture(scope="session")
def tensorboard_example_logs(tmp_path_factory):
    """The logs examples/tensorboard_keras.py and tensorboard_tf1.py write (in keras/ and tf1/),
    made once: tests/examples reads them with tensorboard's reader, tests/summary serves them."""
    logdir = tmp_path_factory.mktemp("tensorboard_examples")
    for script, sub in (("tensorboard_keras.py", "keras"), ("tensorboard_tf1.py", "tf1")):
        proc = subprocess.run([sys.executable, os.path.join(REPO, "examples", script), str(logdir / sub)],
                              capture_output=True, text=True, timeout=300, cwd=REPO,
                              env={**os.environ, "PYTHONPATH": REPO})
        assert proc.returncode == 0, proc.stderr
    return logdir
