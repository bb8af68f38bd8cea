"""The TF1 graph example and its eager twin print identical results (each in its own process)."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_example(name: str) -> str:
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "examples", name)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_tf1_graph_and_eager_examples_print_identical_results():
    graph_out = run_example("tf1_graph.py")
    eager_out = run_example("eager_session.py")
    assert graph_out == eager_out
    assert graph_out.count("step ") == 3 and "probs:" in graph_out and "steps: 3" in graph_out
