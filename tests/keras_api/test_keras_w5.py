"""The W5 example and benchmark module run end to end (few epochs) and agree across modes."""
import importlib.util
import os

from graphflow.bench import w5_keras
from graphflow.bench.row import KERAS_COMPILED, KERAS_EAGER, OK

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_example():
    spec = importlib.util.spec_from_file_location("keras_digits", os.path.join(ROOT, "examples", "keras_digits.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_prints_epoch_time_and_accuracy_per_model_and_mode(capsys):
    load_example().main(["--models", "mlp", "--epochs", "2"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["model", "mode", "ms/epoch"]
    assert [line.split()[:2] for line in lines[1:]] == [["mlp", "compiled"], ["mlp", "eager"]]
    compiled_acc, eager_acc = (float(line.split()[-1]) for line in lines[1:])
    assert compiled_acc == eager_acc and compiled_acc > 0.6


def test_benchmark_rows_for_the_mlp_agree_and_trace_twice():
    rows = [r for r in w5_keras.run(epochs=2) if r.case == "MLP"]
    assert [r.mode for r in rows] == [KERAS_EAGER, KERAS_COMPILED]
    assert all(r.status == OK and r.median_s > 0 and r.extra["test_accuracy"] > 0.6 for r in rows)
    assert rows[1].agrees is True and rows[1].extra["step_traces"] == 2
    assert rows[0].note.startswith("acc ")
