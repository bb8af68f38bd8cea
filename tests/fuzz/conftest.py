"""Fuzzer size: GRAPHFLOW_FUZZ_EXAMPLES programs per fuzz test (default small, so CI stays fast;
docs/reliability.md gives the nightly size). Kernels are cached in GRAPHFLOW_CACHE_DIR."""
import os

from hypothesis import HealthCheck, Phase, settings

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
os.environ.setdefault("GRAPHFLOW_CACHE_DIR", os.path.join(REPO, ".cache", "graphflow"))

EXAMPLES = int(os.environ.get("GRAPHFLOW_FUZZ_EXAMPLES", "30"))
SEED = int(os.environ.get("GRAPHFLOW_FUZZ_SEED", "20261206"))

settings.register_profile(
    "fuzz", max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
    suppress_health_check=list(HealthCheck), print_blob=True,
    # no shrinking: each example compiles kernels, so shrinking takes minutes; a failure prints
    # the whole program instead
    phases=[Phase.explicit, Phase.reuse, Phase.generate])
