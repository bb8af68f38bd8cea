"""How gf.function sees its arguments: each flattened leaf is a tensor, a variable or a Python
value (`classify`), which gives the trace-cache key; and how call arguments are bound to a trace."""
from __future__ import annotations

import inspect

import numpy as np

from .. import context as ctx_mod
from .. import dtypes
from ..eager.tensor import EagerTensor
from ..graph.graph import SymbolicTensor
from ..ops import convert
from ..tensor_spec import TensorSpec
from ..variables import is_variable

_ctx = ctx_mod.context()
TENSOR, VARIABLE, PYTHON = "tensor", "variable", "python"
_P = inspect.Parameter


class _Identity:
    """A cache-key part that compares by identity (variables, objects without value equality)."""
    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __hash__(self):
        return id(self.obj)

    def __eq__(self, other):
        return type(other) is _Identity and other.obj is self.obj


def classify(leaf):
    """(kind, cache-key part, value used by the call) for one flattened argument."""
    if type(leaf) is EagerTensor:
        v = leaf._value
        return TENSOR, (v.shape, v.dtype), leaf
    if isinstance(leaf, (SymbolicTensor, TensorSpec)):
        return TENSOR, (leaf.shape.dims, leaf.dtype.np), leaf
    if isinstance(leaf, (np.ndarray, np.generic)):      # numpy values are tensors, as in TensorFlow
        arr = convert.to_array(leaf)
        return TENSOR, (arr.shape, arr.dtype), EagerTensor(arr)
    if isinstance(leaf, EagerTensor):
        v = leaf._value
        return TENSOR, (v.shape, v.dtype), leaf
    if is_variable(leaf):
        return VARIABLE, _Identity(leaf), leaf
    try:
        hash(leaf)
    except TypeError:
        raise TypeError(f"Could not generate a generic TraceType for {leaf!r}. Please verify that it is "
                        "immutable/hashable: gf.function keys its trace cache on Python arguments' values.") from None
    return PYTHON, ("py", leaf), leaf


def spec_of(key) -> TensorSpec:
    dims, np_dtype = key
    return TensorSpec(dims, dtypes.from_numpy(np.dtype(np_dtype)))


def classify_leaves(leaves) -> tuple:
    """(kinds, cache keys, call values): `classify` applied to every flattened argument."""
    kinds, keys, values = [], [], []
    for leaf in leaves:
        kind, key, value = classify(leaf)
        kinds.append(kind)
        keys.append(key)
        values.append(value)
    return kinds, keys, values


def conform(value, spec: TensorSpec, cf, args, kwargs):
    """`value` as a tensor the spec admits; TypeError (TensorFlow's wording) when it cannot be."""
    if is_variable(value):
        value = convert.convert_to_tensor(value)
    if isinstance(value, (EagerTensor, SymbolicTensor)):
        t = value
    else:
        try:
            if _ctx.eager:
                t = EagerTensor(convert.to_array(value.numpy() if hasattr(value, "numpy") else value, spec.dtype))
            else:
                t = convert.convert_to_tensor(value, dtype=spec.dtype)
        except (TypeError, ValueError) as e:
            raise TypeError(f"Binding inputs to tf.function failed due to `{e}`. Received args: {args} and kwargs: "
                            f"{kwargs} for signature: {cf._signature_text()}.") from None
    if t.dtype is not spec.dtype or not spec.shape.is_compatible_with(t.shape):
        raise TypeError(f"Binding inputs to tf.function failed due to `Can not cast {TensorSpec(t.shape, t.dtype)} "
                        f"to {TensorSpec(spec.shape, spec.dtype)}`. Received args: {args} and kwargs: {kwargs} "
                        f"for signature: {cf._signature_text()}.")
    return t


def flatten_up_to(template, value) -> list:
    """Flatten `value` as deep as `template` goes: where the template has a TensorSpec, the value
    is taken whole (a list there is one tensor argument, as TensorFlow converts it)."""
    if isinstance(template, dict):
        if not isinstance(value, dict) or set(value) != set(template):
            raise TypeError(f"expected a dict with keys {sorted(template)}, got {value!r}")
        return [x for k in sorted(template) for x in flatten_up_to(template[k], value[k])]
    if isinstance(template, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(template):
            raise TypeError(f"expected a sequence of {len(template)} elements, got {value!r}")
        return [x for t, v in zip(template, value) for x in flatten_up_to(t, v)]
    return [value]


def call_arguments(parameters, root):
    """(args, kwargs) for a call, from the canonical per-parameter values of a trace key."""
    args, kwargs = [], {}
    for p, v in zip(parameters, root):
        if p.kind in (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD):
            args.append(v)
        elif p.kind is _P.VAR_POSITIONAL:
            args.extend(v)
        elif p.kind is _P.KEYWORD_ONLY:
            kwargs[p.name] = v
        else:
            kwargs.update(v)
    return args, kwargs
