"""gf.distribute in one process: the strategies a multi-worker script falls back to behave as
TensorFlow's (recorded by tools/tfref/record_distribute.py), and the MPI pieces that need no
second rank (fusion buckets, batch slicing, the launch command, the missing-extra message)."""
import json
import os
import sys

import numpy as np
import pytest

import graphflow as gf
from graphflow.distribute import launch, process_group

TF = json.load(open(os.path.join(os.path.dirname(__file__), "..", "data", "distribute", "tf_strategies.json")))


def test_default_and_mirrored_strategies_have_one_replica_as_in_tensorflow():
    strategy = gf.distribute.MirroredStrategy()
    assert strategy.num_replicas_in_sync == TF["mirrored_replicas"]
    assert gf.distribute.get_strategy().num_replicas_in_sync == TF["default_replicas"]
    assert gf.distribute.has_strategy() == TF["default_has_strategy"]
    assert gf.distribute.OneDeviceStrategy("/cpu:0").num_replicas_in_sync == 1
    with strategy.scope():
        assert gf.distribute.has_strategy() == TF["in_scope_has_strategy"]
        assert (gf.distribute.get_strategy() is strategy) == TF["in_scope_is_current"]
        assert gf.distribute.in_cross_replica_context() == TF["cross_replica_in_scope"]
        assert (gf.distribute.get_replica_context() is None) == TF["replica_context_in_scope_is_none"]


def test_run_and_reduce_match_tensorflow():
    strategy = gf.distribute.MirroredStrategy()
    value = gf.constant([[1.0, 2.0], [3.0, 5.0], [4.0, 8.0]])
    per_replica = strategy.run(lambda v: v * 2.0, args=(value,))
    np.testing.assert_allclose(per_replica.numpy(), TF["run"])
    np.testing.assert_allclose(strategy.reduce(gf.distribute.ReduceOp.SUM, per_replica, axis=None).numpy(),
                               TF["reduce_sum_none"])
    np.testing.assert_allclose(strategy.reduce("MEAN", per_replica, axis=None).numpy(), TF["reduce_mean_none"])
    np.testing.assert_allclose(strategy.reduce("SUM", per_replica, axis=0).numpy(), TF["reduce_sum_0"])
    np.testing.assert_allclose(strategy.reduce("MEAN", per_replica, axis=0).numpy(), TF["reduce_mean_0"], rtol=1e-6)
    np.testing.assert_allclose(strategy.reduce("MEAN", per_replica, axis=1).numpy(), TF["reduce_mean_1"])
    with pytest.raises(ValueError, match="ReduceOp.SUM or ReduceOp.MEAN"):
        strategy.reduce("MAX", per_replica)


def test_distributed_datasets_match_tensorflow():
    strategy = gf.distribute.MirroredStrategy()
    ds = gf.data.Dataset.from_tensor_slices(np.arange(10, dtype=np.float32)).batch(4)
    assert [b.numpy().tolist() for b in strategy.experimental_distribute_dataset(ds)] == TF["distributed_batches"]
    seen = []

    def dataset_fn(ctx):
        seen.append([ctx.num_input_pipelines, ctx.input_pipeline_id, ctx.num_replicas_in_sync,
                     ctx.get_per_replica_batch_size(8)])
        return gf.data.Dataset.range(3).batch(2)
    batches = [b.numpy().tolist() for b in strategy.distribute_datasets_from_function(dataset_fn)]
    assert batches == TF["from_function_batches"]
    assert seen == [TF["input_context"]]


def test_compute_average_loss_matches_tensorflow():
    loss = gf.constant([1.0, 2.0, 6.0])
    assert float(gf.nn.compute_average_loss(loss)) == pytest.approx(TF["compute_average_loss"])
    assert float(gf.nn.compute_average_loss(loss, global_batch_size=6)) == pytest.approx(
        TF["compute_average_loss_global"])
    assert float(gf.nn.compute_average_loss(loss, sample_weight=gf.constant([1.0, 0.5, 0.0]))) == pytest.approx(
        TF["compute_average_loss_weighted"])


def test_mirrored_strategy_refuses_several_devices_and_names_the_way_out():
    with pytest.raises(ValueError, match="graphflow launch -n N"):
        gf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


def test_replica_slices_cover_a_batch_in_order_as_evenly_as_possible():
    assert [process_group.replica_slice(10, r, 4) for r in range(4)] == [slice(0, 3), slice(3, 6), slice(6, 8),
                                                                          slice(8, 10)]
    assert [process_group.replica_slice(8, r, 2) for r in range(2)] == [slice(0, 4), slice(4, 8)]


def test_fusion_buckets_group_one_dtype_up_to_the_threshold():
    arrays = [np.zeros(10, np.float32), np.zeros(10, np.float32), np.zeros(3, np.int64), np.zeros(30, np.float32),
              np.zeros(5, np.float32)]
    assert process_group.fusion_buckets(arrays, fusion_bytes=80) == [[0, 1], [2], [3], [4]]
    assert process_group.fusion_buckets(arrays, fusion_bytes=1 << 20) == [[0, 1, 3, 4], [2]]


def test_without_mpi4py_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    with pytest.raises(ImportError, match=r"graphflow\[mpi\]"):
        process_group.import_mpi()


def test_collective_timeout_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_COLLECTIVE_TIMEOUT", "2.5")
    assert process_group.timeout_from_env() == 2.5
    monkeypatch.setenv("GRAPHFLOW_COLLECTIVE_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="number of seconds"):
        process_group.timeout_from_env()


def test_launch_runs_the_script_under_mpiexec_with_this_python(capsys):
    from graphflow.cli import main
    # a stand-in mpiexec that is no MPI launcher: no implementation-specific flags are added
    assert main(["launch", "-n", "4", "--mpiexec", sys.executable, "--print-command", "train.py", "--epochs", "3"]) == 0
    assert capsys.readouterr().out.split() == [sys.executable, "-n", "4", sys.executable, "train.py", "--epochs", "3"]


def test_launch_refuses_zero_ranks():
    with pytest.raises(ValueError, match="at least 1"):
        launch.mpiexec_command(0, ["train.py"], mpiexec="mpiexec")


def test_communication_options_are_checked_as_in_tensorflow():
    options = gf.distribute.experimental.CommunicationOptions()
    assert (options.bytes_per_pack, options.timeout_seconds) == (0, None)
    assert options.implementation is gf.distribute.experimental.CommunicationImplementation.AUTO
    with pytest.raises(ValueError, match="must be >=0"):
        gf.distribute.experimental.CommunicationOptions(bytes_per_pack=-1)
