"""Saving is atomic and tidy: a save killed mid-write leaves the old file intact, the next save
removes the orphaned temp file, and saved files get the permissions the umask allows."""
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import graphflow as gf
from graphflow.atomic_file import remove_orphans, write_atomic

keras = gf.keras

# a child that saves a model and hangs after writing the temp file, before it is moved into place
CHILD = textwrap.dedent('''
    import os, sys, time
    import graphflow as gf
    keras = gf.keras
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    def hang(fd):
        print("writing", flush=True)
        time.sleep(600)
    os.fsync = hang
    model.save(sys.argv[1])
''')


def _model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _temp_files(directory):
    return sorted(f for f in os.listdir(directory) if f.startswith(".tmp-"))


def _kill_mid_save(path):
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)


def test_a_killed_save_keeps_the_old_model_and_the_next_save_removes_its_orphan(tmp_path):
    path = tmp_path / "model.keras"
    first = _model()
    first.save(path)
    _kill_mid_save(path)
    assert len(_temp_files(tmp_path)) == 1                 # the orphan, with part of the model
    restored = keras.models.load_model(path)               # the old file is untouched
    x = np.ones((2, 4), np.float32)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), first.predict(x, verbose=0))
    _model().save(path)
    assert _temp_files(tmp_path) == []


def test_saving_another_file_in_the_directory_also_removes_dead_writers_temp_files(tmp_path):
    _kill_mid_save(tmp_path / "a.keras")
    assert _temp_files(tmp_path)
    _model().save_weights(tmp_path / "b.weights.h5")
    assert _temp_files(tmp_path) == []


def test_a_live_writers_temp_file_is_kept(tmp_path):
    live = tmp_path / f".tmp-model.keras-{os.getpid()}-abc123"
    live.write_bytes(b"in progress")
    assert remove_orphans(str(tmp_path)) == 0 and live.exists()


def test_old_pidless_temp_files_of_the_same_file_are_removed_once_stale(tmp_path):
    old = tmp_path / ".tmp-model.keras-x1y2z3"
    old.write_bytes(b"left by an older version")
    assert remove_orphans(str(tmp_path), "model.keras") == 0         # could still be in progress
    stale = time.time() - 3600
    os.utime(old, (stale, stale))
    assert remove_orphans(str(tmp_path), "model.keras") == 1


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_saved_models_and_weights_are_readable_by_others_under_umask_022(tmp_path, umask_022):
    model = _model()
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    assert _mode(tmp_path / "m.keras") == 0o644
    assert _mode(tmp_path / "m.weights.h5") == 0o644


def test_saved_files_follow_a_strict_umask_too(tmp_path):
    old = os.umask(0o077)
    try:
        write_atomic(tmp_path / "f.bin", b"x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "f.bin") == 0o600


def test_kernel_cache_files_follow_the_umask(tmp_path, monkeypatch, umask_022):
    from graphflow.kernels import cache
    monkeypatch.setenv("GRAPHFLOW_CACHE_DIR", str(tmp_path))
    cache.clear(memory_only=True)
    try:
        cache.load("umask", "def kernel():\n    return 1\n")
        assert _mode(os.path.join(cache.kernel_dir(), "gfk_umask.py")) == 0o644
    finally:
        cache.clear(memory_only=True)
