"""Running an op: eagerly now (`execute`), or by adding it to the current graph (`apply`).

The eager path is the hot path measured by benchmark W2: elementwise ops skip inference (numpy
broadcasting decides the shape; dtype rules are checked up front), and inference runs only to
explain an error. Other ops run their inference first, since numpy would quietly promote.
"""
from __future__ import annotations

import numpy as np

from .. import context as ctx_mod
from .. import dtypes
from ..eager.tensor import EagerTensor
from ..errors import InvalidArgumentError, OpError, describe_inputs, format_location, user_frame, without_op_prefix
from ..shapes import TensorShape
from . import op_hooks
from .registry import OpCheckError, OpDef, Spec
from .runtime_check import failure_detail

_ctx = ctx_mod.context()


def apply(opdef: OpDef, inputs, attrs: dict, name=None):
    """Run or build one op; returns a tensor, a tuple of tensors, or (no outputs) None/the op."""
    if _ctx.eager:
        return execute(opdef, inputs, attrs)
    op = ctx_mod.current_graph().create_op(opdef, inputs, attrs, name)
    n = len(op.outputs)
    if op_hooks.active and n:
        checked = op_hooks.after_build(opdef, op.outputs, apply)
        return checked[0] if n == 1 and opdef.num_outputs == 1 else checked
    if n == 1 and opdef.num_outputs == 1:
        return op.outputs[0]
    return op if n == 0 else op.outputs


def execute(opdef: OpDef, inputs, attrs: dict):
    arrays = [t._value for t in inputs]
    if opdef.check_in_eager:
        key = _validation_key(opdef, arrays, attrs)
        if key is None or key not in _validated:
            _infer_eager(opdef, inputs, arrays, attrs)
            if key is not None:
                if len(_validated) > _VALIDATED_MAX:
                    _validated.clear()
                _validated.add(key)
    else:   # the dtype rules of OpDef.check, on numpy dtypes; a broken one is explained by check
        if opdef.same_dtype and len(arrays) > 1:
            dt = arrays[0].dtype
            for a in arrays:
                if a.dtype != dt:
                    _infer_eager(opdef, inputs, arrays, attrs)
        if opdef.allowed_np is not None and arrays[0].dtype not in opdef.allowed_np:
            _infer_eager(opdef, inputs, arrays, attrs)
    try:
        fast = opdef.fast_kernel         # OpDef.compute, inlined: this is the eager hot path
        out = None if fast is None else fast(*arrays, **attrs)
        if out is None:
            out = opdef.kernel(*arrays, **attrs)
    except OpError:
        raise
    except Exception as e:   # numpy's own complaint: explain it in the op's terms
        if not opdef.check_in_eager:
            _infer_eager(opdef, inputs, arrays, attrs)
        _raise(opdef, inputs, failure_detail(opdef, arrays, attrs, e))
    if opdef.num_outputs == 1:
        result = EagerTensor(out)
        outputs = (result,)
    else:
        outputs = tuple(EagerTensor(o) for o in out)
        result = outputs if outputs else None
    if op_hooks.active:
        op_hooks.after_eager(opdef, outputs)
    if _ctx.tapes:
        for tape in _ctx.tapes:
            tape.record_eager(opdef, inputs, attrs, outputs)
    return result


# Inference only validates in eager mode, and its verdict depends on shapes, dtypes, attrs and
# (for shape-like inputs such as Reshape's) small integer values: remember the combinations that
# passed, so a training loop pays for inference once per op and shape, not on every step.
_validated: set = set()
_VALIDATED_MAX = 50_000


def _validation_key(opdef, arrays, attrs):
    parts = [opdef]
    for a in arrays:
        parts.append(a.shape)
        parts.append(a.dtype.char)
        if a.dtype.kind in "iub" and a.size <= 16:
            parts.append(a.tobytes())
    if attrs:
        parts.append(tuple(attrs.items()))
    key = tuple(parts)
    try:
        hash(key)
    except TypeError:   # an unhashable attr (e.g. an array): validate every time
        return None
    return key


def _infer_eager(opdef, inputs, arrays, attrs):
    specs = [Spec(TensorShape(np.shape(a)), dtypes.from_numpy(a.dtype), a) for a in arrays]
    try:
        return opdef.check(specs, attrs)
    except OpCheckError as e:     # TF reports every eager complaint, dtypes too, as InvalidArgumentError
        _raise(opdef, inputs, e.detail)


def _raise(opdef, inputs, detail):
    where = format_location(user_frame())
    detail = without_op_prefix(opdef.name, detail)
    msg = f"{opdef.name}: {detail}. Inputs: {describe_inputs(inputs)}" + (f". Called at {where}" if where else "")
    raise InvalidArgumentError(None, opdef.name, msg) from None
