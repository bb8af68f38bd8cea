"""The expression interpreter is built once, in a background process, by the first plan that could
use it (kernels/interpreter_build.py); tests/kernels/test_exprvm.py runs the real build."""
import os
import sys

import numpy as np
import pytest

import graphflow as gf
from graphflow.compiler import compile_plan
from graphflow.kernels import cache, exprvm, interpreter_build


class FakePopen:
    started: list = []

    def __init__(self, args, **kwargs):
        FakePopen.started.append((args, kwargs))


@pytest.fixture
def unbuilt(monkeypatch, tmp_path):
    """A fresh cache without the interpreter, background builds on, children recorded not run."""
    monkeypatch.setenv("GRAPHFLOW_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv(interpreter_build.ENV, "background")
    monkeypatch.setattr(exprvm, "ready", lambda t: False)
    monkeypatch.setattr(interpreter_build, "_started", {})
    monkeypatch.setattr(interpreter_build.subprocess, "Popen", FakePopen)
    FakePopen.started = []
    return tmp_path


def _compiled_gelu_like(n=7):
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [n])
        y = gf.tanh(x * 0.5) + x
    plan = compile_plan(g, [y], [], [x], {"jit_after": 1})
    return plan([np.linspace(-1, 1, n, dtype=np.float32)])


def test_the_first_plan_that_could_use_it_starts_one_detached_low_priority_build(unbuilt):
    _compiled_gelu_like()
    _compiled_gelu_like(9)                    # a second graph in the same process: no second build
    assert len(FakePopen.started) == 1
    args, kwargs = FakePopen.started[0]
    assert args == [sys.executable, "-m", "graphflow.kernels.interpreter_build", "float32"]
    assert kwargs["start_new_session"] and kwargs["stdout"] is interpreter_build.subprocess.DEVNULL
    assert os.path.exists(interpreter_build.claim_path("float32"))


def test_the_plan_still_compiles_its_own_kernels_meanwhile(unbuilt):
    out = _compiled_gelu_like()
    x = np.linspace(-1, 1, 7, dtype=np.float32)
    np.testing.assert_allclose(out[0], np.tanh(x * 0.5) + x, rtol=1e-6)


def test_a_build_claimed_by_another_process_is_not_started_again(unbuilt):
    os.makedirs(cache.kernel_dir(), exist_ok=True)
    open(interpreter_build.claim_path("float32"), "w").close()
    assert interpreter_build.start("float32") is None
    assert FakePopen.started == []


def test_a_stale_claim_is_taken_over(unbuilt):
    os.makedirs(cache.kernel_dir(), exist_ok=True)
    claim = interpreter_build.claim_path("float32")
    open(claim, "w").close()
    old = os.stat(claim).st_mtime - interpreter_build.CLAIM_TIMEOUT_S - 5
    os.utime(claim, (old, old))
    interpreter_build.start("float32")
    assert len(FakePopen.started) == 1


@pytest.mark.parametrize("value", ["off", "0", "no"])
def test_turned_off_starts_nothing(unbuilt, monkeypatch, value):
    monkeypatch.setenv(interpreter_build.ENV, value)
    _compiled_gelu_like()
    assert FakePopen.started == []


def test_a_kernel_another_process_is_still_writing_is_not_warm(monkeypatch, tmp_path):
    monkeypatch.setenv("GRAPHFLOW_CACHE_DIR", str(tmp_path))
    name = "gfk_0123456789abcdef"
    pyc = os.path.join(cache.kernel_dir(), "__pycache__")
    os.makedirs(pyc)
    open(os.path.join(pyc, f"{name}.kernel-1.py311.nbi"), "w").close()
    assert not cache.is_warm("0123456789abcdef")          # numba's index, but no digest yet
    open(os.path.join(cache.kernel_dir(), f"{name}.sha256"), "w").close()
    assert cache.is_warm("0123456789abcdef")
