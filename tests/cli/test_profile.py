"""gf.profiler.experimental (start/stop/Trace, as TensorFlow's) and `graphflow profile`: Chrome trace
JSON with per-op events in eager, per-kernel events in compiled plans naming the ops a fused kernel
covers, and nothing left patched once the profiler stops."""
import json
import os

import numpy as np
import pytest

import graphflow as tf
from graphflow import compiler
from graphflow.cli import main
from graphflow.eager.tensor import EagerTensor
from graphflow.ops import dispatch
from graphflow.profiler import summary

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts", "profiled_steps.py")


def test_profile_command_writes_chrome_traces_per_mode(tmp_path, capsys):
    code = main(["profile", SCRIPT, "--modes", "eager,compiled", "--logdir", str(tmp_path), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0, out
    eager = json.load(open(summary.latest_trace(tmp_path / "eager")))
    names = {(e["name"], e["cat"]) for e in eager["traceEvents"] if e["ph"] == "X"}
    assert {("Sigmoid", "eager op"), ("Exp", "eager op"), ("step", "trace")} <= names
    steps = [e for e in eager["traceEvents"] if e["name"] == "step"]
    assert [e["args"]["step_num"] for e in steps] == [0, 1, 2]
    compiled = json.load(open(summary.latest_trace(tmp_path / "compiled")))
    kernels = [e for e in compiled["traceEvents"] if e.get("cat") == "kernel (compiled plan)"]
    fused = [e for e in kernels if e["name"].startswith("FusedElementwise")]
    assert fused and "Sigmoid" in fused[0]["args"]["types"] and len(fused[0]["args"]["ops"]) >= 3
    assert any(e["cat"] == "trace/compile" for e in compiled["traceEvents"] if e["ph"] == "X")
    assert "== eager:" in out and "== compiled:" in out and "covers:" in out and "Python between ops" in out


def test_start_stop_and_trace_in_process(tmp_path):
    x = tf.constant(np.arange(8, dtype=np.float32))
    tf.profiler.experimental.start(str(tmp_path))
    with pytest.raises(tf.errors.AlreadyExistsError):
        tf.profiler.experimental.start(str(tmp_path))
    with tf.profiler.experimental.Trace("block", step_num=1):
        y = tf.exp(x) + 1.0
    path = tf.profiler.experimental.stop()
    events = json.load(open(path))["traceEvents"]
    assert {"Exp", "Add", "block"} <= {e["name"] for e in events}
    np.testing.assert_allclose(y.numpy(), np.exp(np.arange(8)) + 1, rtol=1e-6)
    with pytest.raises(tf.errors.UnavailableError):
        tf.profiler.experimental.stop()


def test_profiler_off_leaves_the_hot_paths_untouched(tmp_path):
    before = (dispatch.execute, EagerTensor.__dict__["__add__"], compiler.CompiledPlan.__call__,
              compiler.build)

    @tf.function
    def f(v):
        return v * 2.0 + 1.0

    v = tf.constant([1.0, 2.0])
    with tf.profiler.experimental.Profile(str(tmp_path)):
        for _ in range(3):           # the interpreter, then a plan compiled while profiling
            f(v)
    after = (dispatch.execute, EagerTensor.__dict__["__add__"], compiler.CompiledPlan.__call__, compiler.build)
    assert after == before
    plan = f.get_concrete_function(v)._plan
    ex = plan.executable()
    assert ex.kernel_globals and plan._hot is ex.run      # compiled while profiling, restored at stop
    assert not any(getattr(g, "__name__", "") == "timed" for g in ex.run.__globals__.values())
    np.testing.assert_allclose(f(v).numpy(), [3.0, 5.0])
