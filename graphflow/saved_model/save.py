"""gf.saved_model.save: an object's variables and its traced gf.functions, loadable without the
Python code that defined them.

A SavedModel is a directory:

    saved_model.json               format, version, the functions (graphs in graph_format's JSON),
                                   the signatures, and which checkpoint key holds each variable
    variables/variables.index      the object's variables, as a gf.train.Checkpoint of the object
    variables/variables.data-...   (so gf.train.Checkpoint(obj).read(...) restores from it too)
    functions.index, functions.data-...   constants the graphs hold (same format, no object graph)

The directory is built beside the target and renamed into place, so a crash never leaves a
half-written SavedModel under the final name.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile

from ..atomic_file import current_umask, write_atomic
from ..checkpoint import format as ckpt_format
from ..checkpoint.object_graph import variable_value, walk_objects
from ..function import ConcreteFunction, Function
from ..graph.graph import SymbolicTensor
from ..variables import Variable
from .graph_format import Encoder

FORMAT = "graphflow.saved_model"
VERSION = 1
MANIFEST = "saved_model.json"
VARIABLES = os.path.join("variables", "variables")
FUNCTIONS = "functions"
DEFAULT_SIGNATURE = "serving_default"


def _functions_of(obj) -> dict:
    """name -> gf.function of `obj` (decorated methods and function-valued attributes)."""
    found = {}
    for name in sorted(set(dir(type(obj))) | set(getattr(obj, "__dict__", {}))):
        if name.startswith("__") and name != "__call__":
            continue
        raw = getattr(type(obj), name, None)
        if isinstance(raw, Function) or isinstance(getattr(obj, "__dict__", {}).get(name), Function):
            found[name] = getattr(obj, name)
    return found


def _concretes(fn: Function) -> list:
    concretes = fn._list_all_concrete_functions()
    if not concretes and fn.input_signature is not None:
        concretes = [fn.get_concrete_function()]
    return concretes


def _signature_functions(signatures) -> dict:
    if signatures is None:
        return {}
    if not isinstance(signatures, dict):
        signatures = {DEFAULT_SIGNATURE: signatures}
    out = {}
    for name, fn in signatures.items():
        if isinstance(fn, Function):
            if fn.input_signature is None:
                raise ValueError(f"Signature {name!r}: a gf.function given as a signature needs an input_signature "
                                 "(or pass fn.get_concrete_function(...))")
            fn = fn.get_concrete_function()
        if not isinstance(fn, ConcreteFunction):
            raise TypeError(f"Signature {name!r} must be a gf.function or a ConcreteFunction, got {fn!r}")
        out[name] = fn
    return out


class _VariableTable:
    """Every variable to save, with its checkpoint key: those reachable from the object by its
    attribute paths first, then any other variable a function uses."""

    def __init__(self, obj):
        objects, nodes, _ = walk_objects(obj)
        self.variables = [o for o in objects if isinstance(o, Variable)]
        self.keys = [n["variable"] for o, n in zip(objects, nodes) if isinstance(o, Variable)]
        self._index = {id(v._state): i for i, v in enumerate(self.variables)}
        self.object_graph = {"nodes": nodes}

    def index(self, state):
        i = self._index.get(id(state))
        if i is None:
            return None
        return i


def _spec(t: SymbolicTensor) -> dict:
    dims = t.shape.dims
    return {"name": t.op.name, "shape": None if dims is None else list(dims), "dtype": t.dtype.name}


def _concrete_entry(cf: ConcreteFunction, encoder: Encoder) -> dict:
    graph = cf.graph
    captures = []
    for value, _ in graph.captures:
        if isinstance(value, SymbolicTensor):
            raise ValueError(f"Cannot save {cf.name}: it captured the graph tensor {value.name} of an enclosing "
                             "graph; trace it in eager mode")
        captures.append(encoder.array(value._value if hasattr(value, "_value") else value.numpy())["array"])
    n_args = len(graph.inputs) - len(captures)
    return {"name": cf.name, "graph": encoder.graph(graph), "captures": captures,
            "input_specs": [_spec(t) for t in graph.inputs[:n_args]]}


def save(obj, export_dir, signatures=None, options=None) -> None:
    """Save `obj`'s variables, every traced gf.function it has, and `signatures` to `export_dir`.

    Args:
        obj: a gf.Module (or any object with variables and gf.function attributes).
        export_dir: the SavedModel directory (replaced if it exists).
        signatures: a gf.function with an input_signature, a ConcreteFunction, or a dict of them
            by name; a single one is saved as "serving_default".
    """
    table = _VariableTable(obj)
    encoder = Encoder(table.index)
    functions = {}
    for name, fn in _functions_of(obj).items():
        entries = [_concrete_entry(cf, encoder) for cf in _concretes(fn)]
        if entries:
            functions[name] = entries
    sigs = {name: _concrete_entry(cf, encoder) for name, cf in _signature_functions(signatures).items()}
    if not functions and not sigs and not table.variables:
        raise ValueError(f"Nothing to save in {obj!r}: it has no variables and no traced gf.function (call the "
                         "functions once, or give them an input_signature)")
    manifest = {"format": FORMAT, "version": VERSION,
                "variables": [{"key": key, "name": v.name, "trainable": v.trainable, "dtype": v.dtype.name,
                               "shape": list(v.shape.dims or ())} for v, key in zip(table.variables, table.keys)],
                "functions": functions, "signatures": sigs}
    export_dir = os.fspath(export_dir)
    parent = os.path.dirname(os.path.abspath(export_dir))
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(dir=parent, prefix=".tmp-" + os.path.basename(export_dir) + "-")
    try:
        os.chmod(staging, 0o777 & ~current_umask())
        os.makedirs(os.path.join(staging, "variables"))
        ckpt_format.write(os.path.join(staging, VARIABLES),
                          {key: variable_value(v) for v, key in zip(table.variables, table.keys)},
                          table.object_graph)
        ckpt_format.write(os.path.join(staging, FUNCTIONS), encoder.arrays, None)
        write_atomic(os.path.join(staging, MANIFEST), json.dumps(manifest))
        if os.path.isdir(export_dir):
            old = export_dir + ".old-" + os.path.basename(staging)
            os.replace(export_dir, old)
            os.replace(staging, export_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, export_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
