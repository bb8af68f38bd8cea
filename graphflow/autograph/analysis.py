"""Static analysis of one function scope: which names a block assigns, which it reads, which are
live after a statement, and which are (certainly, possibly) defined before it.

The control-flow transformer uses the answers to pick a statement's state: the variables an `if`
outputs are those its branches assign that are live after it; a loop's variables are those its
body assigns that are live at the loop's head (read by the test or the next iteration, or after).
Results are stored on the If/While/For nodes as `ag_live_out`, `ag_live_head`, `ag_defined`,
`ag_possible`.
"""
from __future__ import annotations

import ast

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
           ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


# ---- assigned and read names -------------------------------------------------------------------------

class _Assigned(ast.NodeVisitor):
    def __init__(self):
        self.names: set = set()

    def visit_Name(self, node):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.names.add(node.id)

    def visit_FunctionDef(self, node):
        self.names.add(node.name)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node):
        pass

    def _visit_comprehension(self, node):
        for n in ast.walk(node):          # only a walrus binds in the enclosing scope
            if isinstance(n, ast.NamedExpr):
                self.visit(n.target)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _visit_comprehension

    def visit_alias(self, node):
        if node.name != "*":
            self.names.add((node.asname or node.name).split(".")[0])

    def visit_MatchAs(self, node):
        if node.name:
            self.names.add(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node):
        if node.name:
            self.names.add(node.name)

    def visit_MatchMapping(self, node):
        if node.rest:
            self.names.add(node.rest)
        self.generic_visit(node)

    def visit_ExceptHandler(self, node):
        if node.name:
            self.names.add(node.name)
        self.generic_visit(node)


def assigned_names(nodes) -> set:
    """Names the statements (or expression) bind in the current scope, nested defs excluded."""
    v = _Assigned()
    for n in nodes if isinstance(nodes, list) else [nodes]:
        v.visit(n)
    return v.names


def read_names(node) -> set:
    """Names an expression or simple statement reads (a nested scope's own names excluded)."""
    if node is None:
        return set()
    if isinstance(node, list):
        return set().union(*[read_names(n) for n in node]) if node else set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = node.args
        params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
        params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
        body = node.body if isinstance(node.body, list) else [node.body]
        inner = read_names(body) - params - assigned_names(body)
        outer = read_names(args.defaults + [d for d in args.kw_defaults if d is not None])
        return inner | outer | read_names(getattr(node, "decorator_list", []))
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        targets = assigned_names([g.target for g in node.generators])
        parts = [g.iter for g in node.generators] + [c for g in node.generators for c in g.ifs]
        parts += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        return read_names(node.generators[0].iter) | (read_names(parts) - targets)
    if isinstance(node, ast.ClassDef):
        return read_names(node.bases + node.decorator_list + node.body)
    names = set()
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        names.add(node.id)
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        names.add(node.target.id)
    for child in ast.iter_child_nodes(node):
        names |= read_names(child)
    return names


def declared_names(fn: ast.FunctionDef) -> tuple[set, set]:
    """(names declared `global`, names declared `nonlocal`) in the function's own statements."""
    globals_, nonlocals = set(), set()
    stack = list(fn.body)
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Global):
            globals_.update(n.names)
        elif isinstance(n, ast.Nonlocal):
            nonlocals.update(n.names)
        elif not isinstance(n, _SCOPES):
            stack.extend(ast.iter_child_nodes(n))
    return globals_, nonlocals


def _pattern_names(pattern) -> set:
    """Names a match pattern binds (`case Point(x=px) as p` binds px and p)."""
    return {n.name for n in ast.walk(pattern) if isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name} | \
        {n.rest for n in ast.walk(pattern) if isinstance(n, ast.MatchMapping) and n.rest}


# ---- liveness (backward) ---------------------------------------------------------------------------------

def annotate_liveness(body: list) -> None:
    """Store on every If/While/For of the scope the names live after it (and at a loop's head)."""
    _live_block(body, set())


def _live_block(stmts: list, live_out: set) -> set:
    live = set(live_out)
    for s in reversed(stmts):
        live = _live_stmt(s, live)
    return live


def _live_stmt(s, live_out: set) -> set:
    if isinstance(s, ast.If):
        s.ag_live_out = set(live_out)
        return read_names(s.test) | _live_block(s.body, live_out) | _live_block(s.orelse, live_out)
    if isinstance(s, (ast.While, ast.For)):
        s.ag_live_out = set(live_out)
        after = _live_block(s.orelse, live_out)
        test = read_names(s.test) if isinstance(s, ast.While) else set()
        test |= read_names(getattr(s, "ag_extra_tests", []))     # break/return flags (see exits.py)
        targets = assigned_names(s.target) if isinstance(s, ast.For) else set()
        head = after | test
        while True:
            body_in = _live_block(s.body, head)
            new = after | test | (body_in - targets)
            if new == head:
                break
            head = new
        s.ag_live_head = head
        return head | (read_names(s.iter) if isinstance(s, ast.For) else set())
    if isinstance(s, (ast.Return, ast.Raise)):
        return read_names(s)
    if isinstance(s, ast.Try):
        final = _live_block(s.finalbody, live_out)
        handlers = set().union(*[_live_block(h.body, final) for h in s.handlers]) if s.handlers else set()
        orelse = _live_block(s.orelse, final)
        return _live_block(s.body, orelse | handlers | final) | handlers
    if isinstance(s, ast.With):
        targets = assigned_names([i.optional_vars for i in s.items if i.optional_vars is not None])
        return (_live_block(s.body, live_out) - targets) | read_names([i.context_expr for i in s.items])
    if isinstance(s, ast.Match):
        cases = [(_live_block(c.body, live_out) | read_names(c.guard)) - _pattern_names(c.pattern) for c in s.cases]
        return read_names(s.subject) | live_out | set().union(*cases)
    if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (live_out - {s.name}) | read_names(s)
    return (live_out - assigned_names(s)) | read_names(s)


# ---- definitions (forward) ---------------------------------------------------------------------------------

def annotate_definitions(body: list, params: set) -> None:
    """Store on every If/While/For the names certainly (`ag_defined`) and possibly (`ag_possible`)
    bound when it starts."""
    _define_block(body, set(params), set(params))


def _define_block(stmts, definite: set, possible: set):
    for s in stmts:
        definite, possible = _define_stmt(s, definite, possible)
    return definite, possible


def _define_stmt(s, definite: set, possible: set):
    if isinstance(s, (ast.If, ast.While, ast.For)):
        s.ag_defined, s.ag_possible = set(definite), set(possible)
    if isinstance(s, ast.If):
        d1, p1 = _define_block(s.body, definite, possible)
        d2, p2 = _define_block(s.orelse, definite, possible)
        return definite | (d1 & d2), p1 | p2
    if isinstance(s, (ast.While, ast.For)):
        targets = assigned_names(s.target) if isinstance(s, ast.For) else set()
        _, p1 = _define_block(s.body, definite | targets, possible | targets)
        _, p2 = _define_block(s.orelse, definite, p1)
        return definite, p1 | p2
    if isinstance(s, ast.Try):
        d, p = _define_block(s.body, definite, possible)
        for h in s.handlers:
            _, p = _define_block(h.body, definite | ({h.name} if h.name else set()), p)
        _, p = _define_block(s.orelse, d, p)
        d2, p = _define_block(s.finalbody, definite, p)
        return d2, p
    if isinstance(s, ast.With):
        targets = assigned_names([i.optional_vars for i in s.items if i.optional_vars is not None])
        return _define_block(s.body, definite | targets, possible | targets)
    if isinstance(s, ast.Match):              # no case is certain to run
        for c in s.cases:
            bound = _pattern_names(c.pattern)
            _, possible = _define_block(c.body, definite | bound, possible | bound)
        return definite, possible
    if isinstance(s, ast.Delete):
        return definite - assigned_names(s), possible
    names = assigned_names(s)
    return definite | names, possible | names
