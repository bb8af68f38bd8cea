"""Write the op mapping table of docs/onnx.md from graphflow/onnx/mapping.py (between the
`<!-- op table -->` markers), so the doc lists exactly what export does.

    PYTHONPATH=$PWD python tools/onnx_op_table.py          # rewrite docs/onnx.md
    PYTHONPATH=$PWD python tools/onnx_op_table.py --check  # exit 1 if the doc is stale
"""
from __future__ import annotations

import pathlib
import sys

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "onnx.md"
BEGIN, END = "<!-- op table -->", "<!-- end op table -->"


def table() -> str:
    import graphflow  # noqa: F401  (declares every op, control flow included)
    import graphflow.autodiff  # noqa: F401  (gradient-only ops)
    from graphflow.onnx.mapping import FORMS, NOT_EXPORTABLE, WALKER_FORMS
    from graphflow.ops.registry import REGISTRY
    lines = ["| graphflow op | ONNX |", "|---|---|"]
    forms = {**FORMS, **WALKER_FORMS}
    for name in sorted(set(REGISTRY) | set(forms)):
        if name in forms:
            lines.append(f"| {name} | {forms[name]} |")
    lines += ["", "Not exportable (export raises ExportError naming the op and the line that created it):", "",
              "| graphflow op | why |", "|---|---|"]
    lines += [f"| {name} | {reason} |" for name, reason in sorted(NOT_EXPORTABLE.items())]
    return "\n".join(lines)


def render(text: str) -> str:
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{table()}\n{END}{tail}"


def main(argv) -> int:
    text = DOC.read_text()
    new = render(text)
    if "--check" in argv:
        if new != text:
            print(f"{DOC} is stale: run tools/onnx_op_table.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
