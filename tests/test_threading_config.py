"""gf.config.threading and ConfigProto's thread counts: TensorFlow's semantics (0 = the system
picks; fixed once the runtime has started), applied to numba's and OpenBLAS's pools when the
first kernel runs. Expected behaviour recorded from TF 2.21 by tools/tfref/record_threading.py."""
import json
import pathlib

import numpy as np
import pytest

import graphflow as gf
from graphflow import blas_threads, threading_config

TF = json.loads((pathlib.Path(__file__).parent / "data" / "threading" / "tf_threading.json").read_text())


@pytest.fixture
def fresh_runtime():
    """Settings back to the defaults as if no kernel had run; afterwards the pools are set up
    again with the defaults, so the rest of the suite keeps one thread per core."""
    threading_config.reset()
    yield
    threading_config.reset()
    threading_config.start()
    threading_config.start_parallel_loops()


def test_defaults_are_zero_as_in_tensorflow(fresh_runtime):
    threads = gf.config.threading
    assert [threads.get_intra_op_parallelism_threads(), threads.get_inter_op_parallelism_threads()] == TF["defaults"]


def test_counts_can_be_set_before_the_runtime_starts(fresh_runtime):
    gf.config.threading.set_intra_op_parallelism_threads(2)
    gf.config.threading.set_inter_op_parallelism_threads(3)
    assert gf.config.threading.get_intra_op_parallelism_threads() == 2
    assert gf.config.threading.get_inter_op_parallelism_threads() == 3
    gf.config.threading.set_intra_op_parallelism_threads(0)
    assert gf.config.threading.get_intra_op_parallelism_threads() == 0


def test_changing_a_count_after_the_first_kernel_raises_like_tensorflow(fresh_runtime):
    gf.config.threading.set_intra_op_parallelism_threads(1)
    threading_config.start()
    gf.config.threading.set_intra_op_parallelism_threads(1)          # the same value: no error
    with pytest.raises(RuntimeError) as e:
        gf.config.threading.set_intra_op_parallelism_threads(2)
    assert str(e.value) == TF["after_init_intra"]
    with pytest.raises(RuntimeError) as e:
        gf.config.threading.set_inter_op_parallelism_threads(4)
    assert str(e.value) == TF["after_init_inter"]


@pytest.mark.parametrize("bad", [1.5, "2", True, None])
def test_a_count_that_is_not_an_int_is_a_type_error(bad, fresh_runtime):
    with pytest.raises(TypeError, match="expected an int"):
        gf.config.threading.set_intra_op_parallelism_threads(bad)
    with pytest.raises(TypeError, match="expected an int"):
        gf.config.threading.set_inter_op_parallelism_threads(bad)


def test_a_negative_intra_op_count_is_refused_up_front(fresh_runtime):
    # TensorFlow accepts -1 here and aborts the process when its runtime starts
    with pytest.raises(ValueError, match="set_intra_op_parallelism_threads"):
        gf.config.threading.set_intra_op_parallelism_threads(-1)
    gf.config.threading.set_inter_op_parallelism_threads(-1)          # TF: run ops in the caller's thread
    assert gf.config.threading.get_inter_op_parallelism_threads() == -1


def test_the_first_compiled_plan_applies_the_count_to_blas_and_numba(fresh_runtime):
    numba = pytest.importorskip("numba")
    gf.config.threading.set_intra_op_parallelism_threads(1)
    g = gf.Graph()
    with g.as_default():
        a = gf.compat.v1.placeholder(gf.float32, [4, 4])
        y = gf.matmul(a, a)
    sess = gf.compat.v1.Session(graph=g)
    x = np.eye(4, dtype=np.float32)
    for _ in range(2):                      # the tiered plan compiles on its second call
        np.testing.assert_allclose(sess.run(y, {a: x}), x)
    assert threading_config.started()
    if blas_threads.libraries():
        assert blas_threads.get_num_threads() == 1
    threading_config.start_parallel_loops()
    assert numba.get_num_threads() == 1
    assert threading_config.describe()["wait_policy"] is not None


def test_session_config_sets_the_counts_before_the_runtime_starts(fresh_runtime):
    config = gf.compat.v1.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=2,
                                      allow_soft_placement=True)
    gf.compat.v1.Session(graph=gf.Graph(), config=config)
    assert gf.config.threading.get_intra_op_parallelism_threads() == 1
    assert gf.config.threading.get_inter_op_parallelism_threads() == 2


def test_a_later_session_config_leaves_running_pools_alone(fresh_runtime):
    threading_config.start()
    gf.compat.v1.Session(graph=gf.Graph(), config=gf.compat.v1.ConfigProto(intra_op_parallelism_threads=1))
    assert gf.config.threading.get_intra_op_parallelism_threads() == 0


def test_config_proto_fields_and_errors_follow_tensorflow():
    c = gf.compat.v1.ConfigProto()
    assert (c.intra_op_parallelism_threads, c.inter_op_parallelism_threads) == (TF["config_proto_default"], 0)
    c.gpu_options.allow_growth = True
    assert gf.compat.v1.ConfigProto(log_device_placement=True).log_device_placement is True
    with pytest.raises(ValueError) as e:
        gf.compat.v1.ConfigProto(intra_threads=1)
    assert str(e.value) == TF["config_proto_unknown_field"]
    with pytest.raises(TypeError):
        gf.compat.v1.ConfigProto(intra_op_parallelism_threads=1.5)


def test_a_blas_thread_timeout_the_user_set_is_left_alone(monkeypatch):
    monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", "20")
    assert blas_threads.stop_spinning() is False
