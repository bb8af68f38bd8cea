"""The report's table: noisy rows marked and explained, 100 columns wide."""
from graphflow.bench import report
from graphflow.bench.report import Report, format_table, mark_noisy
from graphflow.bench.row import Row

MACHINE = {"cpu": "test cpu", "cores": 2, "usable_cores": 2, "platform": "test", "python": "3.11", "numpy": "2",
           "numba": "0.6", "numba_threads": 2, "numba_threading_layer": "omp", "graphflow": "0.1",
           "load_average": {"start": 0.5, "end": 0.5}}


def row(mode, median, min_s, load=0.5, **kw):
    return Row("W9", mode, "batch=1", median_s=median, min_s=min_s, max_s=median * 2, load_avg=load, **kw)


def test_a_wide_spread_or_a_busy_machine_marks_a_row_noisy():
    rows = [row("eager", 1.0, 0.9), row("function", 2.0, 1.0), row("graph-compiled", 1.0, 0.95, load=3.1),
            Row("W9", "keras predict", "batch=1", status="error", load_avg=9.0)]
    mark_noisy(rows, cores=2)
    assert [r.noisy for r in rows] == ["", "median/min 2.0", "load 3.1 on 2 cores", ""]


def test_the_table_marks_noisy_medians_and_explains_them_in_a_footnote():
    rows = [row("eager", 1e-5, 9e-6), row("a very long peer mode name that goes on and on", 3e-5, 1e-5,
                                         note="a note far too long to fit on one line of the table " * 4)]
    mark_noisy(rows, cores=2)
    text = format_table(Report(rows, MACHINE, descriptions={"W9": "MLP inference at batch 1"}))
    lines = text.splitlines()
    assert "W9 batch=1: MLP inference at batch 1" in lines
    assert any(line.startswith("eager") and "10.0 µs " in line for line in lines)
    assert any("30.0 µs*" in line for line in lines)
    assert any(line.startswith(f"{report.NOISY_MARK} noisy: the median is more than 1.5x the min") for line in lines)
    assert max(len(line) for line in lines) <= report.WIDTH


def test_a_quiet_run_has_no_noisy_footnote():
    rows = [row("eager", 1e-5, 9e-6)]
    mark_noisy(rows, cores=2)
    assert "noisy" not in format_table(Report(rows, MACHINE))


def test_peer_modes_are_shortened_for_the_table():
    r = Row("W1", "tensorflow tf.function(jit_compile)", framework="tensorflow")
    assert report.short_mode(r) == "tf tf.function(jit_co..."


def test_progress_counts_workloads_and_scales_the_eta_by_the_pace_so_far():
    from graphflow.bench.progress import SuiteProgress
    now = [0.0]
    seen = []
    p = SuiteProgress(seen.append, ["W2", "W9"], clock=lambda: now[0])
    p.start_workload(0)
    p("W2 chain=100: eager")
    assert seen[-1] == "[1 of 2] W2 chain=100: eager (ETA 0:18)"     # the usual 8 s + 10 s
    now[0] = 16.0                                                     # W2 took twice its usual time
    p.start_workload(1)
    p("W9 batch=1: eager")
    assert seen[-1] == "[2 of 2] W9 batch=1: eager (ETA 0:20)"       # W9's usual 10 s, at W2's pace
    p.fraction(0.5)                                                  # 13 of 18 expected seconds done in 16
    assert abs(p.eta() - 5 * 16 / 13) < 1e-9


def test_on_a_terminal_rich_draws_the_same_100_column_table(monkeypatch):
    import io
    import re

    class Terminal(io.StringIO):
        def isatty(self):
            return True
    monkeypatch.setenv("COLUMNS", "120")
    rows = [row("eager", 1e-5, 9e-6), row("function", 3e-5, 1e-5, note="x" * 200)]
    mark_noisy(rows, cores=2)
    out = Terminal()
    report.print_table(Report(rows, MACHINE), out)
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
    assert "\x1b[" in out.getvalue()                 # styled: the noisy row is coloured
    assert text.splitlines()[-len(format_table(Report(rows, MACHINE)).splitlines()):] == \
        format_table(Report(rows, MACHINE)).splitlines()
    assert max(len(line) for line in text.splitlines()) <= report.WIDTH
