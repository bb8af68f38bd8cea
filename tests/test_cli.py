"""`graphflow bench` arguments and output files, run in-process with tiny sizes."""
import csv
import json

import pytest

from graphflow import cli
from graphflow.bench.report import CSV_FIELDS
from graphflow.bench.row import ROW_FIELDS

TINY = ["bench", "--workloads", "W2", "--size", "W2=5", "--repeat", "2"]


def parse(*argv):
    return cli.build_parser().parse_args(list(argv))


def test_bench_defaults_select_every_workload_in_quick_mode():
    args = parse("bench")
    assert args.workloads == ["W1", "W2", "W3", "W4", "W5", "W6"]
    assert not args.full and args.peers == [] and args.repeat is None and not args.quiet


def test_workloads_are_normalised_and_deduplicated():
    assert parse("bench", "--workloads", "w3, W1,W3").workloads == ["W3", "W1"]


@pytest.mark.parametrize("bad", ["W7", "", "W1,X"])
def test_unknown_workload_is_a_usage_error(bad, capsys):
    with pytest.raises(SystemExit) as e:
        parse("bench", "--workloads", bad)
    assert e.value.code == 2
    assert "W1,W2,W3,W4,W5,W6" in capsys.readouterr().err


def test_size_overrides_take_ints_and_lists():
    args = parse("bench", "--size", "W1=4194304,W6=10,100,1000", "--size", "W5=3")
    assert args.size == [{"W1": 4194304, "W6": [10, 100, 1000]}, {"W5": 3}]


@pytest.mark.parametrize("bad", ["4194304", "W9=3"])
def test_malformed_size_is_a_usage_error(bad):
    with pytest.raises(SystemExit):
        parse("bench", "--size", bad)


def test_peer_names_accept_aliases_and_reject_unknown_ones():
    assert parse("bench", "--peers", "tf,jax,pytorch,torch").peers == ["tensorflow", "jax", "torch"]
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


def test_table_on_stdout_names_machine_and_columns(capsys):
    assert cli.main(TINY + ["--quiet"]) == 0
    out = capsys.readouterr().out
    assert "machine:" in out and "numba" in out and "threading layer" in out
    for column in ("workload", "mode", "median", "min", "vs eager", "vs numpy", "compile", "ops before/after",
                   "kernels"):
        assert column in out
    assert "W2 chain=5" in out


def test_progress_goes_to_stderr_and_quiet_silences_it(capsys):
    cli.main(TINY)
    assert "W2 chain=5: eager" in capsys.readouterr().err
    cli.main(TINY + ["--quiet"])
    assert capsys.readouterr().err == ""


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


def test_plot_writes_a_png(tmp_path):
    out = tmp_path / "p.png"
    assert cli.main(TINY + ["--quiet", "--plot", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
