"""Loop directives: `gf.autograph.experimental.set_loop_options(...)` inside a loop body is not a
call but an annotation of the loop; this pass removes the call and keeps its keyword arguments
on the loop node (`ag_loop_options`), which the loop operator receives as `opts`."""
from __future__ import annotations

import ast

LOOP_OPTIONS = ("shape_invariants", "maximum_iterations", "parallel_iterations", "swap_memory")


def _is_directive(stmt) -> bool:
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    func = stmt.value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name == "set_loop_options"


class LoopDirectives(ast.NodeTransformer):
    """Moves `set_loop_options` calls from loop bodies onto their loops."""

    def _visit_loop(self, node):
        self.generic_visit(node)
        options = {}
        kept = []
        for stmt in node.body:
            if _is_directive(stmt):
                call = stmt.value
                if call.args:
                    raise SyntaxError(f"set_loop_options takes keyword arguments only (line {stmt.lineno})")
                for kw in call.keywords:
                    if kw.arg not in LOOP_OPTIONS:
                        raise SyntaxError(f"set_loop_options got an unknown option {kw.arg!r} (line {stmt.lineno}); "
                                          f"known: {', '.join(LOOP_OPTIONS)}")
                    options[kw.arg] = kw.value
            else:
                kept.append(stmt)
        node.body = kept or [ast.copy_location(ast.Pass(), node)]
        node.ag_loop_options = options
        return node

    visit_While = visit_For = _visit_loop

    def visit_FunctionDef(self, node):
        return node if getattr(node, "ag_skip", False) else self.generic_visit(node)
