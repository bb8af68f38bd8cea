"""A process killed in the middle of a checkpoint save leaves the previous checkpoint intact and
loadable: the save is paused at a chosen point in a subprocess, which is then killed (SIGKILL)."""
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import graphflow as gf

SAVER = textwrap.dedent("""
    import contextlib, sys, time
    import numpy as np
    import graphflow as gf
    from graphflow.checkpoint import format as ckpt_format

    directory, pause_at = sys.argv[1], sys.argv[2]
    v = gf.Variable(np.full(50_000, 1.0, np.float32))
    manager = gf.train.CheckpointManager(gf.train.Checkpoint(v=v), directory, max_to_keep=1)
    manager.save()                                  # ckpt-1: all ones

    def pause():
        print("paused", flush=True)
        time.sleep(60)

    real_writer, real_index = ckpt_format.atomic_writer, ckpt_format.write_atomic

    @contextlib.contextmanager
    def slow_data(path, mode="wb"):
        with real_writer(path, mode) as f:
            class Half:
                def write(self, data):
                    f.write(data[: len(data) // 2])
                    pause()
            yield Half()

    if pause_at == "data":
        ckpt_format.atomic_writer = slow_data
    else:
        ckpt_format.write_atomic = lambda path, data: pause() if path.endswith(".index") else real_index(path, data)
    v.assign(np.full(50_000, 2.0, np.float32))
    manager.save()                                  # ckpt-2: killed part way
""")


@pytest.mark.parametrize("pause_at", ["data", "index"])
def test_killed_save_leaves_the_previous_checkpoint_loadable(tmp_path, pause_at):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd()] + sys.path))
    proc = subprocess.Popen([sys.executable, "-c", SAVER, str(tmp_path), pause_at], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "paused", proc.stderr.read()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    latest = gf.train.latest_checkpoint(tmp_path)
    assert os.path.basename(latest) == "ckpt-1"
    v = gf.Variable(np.zeros(50_000, np.float32))
    gf.train.Checkpoint(v=v).restore(latest).assert_consumed()
    np.testing.assert_array_equal(v.numpy(), 1.0)
    assert not os.path.exists(tmp_path / "ckpt-2.index")
    # a new manager over the directory carries on from ckpt-1
    manager = gf.train.CheckpointManager(gf.train.Checkpoint(v=v), tmp_path, max_to_keep=1)
    assert manager.checkpoints == [latest]
