"""The control-flow transformer: each `if`, `while` and `for` of a function scope becomes a call of
its runtime operator (`ag__.if_stmt`, `ag__.while_stmt`, `ag__.for_stmt`) with the statement's
bodies as nested functions and the variables it carries read and written by `get_state` /
`set_state`.

    if x > 0:                        def get_state(): return (y,)
        y = x                        def set_state(vars_): nonlocal y; (y,) = vars_
    else:                 ==>        def if_body(): nonlocal y; y = x
        y = -x                       def else_body(): nonlocal y; y = -x
                                     ag__.if_stmt(x > 0, if_body, else_body, get_state, set_state, ('y',), 1)

The bodies assign the enclosing function's variables through `nonlocal`, so the user's statements
are kept as they are; variables with no value yet are bound to `ag__.Undefined('y')` first.
Every generated node carries the line of the statement it replaces.
"""
from __future__ import annotations

import ast

from . import syntax as sx
from .analysis import assigned_names


class ControlFlow(ast.NodeTransformer):
    """Converts the ifs and loops of one function scope (run `analysis` on it first)."""

    def __init__(self, namer: sx.Namer, outside: set):
        self.namer = namer
        self.outside = outside          # names declared global in the scope: never state
        self.state_param = namer.new("vars_")

    def visit_FunctionDef(self, node):
        return node                     # a nested function is its own scope, converted on its own

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef

    # ---- shared pieces -------------------------------------------------------------------------------
    def _modified(self, stmts) -> set:
        return assigned_names(stmts) - self.outside

    def _decls(self, stmts) -> dict:
        names = assigned_names(stmts)
        return {"nonlocal": names - self.outside, "global": names & self.outside}

    def _prelude(self, node, names) -> list:
        """Bind each carried name that may have no value yet, so `nonlocal` finds it."""
        out = []
        for n in sorted(names - node.ag_defined):
            if n in node.ag_possible:
                value = sx.call_operator("ld_or_undefined", sx.call(sx.load("locals")), sx.const(n))
            else:
                value = sx.call_operator("Undefined", sx.const(n))
            out.append(sx.assign(n, value))
        return out

    def _state_functions(self, names: list):
        get_name, set_name = self.namer.new("get_state"), self.namer.new("set_state")
        getter = sx.function_def(get_name, [], [ast.Return(value=sx.names_tuple(names))])
        if names:
            setter_body = [ast.Assign(targets=[sx.names_tuple(names, ast.Store())], value=sx.load(self.state_param))]
        else:
            setter_body = [ast.Pass()]
        setter = sx.function_def(set_name, [self.state_param], setter_body, {"nonlocal": set(names)})
        return [getter, setter], get_name, set_name

    @staticmethod
    def _options(node) -> ast.Dict:
        opts = getattr(node, "ag_loop_options", {})
        return ast.Dict(keys=[sx.const(k) for k in opts], values=list(opts.values()))

    @staticmethod
    def _test(node, base: ast.expr | None) -> ast.expr | None:
        """The loop's test joined with its extra tests (break/return flags), the flags first."""
        tests = list(getattr(node, "ag_extra_tests", []))
        if base is not None:
            tests.append(base)
        if not tests:
            return None
        result = tests[-1]
        for t in reversed(tests[:-1]):
            result = sx.and_(t, result)
        return result

    # ---- if --------------------------------------------------------------------------------------------
    def visit_If(self, node):
        modified = self._modified(node.body + node.orelse)
        outputs = sorted(modified & node.ag_live_out)
        names = outputs + sorted(modified - set(outputs))
        body_decls, else_decls = self._decls(node.body), self._decls(node.orelse)
        self.generic_visit(node)
        state_defs, get_name, set_name = self._state_functions(names)
        body_name, else_name = self.namer.new("if_body"), self.namer.new("else_body")
        body = sx.function_def(body_name, [], node.body, body_decls)
        orelse = sx.function_def(else_name, [], node.orelse, else_decls)
        call = sx.call_operator("if_stmt", node.test, sx.load(body_name), sx.load(else_name), sx.load(get_name),
                                sx.load(set_name), sx.strings_tuple(names), sx.const(len(outputs)))
        out = self._prelude(node, modified) + state_defs + [body, orelse, ast.Expr(value=call)]
        return sx.located(out, node)

    # ---- while -----------------------------------------------------------------------------------------
    def visit_While(self, node):
        modified = self._modified(node.body)
        loop_vars = sorted(modified & node.ag_live_head)
        decls = self._decls(node.body)
        self.generic_visit(node)
        state_defs, get_name, set_name = self._state_functions(loop_vars)
        test_name, body_name = self.namer.new("loop_test"), self.namer.new("loop_body")
        test = sx.function_def(test_name, [], [ast.Return(value=self._test(node, node.test))])
        body = sx.function_def(body_name, [], node.body, decls)
        call = sx.call_operator("while_stmt", sx.load(test_name), sx.load(body_name), sx.load(get_name),
                                sx.load(set_name), sx.strings_tuple(loop_vars), self._options(node))
        out = self._prelude(node, modified) + state_defs + [test, body, ast.Expr(value=call)]
        return sx.located(out, node)

    # ---- for -------------------------------------------------------------------------------------------
    def visit_For(self, node):
        if node.orelse:
            raise SyntaxError("internal: loop else clauses are lowered before control flow")
        modified = self._modified(node.body + [node.target])
        loop_vars = sorted(modified & node.ag_live_head)
        decls = self._decls(node.body + [node.target])
        self.generic_visit(node)
        state_defs, get_name, set_name = self._state_functions(loop_vars)
        body_name, item = self.namer.new("loop_body"), self.namer.new("itr")
        bind = ast.Assign(targets=[node.target], value=sx.load(item))
        body = sx.function_def(body_name, [item], [bind] + node.body, decls)
        extra = self._test(node, None)
        defs = []
        if extra is not None:
            extra_name = self.namer.new("extra_test")
            defs.append(sx.function_def(extra_name, [], [ast.Return(value=extra)]))
            extra_ref = sx.load(extra_name)
        else:
            extra_ref = sx.const(None)
        call = sx.call_operator("for_stmt", node.iter, extra_ref, sx.load(body_name), sx.load(get_name),
                                sx.load(set_name), sx.strings_tuple(loop_vars), self._options(node))
        out = self._prelude(node, modified) + state_defs + defs + [body, ast.Expr(value=call)]
        return sx.located(out, node)


def convert_scope(fn: ast.FunctionDef, namer: sx.Namer, outside: set) -> None:
    """Convert the control flow of `fn`'s own statements (not of functions nested in it)."""
    transformer = ControlFlow(namer, outside)
    body = []
    for stmt in fn.body:
        result = transformer.visit(stmt)
        body.extend(result if isinstance(result, list) else [result])
    fn.body = body
