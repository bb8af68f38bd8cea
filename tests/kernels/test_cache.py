"""The on-disk kernel cache: atomic module files, reuse by a new process, repair of corrupt
entries, and a cache directory chosen by GRAPHFLOW_CACHE_DIR."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from graphflow.kernels import cache

SOURCE = textwrap.dedent('''
    import numpy as np
    from numba import njit

    @njit("void(Array(float64, 1, 'C'), Array(float64, 1, 'C'))", cache=True)
    def kernel(x, out):
        for i in range(x.size):
            out[i] = x[i] * {factor}
''')


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_CACHE_DIR", str(tmp_path))
    yield tmp_path
    cache.clear(memory_only=True)


def _use(key, factor=2.0):
    fn = cache.load(key, SOURCE.format(factor=factor))
    out = np.empty(3)
    fn(np.arange(3.0), out)
    return out


def test_modules_are_written_under_the_cache_dir_without_temp_files(cache_dir):
    _use("t_write")
    directory = cache.kernel_dir()
    assert directory.startswith(str(cache_dir))
    files = os.listdir(directory)
    assert "gfk_t_write.py" in files and not [f for f in files if f.startswith(".tmp-")]
    assert cache.is_warm("t_write")


def test_a_new_process_loads_the_kernel_instead_of_compiling(cache_dir):
    np.testing.assert_array_equal(_use("t_reuse"), [0.0, 2.0, 4.0])
    code = textwrap.dedent(f'''
        import numpy as np
        from graphflow.kernels import cache
        fn = cache.load("t_reuse", {SOURCE.format(factor=2.0)!r})
        out = np.empty(3); fn(np.arange(3.0), out)
        assert list(out) == [0.0, 2.0, 4.0]
        print(cache.stats["disk_loads"], cache.stats["compiles"])
    ''')
    env = dict(os.environ, GRAPHFLOW_CACHE_DIR=str(cache_dir))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["1", "0"]


def test_a_corrupt_entry_is_recompiled_not_a_crash(cache_dir):
    _use("t_corrupt")
    cache.clear(memory_only=True)
    directory = cache.kernel_dir()
    with open(os.path.join(directory, "gfk_t_corrupt.py"), "w") as f:
        f.write("this is not python (\n")
    pyc = os.path.join(directory, "__pycache__")
    for name in os.listdir(pyc):
        if name.startswith("gfk_t_corrupt") and name.endswith((".nbi", ".nbc")):
            with open(os.path.join(pyc, name), "wb") as f:
                f.write(b"\x00garbage")
    np.testing.assert_array_equal(_use("t_corrupt"), [0.0, 2.0, 4.0])


def test_a_corrupt_numba_index_alone_is_repaired(cache_dir):
    _use("t_index", factor=3.0)
    cache.clear(memory_only=True)
    pyc = os.path.join(cache.kernel_dir(), "__pycache__")
    for name in os.listdir(pyc):
        if name.startswith("gfk_t_index") and name.endswith(".nbi"):
            with open(os.path.join(pyc, name), "wb") as f:
                f.write(b"not a pickle")
    np.testing.assert_array_equal(_use("t_index", factor=3.0), [0.0, 3.0, 6.0])


def test_the_default_cache_dir_is_under_the_user_cache(monkeypatch):
    monkeypatch.delenv("GRAPHFLOW_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/some/where")
    assert cache.cache_root() == os.path.join("/some/where", "graphflow")
