"""Lowering of `break`, `continue` and `return` (and loop `else:` clauses) into flag variables,
so that the control-flow transformer only meets structured ifs and loops.

`break` sets `break_` and ends the loop through an extra loop test; `continue` sets
`continue_`, and the statements after it run under `if not continue_:`; `return v` sets
`do_return` and `retval_`, guards what follows, stops enclosing loops, and the function ends
with `return ag__.retval(retval_)`. Flags are plain Python bools until a tensor condition
assigns them, when they become tensors of a cond / while_loop like any other variable.
"""
from __future__ import annotations

import ast

from . import syntax as sx

_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_LOOPS = (ast.While, ast.For)


def _contains(node, kinds, cross_loops: bool) -> bool:
    """Whether `node` (a statement or a block) holds one of `kinds`, not counting nested functions,
    nor, unless `cross_loops`, nested loops (a loop's own break belongs to it)."""
    stack = list(node) if isinstance(node, list) else [node]
    while stack:
        n = stack.pop()
        if isinstance(n, kinds):
            return True
        if isinstance(n, _NESTED_SCOPES) or (isinstance(n, _LOOPS) and not cross_loops):
            continue
        stack.extend(ast.iter_child_nodes(n))
    return False


def _always_returns(stmts) -> bool:
    for s in stmts:
        if isinstance(s, ast.Return):
            return True
        if isinstance(s, ast.If) and _always_returns(s.body) and _always_returns(s.orelse):
            return True
        if isinstance(s, ast.With) and _always_returns(s.body):
            return True
    return False


def add_extra_test(loop, test: ast.expr) -> None:
    """A condition the loop also needs to continue (`not break_`, `not do_return`)."""
    loop.ag_extra_tests = getattr(loop, "ag_extra_tests", []) + [test]


def _flag_set(name: str, origin) -> ast.Assign:
    return sx.located(sx.assign(name, sx.const(True)), origin)


def _guard(flag: str, stmts: list, origin) -> ast.If:
    """`if not flag: stmts`."""
    return sx.located(ast.If(test=sx.not_(sx.load(flag)), body=stmts, orelse=[]), origin)


# ---- break and continue ------------------------------------------------------------------------------

class LoopExits(ast.NodeTransformer):
    """Lowers break/continue of every loop of one function scope, innermost loops first."""

    def __init__(self, namer: sx.Namer):
        self.namer = namer

    def visit_FunctionDef(self, node):
        return node                     # its own scope, lowered on its own

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef

    def _visit_loop(self, loop):
        self.generic_visit(loop)
        before, after = [], list(loop.orelse)
        loop.orelse = []
        if _contains(loop.body, ast.Continue, cross_loops=False):
            flag = self.namer.new("continue_")
            loop.body = [sx.located(sx.assign(flag, sx.const(False)), loop)] + _lower(loop.body, ast.Continue, flag)
        if _contains(loop.body, ast.Break, cross_loops=False):
            flag = self.namer.new("break_")
            loop.body = _lower(loop.body, ast.Break, flag)
            add_extra_test(loop, sx.located(sx.not_(sx.load(flag)), loop))
            before = [sx.located(sx.assign(flag, sx.const(False)), loop)]
            if after:
                after = [_guard(flag, after, loop)]
        return before + [loop] + after

    visit_While = visit_For = _visit_loop


def _lower(stmts: list, kind, flag: str) -> list:
    """The block with each `kind` statement replaced by setting `flag`, and what follows guarded."""
    out = []
    for i, s in enumerate(stmts):
        if isinstance(s, kind):
            out.append(_flag_set(flag, s))
            return out
        if not _contains(s, kind, cross_loops=False):
            out.append(s)
            continue
        _lower_inside(s, kind, flag)
        out.append(s)
        rest = stmts[i + 1:]
        if rest:
            out.append(_guard(flag, _lower(rest, kind, flag), rest[0]))
        return out
    return out


def _lower_inside(s, kind, flag):
    for field in ("body", "orelse", "finalbody"):
        if isinstance(getattr(s, field, None), list):
            setattr(s, field, _lower(getattr(s, field), kind, flag))
    for h in getattr(s, "handlers", []):
        h.body = _lower(h.body, kind, flag)


# ---- return ------------------------------------------------------------------------------------------

class Returns:
    """Lowers the returns of one function whose returns are not all at its end."""

    def __init__(self, namer: sx.Namer):
        self.namer = namer

    def lower(self, fn: ast.FunctionDef) -> None:
        body = fn.body
        nested = any(_contains(s, ast.Return, cross_loops=True) for s in body if not isinstance(s, ast.Return))
        if not nested:
            return
        self.do_return = self.namer.new("do_return")
        self.retval = self.namer.new("retval_")
        head = [sx.assign(self.do_return, sx.const(False)),
                sx.assign(self.retval, sx.call_operator("UndefinedReturnValue"))]
        lowered, always = self._block(body)
        # A function that may finish without returning gets its flag checked: with a graph-tensor
        # flag some paths return a value and others None, which a graph cannot express.
        flag = [] if always else [sx.load(self.do_return)]
        tail = ast.Return(value=sx.call_operator("retval", sx.load(self.retval), *flag))
        fn.body = sx.located(head, body[0]) + lowered + [sx.located(tail, body[-1])]

    def _set_return(self, ret: ast.Return) -> list:
        value = ret.value if ret.value is not None else sx.const(None)
        return sx.located([sx.assign(self.do_return, sx.const(True)), sx.assign(self.retval, value)], ret)

    def _block(self, stmts: list):
        """(lowered block, whether it always returns)."""
        out = []
        for i, s in enumerate(stmts):
            if isinstance(s, ast.Return):
                return out + self._set_return(s), True
            if not _contains(s, ast.Return, cross_loops=True):
                out.append(s)
                continue
            rest = stmts[i + 1:]
            always = False
            if isinstance(s, ast.If):
                if _always_returns(s.body) and not _always_returns(s.orelse):
                    s.orelse, rest = s.orelse + rest, []      # what follows is the else branch
                elif _always_returns(s.orelse) and not _always_returns(s.body):
                    s.body, rest = s.body + rest, []
                s.body, a1 = self._block(s.body)
                s.orelse, a2 = self._block(s.orelse)
                always = a1 and a2
            elif isinstance(s, _LOOPS):
                s.body, _ = self._block(s.body)
                add_extra_test(s, sx.located(sx.not_(sx.load(self.do_return)), s))
            elif isinstance(s, ast.With):
                s.body, always = self._block(s.body)
            else:
                for field in ("body", "orelse", "finalbody"):
                    setattr(s, field, self._block(getattr(s, field))[0])
                for h in s.handlers:
                    h.body = self._block(h.body)[0]
            out.append(s)
            if always:
                return out, True
            if rest:
                lowered, always = self._block(rest)
                out.append(sx.located(ast.If(test=sx.not_(sx.load(self.do_return)), body=lowered, orelse=[]),
                                      rest[0]))
                return out, always
            return out, False
        return out, False
