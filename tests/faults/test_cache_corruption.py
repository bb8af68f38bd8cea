"""The kernel cache survives every form of corruption: each bad entry is rebuilt on next use,
never a crash, never another kernel's code, never a permanent fall-back to reference kernels."""
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from graphflow.kernels import cache

pytestmark = pytest.mark.filterwarnings("ignore:graphflow. kernel cache entry:RuntimeWarning")

# two kernels with different arities: loading one's compiled code for the other was the crash
SCALE = textwrap.dedent('''
    from numba import njit

    @njit("void(Array(float64, 1, 'C'), Array(float64, 1, 'C'))", cache=True)
    def kernel(x, out):
        for i in range(x.size):
            out[i] = x[i] * {factor}
''')
AXPY = textwrap.dedent('''
    from numba import njit

    @njit("void(Array(float64, 1, 'C'), Array(float64, 1, 'C'), Array(float64, 1, 'C'))", cache=True)
    def kernel(x, y, out):
        for i in range(x.size):
            out[i] = x[i] + y[i]
''')


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_CACHE_DIR", str(tmp_path))
    cache.clear(memory_only=True)
    yield tmp_path
    cache.clear(memory_only=True)


def _scale(key, factor=2.0):
    out = np.empty(3)
    cache.load(key, SCALE.format(factor=factor))(np.arange(3.0), out)
    return out


def _files(key, suffixes):
    pyc = os.path.join(cache.kernel_dir(), "__pycache__")
    return [os.path.join(pyc, f) for f in sorted(os.listdir(pyc))
            if f.startswith(f"gfk_{key}.") and f.endswith(suffixes)]


def _reload():
    """As a new process would: forget what this process loaded."""
    cache.clear(memory_only=True)


def _overwrite(path, data: bytes):
    with open(path, "wb") as f:
        f.write(data)


def test_compiled_code_of_another_kernel_is_detected_and_rebuilt(cache_dir):
    _scale("victim")
    out = np.empty(3)
    cache.load("other", AXPY)(np.arange(3.0), np.ones(3), out)
    _reload()
    # numba's index for `victim` now points at `other`'s machine code (same index, swapped data)
    for victim, other in zip(_files("victim", ".nbc"), _files("other", ".nbc")):
        shutil.copyfile(other, victim)
    np.testing.assert_array_equal(_scale("victim"), [0.0, 2.0, 4.0])
    _reload()
    np.testing.assert_array_equal(_scale("victim"), [0.0, 2.0, 4.0])     # and it stays repaired


@pytest.mark.parametrize("garbage", [b"\xff\xfe\x00 not utf-8 \x80\x81", b"", b"def kernel(:\n"],
                         ids=["non-utf8", "empty", "syntax-error"])
def test_a_damaged_module_file_is_rewritten(cache_dir, garbage):
    _scale("module")
    _reload()
    path = os.path.join(cache.kernel_dir(), "gfk_module.py")
    _overwrite(path, garbage)
    np.testing.assert_array_equal(_scale("module"), [0.0, 2.0, 4.0])
    with open(path, "rb") as f:
        assert f.read() == SCALE.format(factor=2.0).encode()


def test_another_kernels_source_under_this_name_is_rewritten(cache_dir):
    _scale("renamed", factor=2.0)
    _reload()
    with open(os.path.join(cache.kernel_dir(), "gfk_renamed.py"), "w") as f:
        f.write(SCALE.format(factor=5.0))
    np.testing.assert_array_equal(_scale("renamed", factor=2.0), [0.0, 2.0, 4.0])


@pytest.mark.parametrize("what,data", [(".nbi", b"not a pickle"), (".nbc", b"\x00garbage"), (".nbc", b""),
                                       (".sha256", b"0" * 64), (".sha256", b"\xff\xfe")],
                         ids=["index-garbage", "data-garbage", "data-empty", "digest-wrong", "digest-non-utf8"])
def test_damaged_numba_files_or_digest_are_rebuilt(cache_dir, what, data):
    _scale("files")
    _reload()
    paths = ([os.path.join(cache.kernel_dir(), "gfk_files.sha256")] if what == ".sha256"
             else _files("files", what))
    assert paths
    for p in paths:
        _overwrite(p, data)
    np.testing.assert_array_equal(_scale("files"), [0.0, 2.0, 4.0])


def test_deleted_numba_files_are_recompiled(cache_dir):
    _scale("gone")
    _reload()
    for p in _files("gone", (".nbi", ".nbc")):
        os.unlink(p)
    np.testing.assert_array_equal(_scale("gone"), [0.0, 2.0, 4.0])


def test_a_sound_entry_is_loaded_not_rebuilt(cache_dir):
    _scale("sound")
    _reload()
    before = dict(cache.stats)
    _scale("sound")
    assert cache.stats["disk_loads"] == before["disk_loads"] + 1
    assert cache.stats["repairs"] == before["repairs"]


def _read_only_dir(tmp_path):
    """A cache dir this process cannot write: chmod 0555 (or, as root, who ignores modes, a path
    below a regular file)."""
    if os.geteuid() == 0:
        blocker = tmp_path / "not-a-directory"
        blocker.write_text("")
        return str(blocker / "cache")
    d = tmp_path / "read-only"
    d.mkdir()
    d.chmod(0o555)
    return str(d)


def test_a_read_only_cache_dir_still_gives_compiled_kernels(tmp_path):
    code = textwrap.dedent('''
        import warnings
        warnings.simplefilter("ignore")
        import numpy as np
        import graphflow as gf
        from graphflow.kernels import cache, softmax
        g = gf.Graph()
        with g.as_default():
            x = gf.compat.v1.placeholder(gf.float32, (2, 3))
            y = gf.nn.softmax(x * 2.0 + 1.0)
        with gf.compat.v1.Session(graph=g) as s:
            v = s.run(y, {x: np.ones((2, 3), np.float32)})
        np.testing.assert_allclose(v, np.full((2, 3), 1 / 3), rtol=1e-6)
        assert cache.stats["in_memory"] >= 1, cache.stats        # the fused kernel was compiled
        assert softmax.softmax.signatures, "softmax ran its compiled kernel"
        print("ok")
    ''')
    env = dict(os.environ, GRAPHFLOW_CACHE_DIR=_read_only_dir(tmp_path), GRAPHFLOW_JIT_AFTER="1",
               GRAPHFLOW_STRICT="1")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-3000:]


def test_hand_written_kernels_cache_under_graphflow_cache_dir(tmp_path):
    code = textwrap.dedent('''
        import numpy as np
        from graphflow.kernels import softmax, static_cache
        x = np.ones((2, 3), np.float32)
        out = np.empty_like(x)
        softmax.softmax(x, 3, out)
        print(static_cache.static_dir())
    ''')
    env = dict(os.environ, GRAPHFLOW_CACHE_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    static = proc.stdout.strip()
    assert static.startswith(str(tmp_path))
    assert any(f.startswith("softmax.") and f.endswith(".nbi") for f in os.listdir(static))
