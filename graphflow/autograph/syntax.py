"""Small builders of ast nodes for the transformers, and the namer that keeps generated names
(`if_body`, `break_`, ...) apart from the user's."""
from __future__ import annotations

import ast

AG = "ag__"                     # the name the converted code knows the runtime operators by


def load(name: str) -> ast.Name:
    return ast.Name(id=name, ctx=ast.Load())


def store(name: str) -> ast.Name:
    return ast.Name(id=name, ctx=ast.Store())


def const(value) -> ast.Constant:
    return ast.Constant(value=value)


def operator(attr: str) -> ast.Attribute:
    """`ag__.<attr>`: a runtime operator."""
    return ast.Attribute(value=load(AG), attr=attr, ctx=ast.Load())


def call(func: ast.expr, *args: ast.expr, **kwargs: ast.expr) -> ast.Call:
    return ast.Call(func=func, args=list(args), keywords=[ast.keyword(arg=k, value=v) for k, v in kwargs.items()])


def call_operator(attr: str, *args: ast.expr, **kwargs: ast.expr) -> ast.Call:
    return call(operator(attr), *args, **kwargs)


def assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign(targets=[store(name)], value=value)


def names_tuple(names, ctx=None) -> ast.Tuple:
    return ast.Tuple(elts=[ast.Name(id=n, ctx=ctx or ast.Load()) for n in names], ctx=ctx or ast.Load())


def strings_tuple(names) -> ast.Tuple:
    return ast.Tuple(elts=[const(n) for n in names], ctx=ast.Load())


def thunk(expr: ast.expr) -> ast.Lambda:
    """`lambda: expr`: an operand evaluated only if the operator needs it."""
    return ast.Lambda(args=_no_args(), body=expr)


def not_(expr: ast.expr) -> ast.Call:
    return call_operator("not_", expr)


def and_(left: ast.expr, right: ast.expr) -> ast.Call:
    return call_operator("and_", thunk(left), thunk(right))


def function_def(name: str, params, body: list, scope_decls: dict | None = None) -> ast.FunctionDef:
    """`def name(params): <nonlocal/global decls> body` (an empty body becomes `pass`)."""
    decls = []
    for kind, names in (scope_decls or {}).items():
        if names:
            decls.append((ast.Nonlocal if kind == "nonlocal" else ast.Global)(names=sorted(names)))
    args = _no_args()
    args.args = [ast.arg(arg=p) for p in params]
    return ast.FunctionDef(name=name, args=args, body=decls + (body or [ast.Pass()]), decorator_list=[],
                           returns=None, type_params=[])


def _no_args() -> ast.arguments:
    return ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])


def located(nodes, origin: ast.AST):
    """Give generated nodes (and their children) the line of the statement they stand for."""
    for top in nodes if isinstance(nodes, list) else [nodes]:
        for n in ast.walk(top):
            if "lineno" in n._attributes and getattr(n, "lineno", None) is None:
                # one line, the statement's first: a span reaching the statement's last line
                # would make tracebacks show that line for a generated call
                n.lineno = n.end_lineno = origin.lineno
                n.col_offset = n.end_col_offset = origin.col_offset
    return nodes


class Namer:
    """Fresh names for one converted function: never one the user's code already uses."""

    def __init__(self, tree: ast.AST):
        self.used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        self.used |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
        self.used |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        self.used.add(AG)
        self.generated: set = set()

    def new(self, base: str) -> str:
        name, k = base, 0
        while name in self.used:
            k += 1
            name = f"{base}_{k}"
        self.used.add(name)
        self.generated.add(name)
        return name
