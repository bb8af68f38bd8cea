"""Freed memory stays in the process (heap_config.py): a step that frees and re-allocates the same
large arrays takes no page faults for them the second time, unless GRAPHFLOW_HEAP=default."""
import os
import platform
import subprocess
import sys

PROGRAM = """
import resource, numpy as np
from graphflow import heap_config
kept = heap_config.start()
def step():
    arrays = [np.empty(1 << 21, np.float32) for _ in range(8)]     # 8 MiB each, 64 MiB in all
    for a in arrays:
        a.fill(1.0)
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
step()
print(kept, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before, heap_config.describe())
"""


def _run(**env):
    out = subprocess.run([sys.executable, "-c", PROGRAM], env={**os.environ, **env}, capture_output=True, text=True,
                         check=True).stdout.split()
    return out[0] == "True", int(out[1]), " ".join(out[2:])


def test_freed_arrays_are_reused_without_page_faults_unless_turned_off():
    kept, faults, described = _run()
    assert kept == (platform.libc_ver()[0] == "glibc")
    if kept:
        assert faults < 100, f"{faults} page faults re-allocating 64 MiB that was just freed"
        assert described.startswith("freed memory kept")
    kept, faults, described = _run(GRAPHFLOW_HEAP="default")
    assert not kept and described == "malloc's default"
