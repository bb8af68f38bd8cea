"""The conversion pipeline: a user function's ast goes through the transformers (loop directives,
break/continue/return lowering, calls and expressions, control flow), is compiled with the user's
file name and line numbers, and becomes a function sharing the original's globals and closure
cells. Results are cached per function object (the compiled code per code object)."""
from __future__ import annotations

import ast
import logging
import os
import sysconfig
import threading
import types
import weakref
from dataclasses import dataclass

from . import operators
from . import syntax as sx
from .analysis import annotate_definitions, annotate_liveness, declared_names
from .calls import CallsAndExpressions
from .control_flow import convert_scope
from .directives import LoopDirectives
from .exits import LoopExits, Returns
from .source import ConversionError, parse_function

_log = logging.getLogger("graphflow")
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_LIBRARY_DIRS = tuple({os.path.abspath(p) + os.sep for k in ("stdlib", "platstdlib", "purelib", "platlib")
                       if (p := sysconfig.get_paths().get(k))})
_OUTER, _FACTORY = "__ag_outer", "__ag_factory"
_FAILED = object()


@dataclass
class CompiledConversion:
    """The converted code of one code object: its factory (taking `ag__` and the closure) and text."""
    factory_code: types.CodeType
    source: str


_functions: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()    # function -> converted / _FAILED
_codes: dict = {}                                                        # code -> CompiledConversion
_converted_codes: set = set()                                            # every code object we generated
_lock = threading.RLock()


def is_library_code(fn) -> bool:
    """graphflow's own functions, the standard library and installed packages are not converted."""
    filename = os.path.abspath(fn.__code__.co_filename) if not fn.__code__.co_filename.startswith("<") else ""
    if not filename:
        return fn.__code__.co_filename.startswith("<frozen")
    return (filename.startswith(_PACKAGE_DIR) or filename.startswith(_LIBRARY_DIRS)
            or os.sep + "site-packages" + os.sep in filename or os.sep + "dist-packages" + os.sep in filename)


def is_converted(fn) -> bool:
    return getattr(fn, "__code__", None) in _converted_codes


def converted_or_none(fn):
    """The converted form of a user function, or None when it runs as it is (library code, marked
    do_not_convert, already converted, or not convertible: then a warning says why)."""
    if (getattr(fn, "__ag_do_not_convert__", False) or not isinstance(fn, types.FunctionType)
            or fn.__code__.co_name == "<lambda>" or is_converted(fn) or is_library_code(fn)):
        return None                     # (a lambda holds no statements to convert)
    with _lock:
        cached = _functions.get(fn)
        if cached is None:
            try:
                cached = _instantiate(fn, _compiled(fn))
            except ConversionError as e:
                _log.warning("AutoGraph could not convert %s and runs it as it is (Python control flow on graph "
                             "tensors in it will fail): %s", getattr(fn, "__qualname__", fn), e)
                cached = _FAILED
            _functions[fn] = cached
    return None if cached is _FAILED else cached


def to_code(fn) -> str:
    """The converted source of `fn` (what AutoGraph makes of it), as Python text."""
    fn = getattr(fn, "python_function", fn)
    return _compiled(fn).source


# ---- the pipeline --------------------------------------------------------------------------------------

def transform(fn) -> ast.FunctionDef:
    """The converted ast of `fn`'s definition (line numbers those of its file)."""
    node = parse_function(fn).node
    _drop_evaluated_parts(node)
    namer = sx.Namer(node)
    try:
        LoopDirectives().visit(node)
    except SyntaxError as e:
        raise ConversionError(str(e)) from None
    scopes = [n for n in ast.walk(node) if isinstance(n, ast.FunctionDef)]
    for scope in scopes:
        exits = LoopExits(namer)
        body = []
        for stmt in scope.body:
            result = exits.visit(stmt)
            body.extend(result if isinstance(result, list) else [result])
        scope.body = body
        Returns(namer).lower(scope)
    CallsAndExpressions().visit(node)
    for scope in scopes:
        globals_, nonlocals = declared_names(scope)
        annotate_liveness(scope.body)
        annotate_definitions(scope.body, _parameters(scope) | nonlocals)
        convert_scope(scope, namer, globals_)
    node.ag_generated_names = namer.generated
    return node


def _parameters(fn: ast.FunctionDef) -> set:
    a = fn.args
    names = {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs}
    return names | {x.arg for x in (a.vararg, a.kwarg) if x is not None}


def _drop_evaluated_parts(node: ast.FunctionDef) -> None:
    """Defaults and annotations were evaluated when the user's def ran: the converted function
    takes the original's defaults instead of evaluating them again."""
    a = node.args
    a.defaults = []
    a.kw_defaults = [None] * len(a.kwonlyargs)
    for arg in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x is not None]:
        arg.annotation = None
    node.returns = None


def _compiled(fn) -> CompiledConversion:
    code = fn.__code__
    with _lock:
        hit = _codes.get(code)
        if hit is not None:
            return hit
        node = transform(fn)
        source = ast.unparse(node)
        # def __ag_outer():            the original's free variables as locals, so the factory and
        #     <freevar> = None         the converted function see them as closure cells
        #     def __ag_factory(ag__):
        #         def <fn>(...): ...
        #         return <fn>
        #     return __ag_factory
        factory = sx.function_def(_FACTORY, [sx.AG], [node, ast.Return(value=sx.load(node.name))])
        cells = [sx.assign(name, sx.const(None)) for name in code.co_freevars]
        outer = sx.function_def(_OUTER, [], cells + [factory, ast.Return(value=sx.load(_FACTORY))])
        module = ast.Module(body=[sx.located(outer, node)], type_ignores=[])
        ast.fix_missing_locations(module)
        try:
            module_code = compile(module, code.co_filename, "exec", dont_inherit=True)
        except SyntaxError as e:
            raise ConversionError(f"the converted code does not compile ({e.msg}, line {e.lineno})") from None
        outer_code = _constant_code(module_code, _OUTER)
        factory_code = _renamed(_constant_code(outer_code, _FACTORY), node.ag_generated_names, None)
        _mark(factory_code)
        hit = _codes[code] = CompiledConversion(factory_code, source)
        return hit


def _constant_code(code, name):
    return next(c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == name)


def _renamed(code, generated: set, owner):
    """Code whose generated functions (if_body, loop_body...) carry the name of the user function
    they belong to (`owner`: its (name, qualname)), so tracebacks read like the user's code."""
    if code.co_name in generated and owner is not None:
        name, qualname = owner
        inner_owner = owner
    else:
        name, qualname = code.co_name, code.co_qualname
        inner_owner = None if name == _FACTORY else (name, qualname)
    consts = tuple(_renamed(c, generated, inner_owner) if isinstance(c, types.CodeType) else c
                   for c in code.co_consts)
    return code.replace(co_name=name, co_qualname=qualname, co_consts=consts)


def _mark(code) -> None:
    _converted_codes.add(code)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            _mark(c)


def _instantiate(fn, compiled: CompiledConversion):
    """The converted function for this function object: its globals and closure cells."""
    code = compiled.factory_code
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    try:
        closure = tuple(cells[name] for name in code.co_freevars)
    except KeyError as e:
        raise ConversionError(f"the converted code refers to {e} which is not in the original's closure") from None
    factory = types.FunctionType(code, fn.__globals__, _FACTORY, None, closure or None)
    converted = factory(operators)
    converted.__defaults__ = fn.__defaults__
    converted.__kwdefaults__ = fn.__kwdefaults__
    for attr in ("__module__", "__doc__", "__name__", "__qualname__"):
        setattr(converted, attr, getattr(fn, attr))
    return converted
