"""AutoGraph: Python `if`/`while`/`for` (and break, continue, return, print, assert, len) on
tensors inside gf.function become gf.cond / gf.while_loop, by converting the function's source.

Pipeline: `source` (ast with the user's line numbers) -> `directives`, `exits`, `calls`,
`control_flow` (transformers, guided by `analysis`) -> `conversion` (compile, cache) -> at trace
time the `operators` decide between Python and graph control flow; `errors` points failures
at the user's lines. gf.function calls `entry.call` when tracing with autograph=True.
"""
from . import experimental
from .conversion import to_code

__all__ = ["experimental", "to_code"]
