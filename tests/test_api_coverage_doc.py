"""docs/api_coverage.md's generated sections are what their scripts write today: a name added, tested or
dropped without regenerating the table fails here (tools/api_coverage_tf2.py, tools/api_coverage_v1.py)."""
import runpy
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"


@pytest.mark.parametrize("script", ["api_coverage_tf2.py", "api_coverage_v1.py"])
def test_coverage_section_is_generated(script):
    tool = runpy.run_path(str(TOOLS / script))
    with open(tool["DOC"]) as f:
        text = f.read()
    assert tool["section"]() in text, f"docs/api_coverage.md is stale: run python tools/{script}"
