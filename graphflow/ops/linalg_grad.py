"""Gradients of matmul (every transpose combination, broadcast batch dims) and einsum."""
from __future__ import annotations

import string

from . import api as gf
from .grad_ops import dims, reduce_to
from .registry import set_gradient, skipped_inputs


@set_gradient("MatMul")
def _matmul_grad(op, g):
    a, b = gf.conj(op.inputs[0]), gf.conj(op.inputs[1])     # complex: the adjoint, as TF
    ta, tb = op.attrs.get("transpose_a", False), op.attrs.get("transpose_b", False)
    skip = skipped_inputs()
    da = db = None
    if 0 not in skip:      # a layer's input data needs no gradient: skip that matmul
        da = (gf.matmul(g, b, transpose_b=not tb) if not ta else
              gf.matmul(b, g, transpose_a=tb, transpose_b=True))
    if 1 not in skip:
        db = (gf.matmul(a, g, transpose_a=not ta) if not tb else
              gf.matmul(g, a, transpose_a=True, transpose_b=ta))
    a_dims, b_dims = dims(a), dims(b)
    if a_dims is not None and b_dims is not None and len(a_dims) == 2 and len(b_dims) == 2:
        return da, db
    return (None if da is None else reduce_to(da, a)), (None if db is None else reduce_to(db, b))


def _expand(equation, ranks):
    """(input terms, output term) with every '...' spelled out in fresh letters, right-aligned over
    the widest ellipsis as numpy broadcasts them, and an implicit output made explicit."""
    ins, out = equation.split("->") if "->" in equation else (equation, None)
    terms = ins.split(",")
    used = set(equation)
    free = (c for c in string.ascii_letters if c not in used)
    widths = []
    for t, r in zip(terms, ranks):
        if "..." in t:
            if r is None:
                raise NotImplementedError(f"The gradient of einsum {equation!r} needs the ranks of its inputs")
            widths.append(r - (len(t) - 3))
    ellipsis = "".join(next(free) for _ in range(max(widths, default=0)))
    terms = [t.replace("...", ellipsis[len(ellipsis) - (r - (len(t) - 3)):]) if "..." in t else t
             for t, r in zip(terms, ranks)]
    if out is None:
        named = ins.replace("...", "").replace(",", "")
        out = ellipsis + "".join(sorted(c for c in set(named) if named.count(c) == 1))
    return terms, out.replace("...", ellipsis), free


@set_gradient("Einsum")
def _einsum_grad(op, g):
    # The gradient of one operand is the einsum of the output gradient with the other operands,
    # producing that operand's distinct indices; then one more einsum puts it back in the operand's
    # layout: an index repeated in the operand (a diagonal) is spread with an identity matrix, an
    # index summed only inside it is broadcast with ones. Broadcast size-1 axes are summed last.
    terms, out, free = _expand(op.attrs["equation"], [None if dims(x) is None else len(dims(x)) for x in op.inputs])
    grads = []
    for i, (term, x) in enumerate(zip(terms, op.inputs)):
        others = [t for j, t in enumerate(terms) if j != i]
        available = set(out).union(*others)
        distinct = "".join(dict.fromkeys(term))
        kept = "".join(c for c in distinct if c in available)
        rest = [t for j, t in enumerate(op.inputs) if j != i]
        gi = g if (kept == out and not rest) else gf.einsum(",".join([out] + others) + "->" + kept, g, *rest)
        if kept != term:
            gi = _to_layout(gi, kept, term, x, free)
        grads.append(reduce_to(gi, x))
    return grads


def _to_layout(gi, kept, term, x, free):
    """`gi` (indices `kept`) spread to the operand's own indices `term`."""
    d = dims(x)
    if d is None or None in d:
        raise NotImplementedError(f"The gradient of einsum needs the static shape of operand {term!r}, got {x.shape}")
    size = {c: n for c, n in zip(term, d)}
    dtype = x.dtype
    layout, extra_terms, extra = [], [], []
    for c in term:
        if c in layout:                     # a repeated index: its own letter, tied by an identity
            fresh = next(free)
            extra_terms.append(c + fresh)
            extra.append(gf.eye(size[c], dtype=dtype))
            c = fresh
        layout.append(c)
    for c in dict.fromkeys(term):
        if c not in kept:
            extra_terms.append(c)
            extra.append(gf.ones([size[c]], dtype))
    return gf.einsum(",".join([kept] + extra_terms) + "->" + "".join(layout), gi, *extra)
