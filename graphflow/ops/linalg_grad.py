"""Gradients of matmul (every transpose combination, broadcast batch dims) and einsum."""
from __future__ import annotations

from ..autodiff import skipped_inputs
from . import api as gf
from .grad_ops import dims, reduce_to
from .registry import set_gradient


@set_gradient("MatMul")
def _matmul_grad(op, g):
    a, b = op.inputs
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


def _parse(equation):
    if "->" in equation:
        ins, out = equation.split("->")
    else:
        ins = equation
        out = "".join(sorted(c for c in set(ins) - {","} if ins.count(c) == 1))
    return ins.split(","), out


@set_gradient("Einsum")
def _einsum_grad(op, g):
    # The gradient of one operand is the einsum of the output gradient with the other operands,
    # producing that operand's indices; indices summed only inside it are broadcast back.
    equation = op.attrs["equation"]
    terms, out = _parse(equation)
    if "." in equation or any(len(set(t)) != len(t) for t in terms):
        raise NotImplementedError(f"The gradient of einsum {equation!r} (ellipsis or repeated indices) is "
                                  "not supported")
    grads = []
    for i, (term, x) in enumerate(zip(terms, op.inputs)):
        others = [t for j, t in enumerate(terms) if j != i]
        available = set(out).union(*others)
        kept = "".join(c for c in term if c in available)
        gi = gf.einsum(",".join([out] + others) + "->" + kept, g,
                       *[t for j, t in enumerate(op.inputs) if j != i])
        if kept != term:
            dims, gdims = x.shape.dims, iter(gi.shape.dims or ())
            if dims is None or None in dims or None in gi.shape.dims:
                raise NotImplementedError(f"The gradient of einsum {equation!r} needs static shapes")
            full = [next(gdims) if c in kept else d for c, d in zip(term, dims)]
            gi = gf.broadcast_to(gf.reshape(gi, [f if c in kept else 1 for c, f in zip(term, full)]), full)
        grads.append(reduce_to(gi, x))
    return grads
