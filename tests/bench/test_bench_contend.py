"""`graphflow bench --contend N`: the busy-loop processes start before timing and are gone after,
also when the timed block raises."""
import json
import os
import pathlib

import pytest

from graphflow import cli
from graphflow.bench import contend, runner
from graphflow.bench.report import Report
from graphflow.bench.row import Row


def busy_children() -> list[int]:
    """Pids of this process's children that run contend.BUSY_LOOP."""
    found = []
    for d in pathlib.Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (d / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"getppid" in cmd:
            found.append(int(d.name))
    return found


MACHINE = {"cpu": "test", "cores": 2, "usable_cores": 2, "platform": "test", "python": "3", "numpy": "2",
           "numba": "0", "numba_threads": 2, "numba_threading_layer": "omp", "graphflow": "0"}
needs_proc = pytest.mark.skipif(not pathlib.Path("/proc/self/stat").exists(), reason="reads /proc")


@needs_proc
def test_busy_processes_spin_inside_the_block_and_are_reaped_after_an_exception():
    with pytest.raises(KeyboardInterrupt):
        with contend.busy_processes(2) as procs:
            assert len(procs) == 2 and all(p.poll() is None for p in procs)
            assert sorted(busy_children()) == sorted(p.pid for p in procs)
            raise KeyboardInterrupt      # Ctrl-C in the middle of a run
    assert all(p.returncode is not None for p in procs)
    assert busy_children() == []


def test_zero_contention_starts_nothing_and_a_negative_level_is_refused():
    with contend.busy_processes(0) as procs:
        assert procs == []
    with pytest.raises(ValueError, match="0 or more"):
        contend.start(-1)


def test_contend_flag_is_parsed_and_refuses_negative_levels():
    assert cli.build_parser().parse_args(["bench"]).contend == 0
    assert cli.build_parser().parse_args(["bench", "--contend", "2"]).contend == 2
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["bench", "--contend", "-1"])


@needs_proc
def test_bench_runs_the_suite_under_contention_and_reports_the_level(tmp_path, monkeypatch):
    seen = []

    def fake_suite(config, listener=None, modules=None):
        seen.append(len(busy_children()))
        return Report([Row("W2", "eager", case="chain=5", median_s=1e-6, min_s=1e-6, max_s=1e-6, repeats=1)],
                      dict(MACHINE), config.command)
    monkeypatch.setattr(runner, "run_suite", fake_suite)
    out = tmp_path / "r.json"
    assert cli.main(["bench", "--workloads", "W2", "--quiet", "--contend", "1", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert seen == [1]
    assert report["machine"]["contention"] == 1 and "--contend 1" in report["command"]
    assert busy_children() == []
