"""The runner's contract with workload modules: agreement before timing, failures as rows."""
import types

import numpy as np

from graphflow.bench import report, workloads
from graphflow.bench.modes import Mode, agree, run_modes
from graphflow.bench.row import Row
from graphflow.bench.runner import SuiteConfig, run_suite


def fake_workload(wid="W1", modes=None, record=None):
    """A workload module built in the test: the same shape as graphflow/bench/w*.py."""
    def run(size=None, repeat=None, quick=False):
        if record is not None:
            record.update(size=size, repeat=repeat, quick=quick)
        x = np.arange(4, dtype=np.float32)
        return run_modes(wid, modes or [Mode("numpy", lambda: x * 2, framework="numpy"),
                                        Mode("eager", lambda: x * 2),
                                        Mode("graph-compiled", lambda: x * 2 + 1, compiles=True)],
                         case="N=4", repeat=repeat or 2)
    return types.SimpleNamespace(WORKLOAD=wid, DESCRIPTION="a fake workload", run=run)


def suite(modules, **kw):
    return run_suite(SuiteConfig(workloads=list(modules), **kw), modules=modules)


def test_a_disagreeing_mode_is_flagged_and_not_timed():
    rep = suite({"W1": fake_workload()})
    rows = {r.mode: r for r in rep.rows}
    bad = rows["graph-compiled"]
    assert bad.status == "disagrees" and bad.agrees is False
    assert bad.median_s is None and bad.min_s is None and bad.ratio_vs_eager is None
    assert "max abs diff 1" in bad.note
    assert rows["eager"].agrees is True and rows["eager"].timed
    assert "DISAGREES" in report.format_table(rep)


def test_reference_runs_first_and_is_not_checked_against_itself():
    calls = []
    x = np.ones(3)
    modes = [Mode("eager", lambda: calls.append("eager") or x), Mode("numpy", lambda: calls.append("numpy") or x)]
    rows = run_modes("W9", modes, repeat=1, warmup=0)
    assert calls[0] == "numpy"
    assert [r.mode for r in rows] == ["eager", "numpy"]
    assert rows[1].agrees is None and rows[0].agrees is True


def test_a_reference_only_mode_is_called_once_and_still_checks_the_others():
    calls = []
    x = np.ones(3)
    modes = [Mode("numpy", lambda: calls.append("numpy") or x, framework="numpy", timed=False),
             Mode("eager", lambda: x), Mode("function", lambda: x + 1)]
    rows = {r.mode: r for r in run_modes("W8", modes, repeat=3, warmup=1)}
    assert calls == ["numpy"]
    assert rows["numpy"].status == "ok" and rows["numpy"].median_s is None and rows["numpy"].first_call_s
    assert rows["eager"].timed and rows["function"].status == "disagrees"
    assert report.cells(rows["numpy"])[6] != ""     # its first call is shown


def test_unavailable_and_crashing_modes_do_not_stop_the_others():
    def missing():
        raise NotImplementedError("gf.function not yet")

    def broken():
        raise RuntimeError("kernel exploded")
    rows = run_modes("W9", [Mode("numpy", lambda: 1.0), Mode("function", missing), Mode("graph-compiled", broken),
                            Mode("eager", lambda: 1.0)], repeat=1, warmup=0)
    status = {r.mode: (r.status, r.note) for r in rows}
    assert status["function"] == ("unavailable", "NotImplementedError: gf.function not yet")
    assert status["graph-compiled"] == ("error", "RuntimeError: kernel exploded")
    assert status["eager"][0] == "ok"


def test_compile_time_is_first_call_minus_steady_state():
    state = {"first": True}

    def slow_first():
        if state.pop("first", False):
            sum(range(200_000))
        return 1.0
    (row,) = run_modes("W9", [Mode("graph-compiled", slow_first, compiles=True)], repeat=3, warmup=0)
    assert row.first_call_s > row.median_s
    assert row.compile_s == row.first_call_s - row.median_s


def test_stats_of_the_plan_fill_the_op_and_kernel_columns():
    mode = Mode("graph-compiled", lambda: 1.0, stats=lambda: {"ops_before": 9, "ops_after": 2, "kernels": 1})
    (row,) = run_modes("W9", [mode], repeat=1, warmup=0)
    assert (row.ops_before, row.ops_after, row.kernels) == (9, 2, 1)


def test_agreement_compares_nested_outputs_shapes_and_values():
    assert agree({"a": [np.ones(2)], "b": 1.0}, {"a": [np.ones(2)], "b": 1.0 + 1e-9}) == (True, "")
    assert agree(np.ones(2), np.ones(3))[1] == "output 0: shape (2,), expected (3,)"
    assert not agree([1, 2], [1])[0]
    assert not agree(np.array([1, 2]), np.array([1, 3]))[0]


def test_size_repeat_and_quick_reach_the_workload():
    seen = {}
    suite({"W1": fake_workload(record=seen)}, sizes={"W1": 4}, repeat=3, quick=False)
    assert seen == {"size": 4, "repeat": 3, "quick": False}


def test_a_module_with_an_older_run_signature_gets_only_what_it_accepts():
    module = types.SimpleNamespace(run=lambda repeat=30: [{"workload": "W2", "mode": "eager", "median": 1e-6,
                                                           "per_op_us": 0.01}])
    (row,) = suite({"W2": module}, repeat=5).rows
    assert row.median_s == 1e-6 and row.extra == {"per_op_us": 0.01}


def test_a_crashing_or_missing_workload_becomes_one_row():
    def run(**kw):
        raise ValueError("shapes (3,) and (4,) not aligned")
    rep = suite({"W3": types.SimpleNamespace(run=run), "W4": "graphflow.bench.no_such_module"})
    (w3,), (w4,) = [r for r in rep.rows if r.workload == "W3"], [r for r in rep.rows if r.workload == "W4"]
    assert w3.status == "error" and "not aligned" in w3.note
    assert w4.status == "unavailable" and "not written yet" in w4.note


def test_every_registered_workload_loads_or_says_why():
    for wid in workloads.ALL:
        w = workloads.load(wid)
        assert w.module is not None or w.missing


def test_ratios_divide_by_eager_and_numpy_of_the_same_workload_and_case():
    rows = [Row("W1", "numpy", "N=1", median_s=1.0, framework="numpy"), Row("W1", "eager", "N=1", median_s=2.0),
            Row("W1", "graph-compiled", "N=1", median_s=0.5), Row("W1", "graph-compiled", "N=2", median_s=0.5),
            Row("W1", "jax jit", "N=1", median_s=0.25, framework="jax")]
    report.add_ratios(rows)
    assert [(r.ratio_vs_eager, r.ratio_vs_numpy) for r in rows] == [
        (0.5, 1.0), (1.0, 2.0), (0.25, 0.5), (None, None), (0.125, 0.25)]


def test_dict_rows_accept_aliases_and_keep_unknown_keys_as_extra():
    row = Row.from_any({"mode": "eager", "median": 2.0, "agreement": False, "accuracy": 0.9}, "W5")
    assert row.workload == "W5" and row.median_s == 2.0
    assert row.status == "disagrees" and row.extra == {"accuracy": 0.9}


def test_peers_get_the_cases_of_graphflows_standard_modes_only():
    from graphflow.bench.runner import _cases
    rows = [Row("W1", "numpy", "N=4194304"), Row("W1", "graph-compiled", "N=4194304"),
            Row("W1", "graph-compiled serial", "N=1024"), Row("W6", "graph-compiled", "K=10")]
    assert _cases(rows, "W1") == ["N=4194304"]
    assert _cases(rows, "W6") == ["K=10"]


def test_rows_timed_outside_the_rounds_get_the_workloads_load_average():
    module = types.SimpleNamespace(run=lambda: [{"workload": "W5", "mode": "keras-eager", "median": 2.0, "min": 1.0}])
    (row,) = suite({"W5": module}).rows
    assert row.load_avg is not None and row.noisy.startswith("median/min 2.0")
