"""docs/onnx.md lists exactly the mapping table's rows (tools/onnx_op_table.py writes them)."""
import runpy
from pathlib import Path

TOOL = Path(__file__).resolve().parents[2] / "tools" / "onnx_op_table.py"


def test_doc_table_is_generated_from_the_mapping_table():
    tool = runpy.run_path(str(TOOL))
    text = tool["DOC"].read_text()
    assert tool["render"](text) == text, "docs/onnx.md is stale: run PYTHONPATH=$PWD python tools/onnx_op_table.py"
