"""gf.saved_model.load: the saved functions, rebuilt from their graphs and compiled on load,
callable without the Python code that traced them."""
from __future__ import annotations

import json
import os

import numpy as np

from .. import context as ctx_mod
from .. import dtypes
from ..checkpoint import format as ckpt_format
from ..eager.tensor import EagerTensor
from ..errors import NotFoundError
from ..graph.func_graph import flatten, pack_as
from ..graph.graph import SymbolicTensor
from ..module import Module
from ..shapes import TensorShape
from ..tensor_spec import TensorSpec
from ..variables import Variable
from .graph_format import Decoder
from .save import FORMAT, FUNCTIONS, MANIFEST, VARIABLES, VERSION


class LoadedConcreteFunction:
    """One saved trace: its graph rebuilt, its plan compiled; called with tensors of its signature."""

    def __init__(self, entry: dict, decoder: Decoder, arrays):
        self.graph = decoder.graph(entry["graph"])
        self.name = entry["name"]
        self.input_specs = [TensorSpec(TensorShape(s["shape"]), dtypes.as_dtype(s["dtype"]), s["name"])
                            for s in entry["input_specs"]]
        self._captures = [arrays(key) for key in entry["captures"]]
        self._plan = self.graph.plan()            # compiled now, not on the first call
        self.structured_outputs = self.graph.structured_outputs

    @property
    def variables(self) -> tuple:
        return tuple(self.graph.variables)

    @property
    def captured_inputs(self) -> list:
        """The saved captures' values, fed after the arguments (as a ConcreteFunction's)."""
        return list(self._captures)

    def accepts(self, arrays: list) -> bool:
        return len(arrays) == len(self.input_specs) and all(
            a.dtype == s.dtype.np and s.shape.is_compatible_with(a.shape) for a, s in zip(arrays, self.input_specs))

    def bind(self, args, kwargs) -> list:
        """The call's tensor arguments in order (positionally, or by their traced names)."""
        names = [s.name for s in self.input_specs]
        if len(args) > len(names):
            raise TypeError(f"{self.name} takes {len(names)} tensor arguments ({names}), got {len(args)}")
        values = list(args) + [None] * (len(names) - len(args))
        for key, value in kwargs.items():
            if key not in names:
                raise TypeError(f"{self.name} got an unexpected keyword argument {key!r}; its arguments are {names}")
            values[names.index(key)] = value
        missing = [n for n, v in zip(names, values) if v is None]
        if missing:
            raise TypeError(f"{self.name} is missing arguments {missing}")
        return [_array(v, s.dtype) for v, s in zip(values, self.input_specs)]

    def run(self, arrays: list):
        outs = self._plan(arrays + self._captures)
        structured = self.structured_outputs
        if isinstance(structured, SymbolicTensor):
            return EagerTensor(outs[0])
        if structured is None:
            return None
        flat, it = flatten(structured), iter(outs)
        return pack_as(structured, [EagerTensor(next(it)) if isinstance(x, SymbolicTensor) else x for x in flat])

    def __call__(self, *args, **kwargs):
        arrays = self.bind(args, kwargs)
        if not self.accepts(arrays):
            raise TypeError(f"{self.name}: arguments {[(a.shape, a.dtype.name) for a in arrays]} do not match the "
                            f"saved signature {self.input_specs}")
        return self.run(arrays)

    def __repr__(self):
        return f"<LoadedConcreteFunction {self.name}{tuple(self.input_specs)}>"


def _array(value, dtype) -> np.ndarray:
    if isinstance(value, Variable):
        value = value.numpy()
    if hasattr(value, "numpy"):
        value = value.numpy()
    array = np.asarray(value)
    if array.dtype != dtype.np and (array.dtype.kind in "fc" or dtype.np.kind not in "f") \
            and array.dtype.kind != dtype.np.kind:
        raise TypeError(f"Expected a {dtype.name} tensor, got {array.dtype.name}")
    return np.ascontiguousarray(array.astype(dtype.np, copy=False)) if array.ndim else array.astype(dtype.np)


class LoadedFunction:
    """A saved gf.function: calls go to the first saved trace whose signature fits the arguments."""

    def __init__(self, name: str, concretes: list):
        self.__name__ = name
        self._concretes = concretes

    def __call__(self, *args, **kwargs):
        errors = []
        for cf in self._concretes:
            try:
                arrays = cf.bind(args, kwargs)
            except TypeError as e:
                errors.append(str(e))
                continue
            if cf.accepts(arrays):
                return cf.run(arrays)
        saved = "; ".join(str(tuple(cf.input_specs)) for cf in self._concretes)
        # ValueError, TensorFlow's class here ("Could not find matching concrete function to call").
        raise ValueError(f"{self.__name__}: no saved trace accepts these arguments (shapes/dtypes "
                        f"{[(tuple(np.shape(a)), getattr(a, 'dtype', type(a).__name__)) for a in args]}). "
                        f"Saved signatures: {saved}" + (f". {errors[0]}" if errors else ""))

    def concrete_functions(self) -> list:
        return list(self._concretes)

    def __repr__(self):
        return f"<LoadedFunction {self.__name__} with {len(self._concretes)} trace(s)>"


class LoadedSignature(LoadedConcreteFunction):
    """A signature: called with keyword arguments, returns a dict (`output_0`, ... when the
    function returned something else), as TensorFlow's signatures do."""

    def run(self, arrays: list):
        out = super().run(arrays)
        if isinstance(out, dict):
            return out
        flat = out if isinstance(out, (list, tuple)) else [out]
        return {f"output_{i}": t for i, t in enumerate(flat)}


class LoadedModule(Module):
    """What gf.saved_model.load returns: the saved functions as attributes, `signatures`, and the
    variables they use (`variables`, `trainable_variables`)."""

    def __init__(self, saved_variables: list, functions: dict, signatures: dict):
        super().__init__(name="loaded")
        self._saved_variables = list(saved_variables)
        self.signatures = signatures
        for name, fn in functions.items():
            object.__setattr__(self, "_saved_call" if name == "__call__" else name, fn)

    def __call__(self, *args, **kwargs):
        fn = self.__dict__.get("_saved_call")
        if fn is None:
            raise TypeError("The saved object had no traced __call__, so the loaded one is not callable")
        return fn(*args, **kwargs)

    @property
    def variables(self) -> tuple:
        return tuple(self._saved_variables)

    @property
    def trainable_variables(self) -> tuple:
        return tuple(v for v in self._saved_variables if v.trainable)


def load(export_dir, tags=None, options=None) -> LoadedModule:
    """Rebuild the functions and variables saved by gf.saved_model.save in `export_dir`."""
    with ctx_mod.eager_mode():
        return _load(export_dir)


def _load(export_dir) -> LoadedModule:
    export_dir = os.fspath(export_dir)
    manifest_path = os.path.join(export_dir, MANIFEST)
    if not os.path.isfile(manifest_path):
        raise NotFoundError(None, None, f"SavedModel file does not exist at: {export_dir}{os.sep}{{{MANIFEST}}}")
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except ValueError as e:
        raise ValueError(f"{manifest_path} is corrupted or truncated ({e})") from None
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{export_dir} is not a graphflow SavedModel")
    if int(manifest.get("version", 0)) > VERSION:
        raise ValueError(f"SavedModel {export_dir} has format version {manifest['version']}, newer than the version "
                         f"{VERSION} this graphflow reads; upgrade graphflow to load it")
    reader = ckpt_format.CheckpointReader(os.path.join(export_dir, VARIABLES))
    constants = ckpt_format.CheckpointReader(os.path.join(export_dir, FUNCTIONS))
    variables = [Variable(reader.get_tensor(v["key"]), trainable=v["trainable"], name=v["name"].split(":")[0],
                          dtype=v["dtype"]) for v in manifest["variables"]]
    decoder = Decoder(constants.get_tensor, variables, export_dir)
    functions = {name: LoadedFunction(name, [LoadedConcreteFunction(e, decoder, constants.get_tensor)
                                             for e in entries])
                 for name, entries in manifest["functions"].items()}
    signatures = {name: LoadedSignature(entry, decoder, constants.get_tensor)
                  for name, entry in manifest["signatures"].items()}
    return LoadedModule(variables, functions, signatures)
