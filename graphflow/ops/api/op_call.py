"""How one API function becomes one op: the OpDef looked up once, operands converted, then
`dispatch.apply` runs it now (eager) or adds it to the graph being built."""
from __future__ import annotations

from ... import context as ctx_mod
from ...eager.tensor import EagerTensor
from ...errors import InvalidArgumentError, format_location, user_frame
from ..convert import convert_to_tensor, fast_eager_operand, pair
from ..dispatch import apply
from ..registry import get

_ctx = ctx_mod.context()
_OP = {}


def opdef(name):
    """The registry's OpDef for `name`, cached: the eager hot path looks it up on every call."""
    found = _OP.get(name)
    if found is None:
        found = _OP[name] = get(name)
    return found


def argument_error(op, message, graph_error=ValueError):
    """An argument error found before the op exists: TensorFlow reports it as
    InvalidArgumentError when eager, and as ValueError/TypeError while a graph is built."""
    where = user_frame()
    if _ctx.eager:
        return InvalidArgumentError(None, op, f"{op}: {message}" + (f". Called at {format_location(where)}"
                                                                   if where else ""))
    return graph_error(f"{op}: {message}" + (f". Built at {format_location(where)}" if where else ""))


def binary(name, x, y, op_name=None):
    if _ctx.eager and type(x) is EagerTensor:
        fy = fast_eager_operand(x, y)
        if fy is not None:
            return apply(opdef(name), (x, fy), {})
    x, y = pair(x, y)
    return apply(opdef(name), (x, y), {}, op_name)


def unary(name, x, op_name=None, **attrs):
    if type(x) is not EagerTensor or not _ctx.eager:
        x = convert_to_tensor(x)
    return apply(opdef(name), (x,), attrs, op_name)
