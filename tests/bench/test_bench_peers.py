"""Peers: found or skipped, run in their own process, scripts that never import graphflow."""
import ast
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from graphflow.bench import peer_runner
from graphflow.bench.runner import SuiteConfig, run_suite

SCRIPTS = Path(peer_runner.__file__).parent / "peers"
sys.path.insert(0, str(SCRIPTS))
import peer_common  # noqa: E402


@pytest.fixture
def no_peers_installed(monkeypatch):
    real = peer_runner.importlib.util.find_spec
    monkeypatch.setattr(peer_runner.importlib.util, "find_spec",
                        lambda name, *a: None if name in peer_runner.PEERS else real(name, *a))
    for peer in peer_runner.PEERS:
        monkeypatch.delenv(peer_runner.env_var(peer), raising=False)


def test_a_missing_peer_is_skipped_not_an_error(no_peers_installed):
    found, status = peer_runner.discover(["jax"])
    assert found == {} and status["jax"].startswith("skipped (not installed")
    (row,) = peer_runner.skipped_rows(status, found)
    assert row.status == "skipped" and row.framework == "jax"
    assert "not installed" in row.note and "GRAPHFLOW_PEER_PYTHON_JAX" in row.note


def test_an_env_interpreter_without_the_peer_is_skipped(no_peers_installed, monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_PEER_PYTHON_TORCH", sys.executable)   # this Python has no torch
    assert peer_runner.find_interpreter("torch") is None


def test_suite_with_a_missing_peer_still_completes(no_peers_installed):
    fake = {"W2": "graphflow.bench.w2_dispatch"}
    rep = run_suite(SuiteConfig(workloads=["W2"], sizes={"W2": 3}, repeat=1, peers=["tensorflow"]), modules=fake)
    assert any(r.mode == "eager" and r.timed for r in rep.rows)
    assert [r.status for r in rep.rows if r.framework == "tensorflow"] == ["skipped"]
    assert "skipped" in rep.config["peer_status"]["tensorflow"]


def write_fake_peer(tmp_path, body):
    (tmp_path / "tensorflow_peer.py").write_text(textwrap.dedent(body))
    (tmp_path / "peer_common.py").write_text((SCRIPTS / "peer_common.py").read_text())


def test_a_served_peer_answers_case_round_and_finish(tmp_path, monkeypatch):
    write_fake_peer(tmp_path, """
        import sys
        import numpy as np
        import peer_common as pc
        def w2(case, args):
            print("some framework chatter on stdout")
            modes = [("tensorflow eager", lambda: [np.float32(3.0)], False)]
            return pc.dispatch_notes(pc.time_modes("W2", case, modes, [np.float32(3.0)], args.repeat), 2)
        sys.exit(pc.main({"W2": w2}, "tensorflow", "9.9"))
    """)
    monkeypatch.setattr(peer_runner, "SCRIPTS", tmp_path)
    (peer,) = peer_runner.start_workload({"tensorflow": sys.executable}, "W2", {"repeat": 3, "quick": True})
    try:
        assert peer.process.version == "9.9"
        case = peer.prepare(["chain=2"])
        assert case.active == 1 and peer.prepare(["chain=2"]) is None   # a case runs once
        rounds = 0
        while case.round():
            rounds += 1
        case.finish()
    finally:
        peer.process.close()
    assert rounds == 2            # the third sample's round reports nothing left to time
    (row,) = peer.rows
    assert (row.workload, row.mode, row.case, row.repeats, row.agrees) == ("W2", "tensorflow eager", "chain=2", 3, True)
    assert row.timed and row.framework == "tensorflow" and row.extra["version"] == "9.9"
    assert row.note.endswith("µs/op") and row.load_avg is not None      # notes written after the rounds


def test_a_crashing_peer_becomes_an_error_row(tmp_path, monkeypatch):
    write_fake_peer(tmp_path, "raise ImportError('libcudart.so not found')\n")
    monkeypatch.setattr(peer_runner, "SCRIPTS", tmp_path)
    (peer,) = peer_runner.start_workload({"tensorflow": sys.executable}, "W1", {"quick": True})
    assert peer.prepare(["N=4"]) is None
    (row,) = peer.rows
    assert row.status == "error" and "libcudart.so not found" in row.note


@pytest.mark.parametrize("script", sorted(p.name for p in SCRIPTS.glob("*.py") if p.name != "__init__.py"))
def test_peer_scripts_import_only_numpy_their_framework_and_the_stdlib(script):
    allowed = {"numpy", "peer_common", "cnn_reference", "tensorflow", "jax", "torch"} | set(sys.stdlib_module_names)
    tree = ast.parse((SCRIPTS / script).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                 and node.module and node.level == 0}
    assert "graphflow" not in imported and imported <= allowed


def test_case_strings_carry_the_sizes_graphflow_ran():
    assert peer_common.case_value("N=4194304", "N", 1) == 4194304
    assert peer_common.case_value("MLP", "N", 7) == 7
    assert peer_common.parse_args(["--workload", "W6", "--quick"]).case == ["K=10", "K=100"]
    assert peer_common.parse_args(["--workload", "W6"]).case == ["K=10", "K=100", "K=1000"]


def test_the_peers_numpy_training_step_matches_finite_differences():
    params = [p.astype(np.float64) for p in peer_common.mlp_params((5, 4, 3))]
    x, y = peer_common.mlp_batch(6, 5, classes=3)
    x = x.astype(np.float64)
    lr = 1.0
    loss, new = peer_common.mlp_step_numpy(params, x, y, lr=lr)
    grad = (params[0] - new[0]) / lr
    eps = 1e-6
    bumped = [p.copy() for p in params]
    bumped[0][1, 2] += eps
    numeric = (peer_common.mlp_step_numpy(bumped, x, y)[0] - loss) / eps
    assert abs(numeric - grad[1, 2]) < 1e-4
