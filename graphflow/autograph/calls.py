"""Expressions and simple statements: calls go through `ag__.converted_call` (so user functions
are converted when called, and print/len/range get their tensor forms), `assert` becomes
`ag__.assert_stmt`, and `not`/`and`/`or`/`a if c else b` become operators that build graph ops
when their operands are tensors (the right operand stays lazy, as in Python)."""
from __future__ import annotations

import ast

from . import syntax as sx

# Calls that need the caller's own frame: converting them would change what they see.
_FRAME_BUILTINS = {"super", "locals", "globals", "vars", "eval", "exec", "dir"}


class CallsAndExpressions(ast.NodeTransformer):

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Name) and func.id in _FRAME_BUILTINS:
            return node
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == sx.AG:
            return node
        args = ast.Tuple(elts=node.args, ctx=ast.Load())
        if node.keywords:
            kwargs = ast.Dict(keys=[None if k.arg is None else sx.const(k.arg) for k in node.keywords],
                              values=[k.value for k in node.keywords])
        else:
            kwargs = sx.const(None)
        return sx.located(sx.call_operator("converted_call", func, args, kwargs), node)

    def visit_Assert(self, node):
        self.generic_visit(node)
        msg = sx.thunk(node.msg) if node.msg is not None else sx.const(None)
        return sx.located(ast.Expr(value=sx.call_operator("assert_stmt", node.test, msg)), node)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return sx.located(sx.not_(node.operand), node)
        return node

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        op = "and_" if isinstance(node.op, ast.And) else "or_"
        result = node.values[-1]
        for left in reversed(node.values[:-1]):
            result = sx.call_operator(op, sx.thunk(left), sx.thunk(result))
        return sx.located(result, node)

    def visit_IfExp(self, node):
        self.generic_visit(node)
        return sx.located(sx.call_operator("if_exp", node.test, sx.thunk(node.body), sx.thunk(node.orelse)), node)
