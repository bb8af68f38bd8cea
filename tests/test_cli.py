"""`graphflow bench` arguments and output files, run in-process with tiny sizes."""
import csv
import json

import pytest

from graphflow import __version__, cli
from graphflow.bench import peer_runner, workloads
from graphflow.bench.report import CSV_FIELDS
from graphflow.bench.row import ROW_FIELDS

TINY = ["bench", "--workloads", "W2", "--size", "W2=5", "--repeat", "2"]


@pytest.fixture
def no_peers(monkeypatch):
    """A machine with no peer installed (the run then says how to add them)."""
    real = peer_runner.importlib.util.find_spec
    monkeypatch.setattr(peer_runner.importlib.util, "find_spec",
                        lambda name, *a: None if name in peer_runner.PEERS else real(name, *a))
    for peer in peer_runner.PEERS:
        monkeypatch.delenv(peer_runner.env_var(peer), raising=False)


def parse(*argv):
    return cli.build_parser().parse_args(list(argv))


def test_bench_defaults_select_every_registered_workload_in_quick_mode():
    args = parse("bench")
    assert args.workloads == list(workloads.ALL) and "W9" in args.workloads
    assert not args.full and args.peers == [] and args.repeat is None and not args.quiet


def test_workloads_are_normalised_and_deduplicated():
    assert parse("bench", "--workloads", "w3, W1,W3").workloads == ["W3", "W1"]


@pytest.mark.parametrize("bad", ["W99", "", "W1,X"])
def test_unknown_workload_is_a_usage_error(bad, capsys):
    with pytest.raises(SystemExit) as e:
        parse("bench", "--workloads", bad)
    assert e.value.code == 2
    assert ",".join(workloads.ALL) in capsys.readouterr().err


def test_size_overrides_take_ints_and_lists():
    args = parse("bench", "--size", "W1=4194304,W6=10,100,1000", "--size", "W5=3")
    assert args.size == [{"W1": 4194304, "W6": [10, 100, 1000]}, {"W5": 3}]


@pytest.mark.parametrize("bad", ["4194304", "W99=3"])
def test_malformed_size_is_a_usage_error(bad):
    with pytest.raises(SystemExit):
        parse("bench", "--size", bad)


def test_peer_names_accept_aliases_and_reject_unknown_ones():
    assert parse("bench", "--peers", "tf,jax,pytorch,torch").peers == ["tensorflow", "jax", "torch"]
    assert parse("bench", "--peers", "all").peers == list(peer_runner.PEERS)
    with pytest.raises(SystemExit):
        parse("bench", "--peers", "mxnet")


def test_repeat_must_be_positive():
    with pytest.raises(SystemExit):
        parse("bench", "--repeat", "0")


def test_json_report_has_machine_config_and_row_schema(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert cli.main(TINY + ["--quiet", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert {"command", "machine", "config", "rows", "seconds", "descriptions"} <= set(report)
    for key in ("cpu", "cores", "usable_cores", "python", "numpy", "numba", "numba_threading_layer", "graphflow"):
        assert key in report["machine"]
    assert report["config"]["sizes"] == {"W2": 5} and report["config"]["repeat"] == 2
    rows = report["rows"]
    assert all(set(r) == set(ROW_FIELDS) for r in rows)
    by_mode = {r["mode"]: r for r in rows}
    assert {"numpy", "eager", "graph-interpreted", "graph-compiled", "function"} <= set(by_mode)
    eager = by_mode["eager"]
    assert eager["status"] == "ok" and eager["case"] == "chain=5" and eager["median_s"] > 0
    assert eager["ratio_vs_eager"] == 1.0 and eager["ratio_vs_numpy"] > 0


def test_csv_has_one_line_per_row_and_fixed_columns(tmp_path):
    out = tmp_path / "r.csv"
    assert cli.main(TINY + ["--quiet", "--csv", str(out)]) == 0
    with out.open() as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert tuple(reader.fieldnames) == CSV_FIELDS
    assert {r["mode"] for r in rows} >= {"numpy", "eager", "graph-compiled"}
    assert all(r["workload"] == "W2" for r in rows)


def test_table_on_stdout_names_machine_and_columns_within_100_columns(no_peers, capsys):
    assert cli.main(TINY + ["--quiet"]) == 0
    out = capsys.readouterr().out
    assert "machine:" in out and "numba" in out and "threading layer" in out
    for column in ("mode", "median", "min", "×eager", "×numpy", "1st call", "compile", "ops", "kern"):
        assert column in out
    assert "W2 chain=5: dispatch overhead" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_a_run_without_peers_says_which_were_found_and_how_to_add_them(no_peers, capsys):
    cli.main(TINY + ["--quiet"])
    out = capsys.readouterr().out
    assert "no peers found" in out and "pip install 'graphflow[peers]'" in out
    assert "GRAPHFLOW_PEER_PYTHON_TENSORFLOW" in out


def test_progress_counts_workloads_with_an_eta_on_stderr_and_quiet_silences_it(capsys):
    cli.main(TINY)
    err = capsys.readouterr().err
    assert "[1 of 1] W2 chain=5: eager (ETA " in err
    cli.main(TINY + ["--quiet"])
    assert capsys.readouterr().err == ""


def test_version_and_bare_command(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.strip() == f"graphflow {__version__}"
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: graphflow") and "bench" in out and "compare" in out


def test_bench_list_names_every_workload_with_one_line(capsys):
    assert cli.main(["bench", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(workloads.ALL)
    assert "batch 1" in lines[list(workloads.ALL).index("W9")]


def test_markdown_starts_with_the_command_that_made_it(tmp_path):
    out = tmp_path / "RESULTS.md"
    assert cli.main(TINY + ["--quiet", "--markdown", str(out)]) == 0
    text = out.read_text()
    assert f"graphflow bench --workloads W2 --size W2=5 --repeat 2 --markdown {out}" in text
    assert "| workload | mode | median |" in text


def test_plot_without_matplotlib_says_how_to_install(monkeypatch, tmp_path, capsys):
    real = cli.importlib.util.find_spec
    monkeypatch.setattr(cli.importlib.util, "find_spec",
                        lambda name, *a: None if name == "matplotlib" else real(name, *a))
    assert cli.main(TINY + ["--quiet", "--plot", str(tmp_path / "p.png")]) == 2
    assert "pip install 'graphflow[plot]'" in capsys.readouterr().err
    assert not (tmp_path / "p.png").exists()


def test_plot_writes_a_png_of_the_spread(tmp_path, monkeypatch):
    from graphflow.bench import plot
    drawn = []
    real = plot.draw_spread
    monkeypatch.setattr(plot, "draw_spread", lambda ax, title, rows: drawn.append(title) or real(ax, title, rows))
    out = tmp_path / "p.png"
    assert cli.main(TINY + ["--quiet", "--plot", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert drawn == ["W2 chain=5"]
