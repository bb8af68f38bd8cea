"""Data-parallel training on 2 and 4 local MPI ranks, launched by the tests through mpiexec.

Each launch runs every program of rank_programs.py once (Keras fit/evaluate/predict with file
callbacks, a custom loop with strategy.run in gf.function, a TF1 Session with Horovod's
DistributedOptimizer, mismatched variable shapes) and the test process runs the same programs
with the default strategy: the ranks must reproduce the one-process result on the same global
batch. Three launches in all: 2 ranks (ending with a stalled rank), 4 ranks, and a killed rank.
"""
import json
import os
import subprocess

import numpy as np
import pytest

pytest.importorskip("mpi4py", reason="the mpi extra (pip install 'graphflow[mpi]') is not installed")

import graphflow as gf  # noqa: E402
from graphflow.distribute.launch import mpiexec_command  # noqa: E402

from . import rank_programs  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCH_TIMEOUT = 900       # seconds: a bound so a broken job fails the test instead of hanging CI


def _env(**extra) -> dict:
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(gf.__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _launch(n: int, script: str, *args: str) -> subprocess.CompletedProcess:
    command = mpiexec_command(n, [os.path.join(HERE, script), *args])
    return subprocess.run(command, capture_output=True, text=True, timeout=LAUNCH_TIMEOUT, env=_env())


def _run_programs(n: int, out_dir, *flags) -> tuple[subprocess.CompletedProcess, list[dict], object]:
    proc = _launch(n, "rank_programs.py", str(out_dir), *flags)
    paths = [out_dir / f"rank{r}.json" for r in range(n)]
    missing = [str(p) for p in paths if not p.exists()]
    assert not missing, f"ranks wrote no results {missing}:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    return proc, [json.loads(p.read_text()) for p in paths], out_dir


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory, one_process):
    # after the one-process run: the ranks then load its compiled kernels from the cache instead
    # of each compiling them at once
    return _run_programs(2, tmp_path_factory.mktemp("two_ranks"), "--stall")


@pytest.fixture(scope="module")
def four_ranks(tmp_path_factory, two_ranks):
    proc, results, out_dir = _run_programs(4, tmp_path_factory.mktemp("four_ranks"))
    assert proc.returncode == 0, proc.stderr[-5000:]
    return proc, results, out_dir


@pytest.fixture(scope="module")
def one_process():
    strategy = gf.distribute.get_strategy()
    return {"keras": rank_programs.keras_fit(strategy), "custom_loop": rank_programs.custom_loop(strategy),
            "session": rank_programs.session_script(0, 1)}


def _close(a, b):
    np.testing.assert_allclose(np.asarray(a, np.float32), np.asarray(b, np.float32), rtol=1e-5, atol=1e-6)


@pytest.fixture(params=[2, 4], ids=["2-ranks", "4-ranks"])
def ranks(request, two_ranks, four_ranks):
    return (two_ranks if request.param == 2 else four_ranks)[1]


def test_ranks_after_ten_steps_equal_one_process_on_the_same_global_batch(ranks, one_process):
    for result in ranks:
        for got, want in zip(result["keras"]["weights"], one_process["keras"]["weights"]):
            _close(got, want)
        for got, want in zip(result["custom_loop"]["weights"], one_process["custom_loop"]["weights"]):
            _close(got, want)
        _close(result["custom_loop"]["losses"], one_process["custom_loop"]["losses"])
        _close(result["session"]["w"], one_process["session"]["w"])


def test_gradients_are_all_reduced_by_one_op_inside_the_compiled_step(ranks, one_process):
    for result in ranks:
        assert result["keras"]["collectives_in_train_step"] == ["CollectiveAllReduce"]
        assert result["custom_loop"]["collectives_in_train_step"] == ["CollectiveAllReduce", "CollectiveAllReduce"]
    assert one_process["keras"]["collectives_in_train_step"] == []     # one replica: nothing to reduce


def test_fit_logs_evaluate_and_predict_span_every_rank(ranks, one_process):
    want = one_process["keras"]
    for result in ranks:
        got = result["keras"]
        assert got["history"].keys() == want["history"].keys() == {"loss", "accuracy", "val_loss", "val_accuracy"}
        for key in want["history"]:
            _close(got["history"][key], want["history"][key])
        for key in want["evaluate"]:
            _close(got["evaluate"][key], want["evaluate"][key])
        _close(got["predict"], want["predict"])


def test_unseeded_shuffling_permutes_alike_on_every_rank(ranks):
    assert len({r["keras"]["shuffle_draw_after_fit"] for r in ranks}) == 1


def test_every_rank_is_one_replica_of_the_job(ranks):
    n = len(ranks)
    assert [r["rank"] for r in ranks] == list(range(n))
    assert {r["num_replicas_in_sync"] for r in ranks} == {n}
    assert [r["task_id"] for r in ranks] == list(range(n))


def test_checkpoint_and_csv_log_are_written_by_rank_zero_only(four_ranks):
    _, _, out_dir = four_ranks
    assert sorted(os.listdir(out_dir / "files-rank0")) == ["ckpt.weights.h5", "log.csv"]
    for rank in (1, 2, 3):
        assert os.listdir(out_dir / f"files-rank{rank}") == []


def test_mismatched_variable_shapes_fail_at_the_broadcast_on_every_rank(ranks):
    for result in ranks:
        assert "shapes or dtypes differ between ranks" in result["mismatch"]
        assert "rank 1 has variable mismatched:0: float32[3]" in result["mismatch"]
        assert "rank 0 has variable mismatched:0: float32[2]" in result["mismatch"]


def test_a_stalled_rank_makes_the_others_raise_deadline_exceeded(two_ranks):
    proc, results, _ = two_ranks
    assert "did not complete within 2 s on rank 0 of 2" in results[0]["stall"]
    assert proc.returncode != 0          # rank 0 leaves without MPI_Finalize; mpiexec ends rank 1


def test_a_killed_rank_ends_the_job_with_an_error():
    proc = _launch(2, "rank_faults.py")
    assert proc.returncode != 0
    assert "second all-reduce completed" not in proc.stdout
    assert "signal 9" in (proc.stdout + proc.stderr).lower() or "killed" in (proc.stdout + proc.stderr).lower()
