"""Interleaving: graphflow's modes and the peers' are timed in the same rounds."""
import sys
import textwrap
import types
from pathlib import Path

import numpy as np

from graphflow.bench import peer_runner, rounds
from graphflow.bench.modes import Mode, run_modes
from graphflow.bench.runner import SuiteConfig, run_suite

SCRIPTS = Path(peer_runner.__file__).parent / "peers"


class FakePartner:
    """A peer as rounds sees it: it logs its rounds and has `left` samples to take."""

    def __init__(self, log, left):
        self.log, self.left = log, left

    def round(self):
        self.log.append("peer")
        self.left -= 1
        return self.left

    def finish(self):
        self.log.append("finish")


def test_each_round_times_every_mode_then_every_partner():
    log, asked = [], []

    def factory(workload, case):
        asked.append((workload, case))
        return [FakePartner(log, left=3)]
    modes = [Mode("numpy", lambda: log.append("numpy") or 1.0), Mode("eager", lambda: log.append("eager") or 1.0)]
    with rounds.interleaved(factory):
        rows = run_modes("W9", modes, case="batch=1", repeat=2, warmup=0)
    assert asked == [("W9", "batch=1")]
    timed = log[2:]     # after the two first calls; per sample one untimed call and one timed
    assert timed == ["numpy"] * 2 + ["eager"] * 2 + ["peer"] + ["numpy"] * 2 + ["eager"] * 2 + ["peer"] + \
        ["peer", "finish"]
    assert [r.repeats for r in rows] == [2, 2] and all(r.load_avg is not None for r in rows)


def test_outside_a_suite_run_modes_has_no_partners():
    (row,) = run_modes("W9", [Mode("eager", lambda: 1.0)], repeat=1, warmup=0)
    assert row.timed and rounds.partners_for("W9", "") == []


def test_a_mode_failing_while_timed_becomes_an_error_row():
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) > 2:
            raise RuntimeError("kernel exploded on call 3")
        return 1.0
    (row,) = run_modes("W9", [Mode("eager", flaky)], repeat=5, warmup=0)
    assert row.status == "error" and "call 3" in row.note and row.median_s is None


FAKE_PEER = """
    import os, sys
    import numpy as np
    import peer_common as pc
    def log(what):
        with open(os.environ["GF_TEST_LOG"], "a") as f:
            f.write(what + "\\n")
    def w1(case, args):
        modes = [("tensorflow eager", lambda: log("peer") or [np.ones(4, np.float32) * 2], False)]
        return pc.time_modes("W1", case, modes, [np.ones(4, np.float32) * 2], args.repeat)
    sys.exit(pc.main({"W1": w1}, "tensorflow", "9.9"))
"""


def test_a_served_peer_is_timed_in_the_same_rounds_as_graphflow(tmp_path, monkeypatch):
    (tmp_path / "tensorflow_peer.py").write_text(textwrap.dedent(FAKE_PEER))
    (tmp_path / "peer_common.py").write_text((SCRIPTS / "peer_common.py").read_text())
    monkeypatch.setattr(peer_runner, "SCRIPTS", tmp_path)
    monkeypatch.setattr(peer_runner, "find_interpreter", lambda peer: sys.executable)
    log = tmp_path / "log.txt"
    monkeypatch.setenv("GF_TEST_LOG", str(log))

    def gf_call():
        with open(log, "a") as f:
            f.write("gf\n")
        return np.ones(4, np.float32) * 2

    def run(size=None, repeat=None, quick=False):
        return run_modes("W1", [Mode("eager", gf_call)], case="N=4", repeat=repeat, warmup=0)
    module = types.SimpleNamespace(WORKLOAD="W1", DESCRIPTION="fake", run=run)
    rep = run_suite(SuiteConfig(workloads=["W1"], repeat=3, peers=["tensorflow"]), modules={"W1": module})
    events = log.read_text().split()
    # first calls and the peer's warm-up, then per round: gf (untimed, timed), peer (untimed, timed)
    assert events[:5] == ["gf", "peer", "peer", "peer", "peer"]
    assert events[5:] == ["gf", "gf", "peer", "peer"] * 3
    assert [(r.mode, r.case, r.repeats) for r in rep.rows] == [("eager", "N=4", 3), ("tensorflow eager", "N=4", 3)]
    assert rep.rows[1].timed and rep.rows[1].ratio_vs_eager is not None
    assert rep.config["peer_status"]["tensorflow"].startswith("tensorflow 9.9")
