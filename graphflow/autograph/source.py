"""Source loading: the ast of a Python function, with line numbers of the file it came from.

The first step of conversion (source -> ast -> transformed ast -> code). Keeping the original
file's line numbers on every node is what lets tracebacks and errors name the user's lines.
"""
from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass


class ConversionError(Exception):
    """The function cannot be converted (no source, unsupported construct); it runs as it is."""


@dataclass
class ParsedFunction:
    node: ast.FunctionDef          # the function's definition, decorators removed
    filename: str                  # where the source lives (tracebacks show its lines)


def parse_function(fn) -> ParsedFunction:
    """The ast of `fn`'s definition, line numbers those of its file.

    Raises:
      ConversionError: no source (built at run time, a C function), a lambda, a generator or a
        coroutine, whose bodies AutoGraph does not convert.
    """
    code = getattr(fn, "__code__", None)
    if code is None:
        raise ConversionError(f"{fn!r} is not a Python function")
    if code.co_name == "<lambda>":
        raise ConversionError("lambdas are not converted (they hold no statements)")
    if inspect.isgeneratorfunction(fn) or inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn):
        raise ConversionError(f"{code.co_name} is a generator or coroutine")
    try:
        lines, first_line = inspect.getsourcelines(fn)
    except (OSError, TypeError) as e:
        raise ConversionError(f"the source of {code.co_name} is not available ({e})") from None
    text = textwrap.dedent("".join(lines))
    try:
        module = ast.parse(text)
    except SyntaxError as e:
        raise ConversionError(f"the source of {code.co_name} does not parse on its own ({e.msg})") from None
    node = module.body[0] if module.body else None
    if not isinstance(node, ast.FunctionDef) or node.name != code.co_name:
        raise ConversionError(f"could not find the definition of {code.co_name} in its source")
    ast.increment_lineno(module, max(first_line, 1) - 1)
    node.decorator_list = []            # the decorators were applied already (and gf.function is one)
    return ParsedFunction(node, code.co_filename)
