"""Differential fuzzer: random programs of registry ops must give the same results in eager mode,
the graph interpreter, the compiled Session and gf.function (see modes.py and compare.py).

Size: GRAPHFLOW_FUZZ_EXAMPLES (default 30); GRAPHFLOW_FUZZ_SEED picks the sequence. A failure
prints the program (inputs and steps) so it can be replayed by hand.
"""
import pytest
from hypothesis import given, seed, settings

from . import modes
from .compare import disagreements
from .conftest import SEED
from .programs import programs

pytestmark = pytest.mark.filterwarnings("ignore")


@seed(SEED)
@settings(settings.get_profile("fuzz"))
@given(prog=programs())
def test_every_mode_computes_what_eager_computes(prog):
    results = {name: run(prog) for name, run in modes.MODES.items()}
    problems = disagreements(prog, results)
    assert not problems, "\n".join(["modes disagree on the program", prog.describe()] + problems[:6])
