"""A writer killed mid-run leaves every record it flushed readable; a record cut short is dropped."""
import os
import signal
import stat
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import graphflow as gf

from .tb_read import load_run, tensor_values

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WRITER = textwrap.dedent("""
    import sys
    import graphflow as gf
    writer = gf.summary.create_file_writer(sys.argv[1], flush_millis=20)
    with writer.as_default():
        for step in range(20):
            gf.summary.scalar("loss", float(step), step=step)
        writer.flush()
        print("flushed", flush=True)
        step = 20
        while True:                         # keep writing until killed
            gf.summary.scalar("loss", float(step), step=step)
            step += 1
""")


def test_killed_writer_leaves_flushed_records_readable(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                            env=env)
    try:
        assert proc.stdout.readline().strip() == "flushed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stdout.close()
    steps = [s for s, _ in tensor_values(load_run(tmp_path), "loss")]
    assert steps[:20] == list(range(20))
    assert steps == list(range(len(steps)))          # nothing garbled in between


def test_a_truncated_last_record_is_dropped_and_the_rest_read(tmp_path):
    writer = gf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        for step in range(5):
            gf.summary.scalar("loss", float(step), step=step)
    writer.close()
    (path,) = list(tmp_path.iterdir())
    data = path.read_bytes()
    path.write_bytes(data[:-7])                       # a kill in the middle of the last record
    steps = [s for s, _ in tensor_values(load_run(tmp_path), "loss")]
    assert steps == [0, 1, 2, 3]


def test_event_file_respects_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        writer = gf.summary.create_file_writer(str(tmp_path / "run"))
        with writer.as_default():
            gf.summary.scalar("x", 1.0, step=0)
        writer.close()
    finally:
        os.umask(old)
    (path,) = list((tmp_path / "run").iterdir())
    assert stat.S_IMODE(path.stat().st_mode) & 0o027 == 0


def test_writing_after_close_is_an_error(tmp_path):
    writer = gf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        gf.summary.scalar("x", 1.0, step=0)
    writer.close()
    with writer.as_default(), pytest.raises(gf.errors.InvalidArgumentError, match="closed"):
        gf.summary.scalar("x", np.float32(2.0), step=1)


def test_logdir_that_is_a_file_is_refused(tmp_path):
    path = tmp_path / "file"
    path.write_text("")
    writer = gf.summary.create_file_writer(str(path))
    with writer.as_default(), pytest.raises(gf.errors.InvalidArgumentError, match="not a directory"):
        gf.summary.scalar("x", 1.0, step=0)
