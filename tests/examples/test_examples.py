"""Each TF1 example and its eager twin print identical results (each run in its own process):
examples/tf1_graph.py and eager_session.py, examples/tf1_training.py (Session + minimize) and
eager_training.py (GradientTape); examples/tf1_compat_v1_digits.py (a TF1 script on graphflow.compat.v1);
the Keras examples train and report; the TensorBoard examples write logs the tensorboard package reads."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_example(name: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "examples", name), *args], capture_output=True,
                          text=True, timeout=300, cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_tf1_graph_and_eager_examples_print_identical_results():
    graph_out = run_example("tf1_graph.py")
    eager_out = run_example("eager_session.py")
    assert graph_out == eager_out
    assert graph_out.count("step ") == 3 and "probs:" in graph_out and "steps: 3" in graph_out


def test_tf1_and_eager_training_print_the_same_losses():
    graph_out = run_example("tf1_training.py")
    eager_out = run_example("eager_training.py")
    assert graph_out == eager_out
    lines = graph_out.splitlines()
    first = float(lines[0].split("loss=")[1])
    final = float(lines[-1].split("loss=")[1].split()[0])
    assert final < first / 2          # it learned


def test_compat_v1_script_trains_with_layers_losses_metrics_and_adam():
    out = run_example("tf1_compat_v1_digits.py")
    lines = out.splitlines()
    assert lines[-2].startswith("global step 150;")
    assert float(lines[-2].split("accuracy=")[1]) > 0.8
    assert "classifier/batch_normalization/gamma:0" in lines[-1] and "classifier/logits/kernel:0" in lines[-1]


def test_keras_conv1d_and_text_transformer_examples_train_and_report():
    conv = run_example("keras_conv1d_sequences.py", "--epochs", "1", "--samples", "64")
    assert conv.startswith("epoch 1: loss=") and "test accuracy:" in conv
    transformer = run_example("keras_text_transformer.py", "--epochs", "1", "--samples", "64")
    assert "extra padding changes predictions: False" in transformer and transformer.startswith("epoch 1: loss=")


def test_tensorboard_examples_write_logs_tensorboard_reads(tensorboard_example_logs):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    logs = tensorboard_example_logs       # the examples ran once for this and tests/summary
    tf1 = EventAccumulator(str(logs / "tf1"))
    tf1.Reload()
    assert [e.step for e in tf1.Scalars("loss")] == [0, 10, 20, 30, 40, 50]
    assert tf1.Tags()["graph"] and tf1.Tags()["images"] == ["digits/image/0", "digits/image/1"]
    train = EventAccumulator(str(logs / "keras" / "train"))
    train.Reload()
    assert "epoch_loss" in train.Tags()["tensors"] and train.Tags()["graph"]
