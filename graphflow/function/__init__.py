"""gf.function: trace a Python function into graphs, one per input signature, and call their plans.

`tracing` holds `Function` (the trace cache and the call paths), `concrete` one trace
(`ConcreteFunction`), `signature` how arguments become cache keys and bind to a trace, and
`retracing` the warning about tracing too often.
"""
from __future__ import annotations

from ..context import init_scope
from .concrete import ConcreteFunction
from .tracing import Function, function

__all__ = ["ConcreteFunction", "Function", "function", "init_scope"]
