"""The registry owns op semantics: outside graphflow/ops/, no code asks which op it holds by name
(`op.type == "Add"`, `op.opdef.name in ("Sum", "Mean")`); it reads a field of the OpDef, or a
pattern in a rule table (passes/pattern.py), instead."""
import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1] / "graphflow"


def _names_an_op(node) -> bool:
    """`x.type` or `x.opdef.name`."""
    return isinstance(node, ast.Attribute) and (
        node.attr == "type" or (node.attr == "name" and isinstance(node.value, ast.Attribute)
                                and node.value.attr == "opdef"))


def _is_strings(node) -> bool:
    """A string literal, or a tuple/list/set of them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return isinstance(node, (ast.Tuple, ast.List, ast.Set)) and bool(node.elts) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)


def op_type_checks(tree) -> list:
    """Line and text of every comparison of an op's type name with string literals."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_names_an_op(a) for a in operands) and any(_is_strings(a) for a in operands):
                found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_detector_sees_each_form_of_op_type_check():
    src = ('a = op.type == "Add"\nb = t.op.type in ("Sum", "Mean")\nc = m.opdef.name != "Mul"\n'
           'd = "NoOp" == op.type\ne = op.opdef.source == FEED\nf = kind in ("x", "y")\n')
    assert [line.split(":")[0] for line in op_type_checks(ast.parse(src))] == ["1", "2", "3", "4"]


def test_no_op_type_checks_outside_the_registry():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent)
        if rel.parts[1] == "ops":
            continue
        offenders += [f"{rel}:{hit}" for hit in op_type_checks(ast.parse(path.read_text()))]
    assert offenders == []
