"""cpu_load.busy: other runnable threads, read from /proc/loadavg's instantaneous count, smoothed."""
import pytest

from graphflow import cpu_load


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    monkeypatch.setattr(cpu_load, "_state", {"at": -1.0, "others": None})
    monkeypatch.setattr(cpu_load, "SAMPLE_SECONDS", 0.0)
    path = tmp_path / "loadavg"
    monkeypatch.setattr(cpu_load, "_PATH", str(path))
    return path


def test_busy_follows_the_other_runnable_threads_smoothed(fresh):
    fresh.write_text("0.10 0.20 0.30 1/250 4242\n")        # the caller alone
    assert not cpu_load.busy()
    fresh.write_text("1.10 0.40 0.30 2/251 4243\n")        # one other busy process
    assert not cpu_load.busy()                              # one sample is not yet a trend
    assert [cpu_load.busy() for _ in range(3)][-1]
    fresh.write_text("0.90 0.40 0.30 1/251 4243\n")
    assert not [cpu_load.busy() for _ in range(6)][-1]


def test_without_linux_counts_the_machine_counts_as_busy(fresh):
    assert not fresh.exists()
    assert cpu_load.busy()
    fresh.write_text("garbage")
    assert cpu_load.busy()


def test_this_process_s_own_running_threads_are_not_competition(fresh, monkeypatch, tmp_path):
    tasks = tmp_path / "task"
    for tid, state in ((100, "R"), (101, "R"), (102, "S"), (103, "R")):
        (tasks / str(tid)).mkdir(parents=True)
        (tasks / str(tid) / "stat").write_text(f"{tid} (python (pool) 1) {state} 1 2 3\n")
    monkeypatch.setattr(cpu_load, "_TASKS", str(tasks))
    fresh.write_text("2.10 0.40 0.30 3/251 4243\n")        # three running: all of them ours
    assert [cpu_load.busy() for _ in range(4)] == [False] * 4
    fresh.write_text("2.10 0.40 0.30 5/251 4243\n")        # and two of another process
    assert cpu_load.runnable_others() > 0 and [cpu_load.busy() for _ in range(4)][-1]
