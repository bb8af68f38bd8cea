"""`graphflow compare`: the user's unchanged script in each execution model, each in a fresh process.
Each test runs a few small child processes, so modes are chosen per test to keep the suite fast."""
import json
import os

import pytest

from graphflow.bench import printed_numbers
from graphflow.bench.script_compare import compare_script
from graphflow.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts")


def example(name):
    return os.path.join(ROOT, "examples", name)


def script(name):
    return os.path.join(SCRIPTS, name)


def test_tf2_function_script_agrees_eager_and_compiled(tmp_path, capsys):
    out, plot = tmp_path / "out.json", tmp_path / "modes.png"
    code = main(["compare", example("function_training.py"), "--modes", "eager,compiled", "--json", str(out),
                 "--plot", str(plot), "--quiet"])
    table = capsys.readouterr().out
    assert code == 0, table
    assert "all modes agree" in table
    for column in ("mode", "wall", "steady", "compile", "first calls", "peak mem", "kernels", "agrees"):
        assert column in table.splitlines()[1]
    report = json.loads(out.read_text())
    eager, compiled = report["modes"]
    assert report["agree"] and eager["agrees"] and compiled["agrees"]
    assert compiled["traces"] >= 2 and compiled["kernels"] > 0 and compiled["compile_s"] > 0
    assert eager["traces"] == 0 and eager["kernels"] == 0      # run_functions_eagerly: nothing traced
    assert compiled["steady_s"] <= compiled["wall_s"] and compiled["peak_rss_mb"] > 0
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_keras_script_agrees_with_run_eagerly(tmp_path):
    md = tmp_path / "out.md"
    code = main(["compare", example("keras_fit.py"), "--modes", "eager,function", "--markdown", str(md), "--quiet"])
    assert code == 0
    text = md.read_text()
    assert "all modes agree" in text and "| eager |" in text and "| function |" in text


def test_tf1_script_runs_unoptimised_and_compiled_and_has_no_eager_form():
    result = compare_script(example("tf1_graph.py"), modes=["eager", "graph-unoptimised", "compiled"])
    assert result.agree and result.reference == "graph-unoptimised"
    assert result.result("eager").status == "n/a"
    assert result.result("graph-unoptimised").kernels == 0        # the reference interpreter
    assert result.result("compiled").kernels > 0


def test_mode_dependent_script_is_flagged_with_its_line(capsys):
    code = main(["compare", script("mode_dependent.py"), "--modes", "eager,function", "--quiet"])
    out = capsys.readouterr().out
    assert code == 1
    assert "MODES DISAGREE" in out
    assert "function disagrees with eager at line 2" in out
    assert "scaled: 2.000" in out and "scaled: 3.000" in out


def test_failure_in_one_mode_points_at_the_users_line_and_keeps_the_others():
    result = compare_script(script("fails_when_traced.py"), modes=["eager", "function"])
    eager, function = result.results
    assert eager.status == "ok" and eager.stdout.strip() == "result: 4.0"
    assert function.status == "error"
    assert function.error["line"].startswith(script("fails_when_traced.py") + ":7:")
    assert "x.numpy()" in function.error["line"]
    assert "runpy" not in function.error["traceback"]


def test_timeout_stops_a_script_that_runs_forever():
    result = compare_script(script("runs_forever.py"), modes=["eager"], timeout=3)
    r = result.results[0]
    assert r.status == "timeout" and "--timeout" in r.note


def test_a_script_reading_stdin_fails_at_once_with_a_message():
    result = compare_script(script("reads_stdin.py"), modes=["eager"], timeout=60)
    r = result.results[0]
    assert r.status == "error" and r.error["type"] == "EOFError"
    assert "standard input" in r.error["message"] and r.stdout == "seed?\n"


def test_script_options_after_double_dash_reach_the_script(tmp_path):
    args = tmp_path / "args.py"
    args.write_text("import sys\nprint(sys.argv[1:])\n")
    result = compare_script(str(args), ["--modes", "x", "3"], modes=["eager"])
    assert result.results[0].stdout.strip() == "['--modes', 'x', '3']"
    from graphflow.bench.script_cli import parse_with_script_args
    from graphflow.cli import build_parser
    parsed = parse_with_script_args(build_parser(), ["compare", "--repeat", "2", str(args), "a", "--", "--modes",
                                                     "x"])
    assert parsed.repeat == 2 and parsed.script_args == ["a", "--modes", "x"]


def test_unknown_mode_is_a_clear_error(capsys):
    with pytest.raises(SystemExit):
        main(["compare", "x.py", "--modes", "eager,jit"])
    assert "unknown mode jit" in capsys.readouterr().err


# ---- the agreement check, unit by unit ----------------------------------------------------------------

def test_printed_numbers_agree_within_the_last_printed_digit():
    a = printed_numbers.parse("loss=0.1234 acc=0.5\n")
    b = printed_numbers.parse("loss=0.1235 acc=0.5\n")
    assert printed_numbers.first_disagreement(a, b) is None
    c = printed_numbers.parse("loss=0.1250 acc=0.5\n")
    d = printed_numbers.first_disagreement(a, c)
    assert d.line == 1 and "0.1234 vs 0.125" in d.reason


def test_durations_and_ignored_text_are_not_compared():
    a = printed_numbers.parse("epoch 1 took 12.5 ms, 3ms/step, loss 0.5\n", ignore=(r"run \d+",))
    b = printed_numbers.parse("epoch 1 took 99.0 ms, 7ms/step, loss 0.5\n")
    assert printed_numbers.first_disagreement(a, b) is None


def test_numbers_varying_between_runs_of_one_mode_are_not_compared():
    runs = [printed_numbers.parse("t=1.25 x=2\n"), printed_numbers.parse("t=1.75 x=2\n")]
    skip = printed_numbers.varying(runs)
    other = printed_numbers.parse("t=9.0 x=2\n")
    assert printed_numbers.first_disagreement(runs[0], other, skip) is None
    assert printed_numbers.first_disagreement(runs[0], printed_numbers.parse("t=9.0 x=3\n"), skip) is not None


def test_missing_lines_are_a_disagreement():
    d = printed_numbers.first_disagreement(printed_numbers.parse("a 1\nb 2\n"), printed_numbers.parse("a 1\n"))
    assert d.line == 2 and "2 lines printed vs 1" in d.reason
