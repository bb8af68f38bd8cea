"""host_memory: glibc keeps freed big buffers, unless the user tuned malloc or opted out."""
import os
import subprocess
import sys

from graphflow import host_memory

# host_memory imports nothing from graphflow: the child loads the file alone (no package start-up)
SCRIPT = """
import importlib.util, resource, sys, numpy as np
spec = importlib.util.spec_from_file_location("host_memory", sys.argv[1])
host_memory = importlib.util.module_from_spec(spec); spec.loader.exec_module(host_memory)
print(host_memory.keep_freed_memory())
def step():                    # an eager step's pattern: results outlive their inputs, then all go
    a = np.ones(1 << 20); b = np.ones(1 << 19); c = a + 1; del a; d = b * 2; del b, c, d
for _ in range(3):
    step()
r0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    step()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - r0)
"""


def test_freed_buffers_are_reused_without_page_faults():
    tuning = host_memory.USER_VARS + ("GRAPHFLOW_MALLOC", "GLIBC_TUNABLES")
    env = {k: v for k, v in os.environ.items() if k not in tuning}
    out = subprocess.run([sys.executable, "-c", SCRIPT, host_memory.__file__], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out[0] == "True" and int(out[1]) < 100      # ~30,000 with malloc's defaults


def test_the_user_opts_out_or_tunes_malloc_first(monkeypatch):
    for var in host_memory.USER_VARS + ("GRAPHFLOW_MALLOC",):
        monkeypatch.delenv(var, raising=False)
    assert not host_memory._user_tuned()
    monkeypatch.setenv("GRAPHFLOW_MALLOC", "default")
    assert host_memory._user_tuned()
    monkeypatch.delenv("GRAPHFLOW_MALLOC")
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    assert host_memory._user_tuned()
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_")
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.rtld.optional_static_tls=2048")   # not malloc's
    assert not host_memory._user_tuned()
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=131072")
    assert host_memory._user_tuned()
