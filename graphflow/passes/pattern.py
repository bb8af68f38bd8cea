"""Rewrite rules as data: patterns over ops, tables of (pattern, rewrite, reason) rows, a driver.

`P("Mul", P.var("x"), P.const(1), commutative=True)` matches a Mul with a one-element constant 1
on either side and binds the other input to `x`. A row's rewrite is called as
`rewrite(ctx, op, **bindings)` (ctx: the program being built, for `rewrite`) and returns what
replaces the op, or None to decline: then the next binding (the other order, the next input of
`P.some`) and the next row are tried. Type names in patterns are data, resolved to OpDefs when
the table is built, so a typo fails at import. Modelled on tinygrad's PatternMatcher.
"""
from __future__ import annotations

from typing import Callable, Iterator, Optional

import numpy as np

from ..ops.registry import OpDef, get
from ..ops.static_value import literal
from .program import Program, rebuild


class P:
    """A pattern for a tensor: made by an op of one of `types` (names or OpDefs; None: any)
    whose inputs match `inputs` (none given: any inputs), bound to `name`. An op a pattern looks
    into must have no control inputs (a rewrite would drop them); the root's are kept by rebuild."""

    def __init__(self, types=None, *inputs, name: Optional[str] = None, commutative: bool = False):
        names = (types,) if isinstance(types, (str, OpDef)) else types
        self.opdefs = None if names is None else frozenset(get(n) if isinstance(n, str) else n for n in names)
        self.inputs, self.name, self.commutative = inputs, name, commutative
        self.constant = self.some = None

    @classmethod
    def var(cls, name: str) -> "P":
        return cls(name=name)

    @classmethod
    def const(cls, value=None, name: Optional[str] = None) -> "P":
        """A one-element constant equal to `value` (or satisfying it, if callable; None: any)."""
        p = cls(name=name)
        p.constant = (lambda v: True) if value is None else value if callable(value) else (lambda v: v == value)
        return p

    @classmethod
    def some(cls, pattern: "P") -> "P":
        """As an input pattern: the op has an input matching `pattern` (each is tried in order)."""
        p = cls()
        p.some = pattern
        return p

    def bindings(self, op, inputs, bound: dict) -> Iterator[dict]:
        """Every way `op`, with inputs `inputs`, matches (as a root), extending `bound`."""
        if self.opdefs is not None and op.opdef not in self.opdefs:
            return
        if len(self.inputs) == 1 and self.inputs[0].some is not None:
            for t in inputs:
                yield from self.inputs[0].some._tensor(t, bound)
            return
        if not self.inputs:
            yield bound
            return
        if len(inputs) != len(self.inputs):
            return
        for pats in (self.inputs, self.inputs[::-1]) if self.commutative else (self.inputs,):
            yield from _all(pats, inputs, bound)

    def _tensor(self, t, bound: dict) -> Iterator[dict]:
        if self.name is not None:
            if self.name in bound and bound[self.name] is not t:
                return
            bound = {**bound, self.name: t}
        if self.constant is not None:
            v = literal(t)
            if v is not None and np.size(v) == 1 and bool(self.constant(np.asarray(v).reshape(())[()])):
                yield bound
        elif self.opdefs is None and not self.inputs:
            yield bound
        elif not t.op.control_inputs:
            yield from self.bindings(t.op, t.op.inputs, bound)


def _all(pats, tensors, bound) -> Iterator[dict]:
    if not pats:
        yield bound
        return
    for b in pats[0]._tensor(tensors[0], bound):
        yield from _all(pats[1:], tensors[1:], b)


class Rules:
    """A table of (pattern, rewrite, reason) rows, tried in table order for each op."""

    def __init__(self, table):
        self.table = list(table)
        self._rows: dict = {}

    def first(self, ctx, op, inputs) -> Optional[tuple]:
        """(result, row) of the first rewrite that accepts a match of `op`, else None."""
        rows = self._rows.get(op.opdef)
        if rows is None:
            rows = self._rows[op.opdef] = [r for r in self.table if r[0].opdefs is None or op.opdef in r[0].opdefs]
        for row in rows:
            for bound in row[0].bindings(op, inputs, {}):
                out = row[1](ctx, op, **bound)
                if out is not None:
                    return out, row
        return None


def rewrite(prog: Program, rules: Rules, fired: Optional[Callable] = None) -> Program:
    """`prog` rebuilt once with each op replaced by the first rule's tensors (the op's inputs as
    already rewritten, so chains collapse). `fired(op, row)` hears each rewrite. A dry run on
    `prog` first: when no rule fires (most programs), `prog` itself is returned, not a copy."""
    scratch = Program()
    if not any(rules.first(scratch, op, list(op.inputs)) for op in prog.operations):
        return prog

    def visit(new, op, inputs):
        hit = rules.first(new, op, inputs)
        if hit is None:
            return None
        if fired is not None:
            fired(op, hit[1])
        return hit[0]

    return rebuild(prog, visit)
