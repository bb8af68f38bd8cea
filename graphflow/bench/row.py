"""One measured line of a benchmark report: the record every workload, peer and report shares.

Workload modules return `Row`s (or dicts with the same keys; unknown keys go to `extra`), the
runner fills the ratios, and the table/JSON/CSV/Markdown writers read nothing else.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

# A row's status. Only "ok" rows carry timings: a mode that disagrees with the reference is
# flagged and never timed, so a fast wrong answer cannot appear as a speed-up.
OK, DISAGREES, UNAVAILABLE, ERROR, SKIPPED = "ok", "disagrees", "unavailable", "error", "skipped"

# Names of the graphflow modes (peers name theirs "tensorflow eager", "jax jit", ...).
NUMPY = "numpy"                       # hand-written numpy baseline
EAGER = "eager"                       # graphflow eager, op by op
GRAPH_INTERPRETED = "graph-interpreted"   # TF1 graph, Session(optimize=False): reference interpreter
GRAPH_COMPILED = "graph-compiled"     # TF1 graph, Session(): passes + numba kernels
FUNCTION = "function"                 # gf.function
KERAS_COMPILED = "keras-compiled"     # model.fit through the compiled train step
KERAS_EAGER = "keras-eager"           # model.fit with run_eagerly=True

# Rows that the "vs eager" ratio divides by (the first present, per workload and case).
EAGER_BASELINES = (EAGER, KERAS_EAGER)

_ALIASES = {"median": "median_s", "min": "min_s", "max": "max_s", "first_call": "first_call_s",
            "compile": "compile_s", "compile_time_s": "compile_s", "agreement": "agrees", "agree": "agrees",
            "n_kernels": "kernels", "num_kernels": "kernels"}


@dataclass
class Row:
    """One mode of one workload (and one case of it, e.g. K=100 or the CNN), times in seconds."""
    workload: str                       # "W1"
    mode: str                           # see the names above; peers: "<framework> <mode>"
    case: str = ""                      # sub-benchmark: "N=4194304", "K=100", "MLP"
    median_s: float | None = None       # steady state, per call / step / epoch (see the workload)
    min_s: float | None = None
    max_s: float | None = None
    repeats: int = 0
    first_call_s: float | None = None   # the very first call: trace + optimise + compile + run
    compile_s: float | None = None      # compile cost alone (first call minus steady state if not measured)
    ops_before: int | None = None       # graph ops before optimisation (pruned to the fetches)
    ops_after: int | None = None        # ops (or fused groups) after the passes
    kernels: int | None = None          # kernel calls per run of the plan
    agrees: bool | None = None          # None: not checked (the reference itself, or no reference)
    status: str = OK
    note: str = ""                      # short text for the table: "acc 0.878", "per op 1.1 µs", the error
    framework: str = "graphflow"        # graphflow | numpy | numba | tensorflow | jax | torch
    ratio_vs_eager: float | None = None     # filled by the runner: median / graphflow eager's median
    ratio_vs_numpy: float | None = None     # filled by the runner: median / numpy baseline's median
    load_avg: float | None = None       # the highest 1-minute load average seen while it was timed
    noisy: str = ""                     # filled by the report: why the figure is suspect ("" if it is not)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def timed(self) -> bool:
        return self.status == OK and self.median_s is not None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_any(cls, obj: Row | dict, workload: str | None = None) -> Row:
        """A Row from a Row or a dict (the shape the workload modules and peer scripts return)."""
        if isinstance(obj, Row):
            return obj
        names = {f.name for f in fields(cls)}
        known: dict[str, Any] = {}
        extra = dict(obj.get("extra") or {})
        for key, value in obj.items():
            key2 = _ALIASES.get(key, key)
            if key2 == "extra":
                continue
            if key2 in names and key2 not in known:
                known[key2] = value
            else:
                extra[key] = value
        known.setdefault("workload", workload or "?")
        known.setdefault("mode", "?")
        if known.get("agrees") is False and known.get("status", OK) == OK:
            known["status"] = DISAGREES
        return cls(**known, extra=extra)


ROW_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Row))
