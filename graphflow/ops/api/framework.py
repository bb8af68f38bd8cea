"""Framework-level tf names that are not math: TensorArray, type specs, IndexedSlices, DeviceSpec and
tf.device, tensor conversion and gradient registries, static values, enums, timestamp, the
TensorProto helpers.

TensorArray lives in tensor_array.py (a Python list of tensors, or one buffer tensor when a graph
loop writes it); stack/gather/concat build ordinary ops, so gradients flow through it.
"""
from __future__ import annotations

import abc
import contextlib
import enum
import logging
import re
import time

import numpy as np

from ... import context as ctx_mod
from ... import dtypes
from ...eager.tensor import EagerTensor
from ...shapes import TensorShape
from ...tensor import Tensor
from ...tensor_spec import TensorSpec
from .. import convert as _convert
from ..convert import convert_to_tensor, is_tensorlike
from ..dispatch import apply
from ..registry import REGISTRY, OpDef, Spec, register
from ..registry import get as _get_op
from ..static_value import constant_value

_ctx = ctx_mod.context()


# ---- enums -------------------------------------------------------------------------------------------

class AggregationMethod:
    """How gradients from several paths are added up (graphflow always adds them with add_n)."""
    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


class VariableAggregation(enum.Enum):
    """How a distributed variable combines per-replica updates (graphflow runs one replica)."""
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


class VariableSynchronization(enum.Enum):
    """When a distributed variable is synchronized (graphflow runs one replica)."""
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


# ---- type specs ----------------------------------------------------------------------------------------

class TypeSpec(abc.ABC):
    """The base of value descriptions: TensorSpec, TensorArraySpec, NoneTensorSpec, ..."""

    @property
    @abc.abstractmethod
    def value_type(self):
        """The Python type of the values this spec describes."""

    def is_compatible_with(self, other) -> bool:
        return type(self) is type(other) and self == other

    def most_specific_common_supertype(self, others):
        return self if all(self == o for o in others) else None


TypeSpec.register(TensorSpec)


class NoneTensorSpec(TypeSpec):
    """The spec of None (a value that is absent)."""

    value_type = property(lambda self: type(None))

    def __eq__(self, other):
        return isinstance(other, NoneTensorSpec)

    def __hash__(self):
        return hash(NoneTensorSpec)

    def __repr__(self):
        return "NoneTensorSpec()"


class TensorArraySpec(TypeSpec):
    """The spec of a TensorArray: element shape and dtype."""

    def __init__(self, element_shape=None, dtype=dtypes.float32, dynamic_size=False, infer_shape=True):
        self._element_shape = TensorShape(element_shape)
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = dynamic_size
        self._infer_shape = infer_shape

    value_type = property(lambda self: TensorArray)
    element_shape = property(lambda self: self._element_shape)
    dtype = property(lambda self: self._dtype)

    def __eq__(self, other):
        return isinstance(other, TensorArraySpec) and (self._element_shape.as_list() if self._element_shape.dims
                                                       is not None else None) == (
            other._element_shape.as_list() if other._element_shape.dims is not None else None) and \
            self._dtype is other._dtype and self._dynamic_size == other._dynamic_size

    def __hash__(self):
        return hash((self._dtype, self._dynamic_size))

    def __repr__(self):
        return f"TensorArraySpec(element_shape={self._element_shape}, dtype={self._dtype!r}, " \
               f"dynamic_size={self._dynamic_size}, infer_shape={self._infer_shape})"


class OptionalSpec(TypeSpec):
    """The spec of an optional value: the spec of the value it may hold."""

    def __init__(self, element_spec):
        self._element_spec = element_spec

    value_type = property(lambda self: type(None))
    element_spec = property(lambda self: self._element_spec)

    def __eq__(self, other):
        return isinstance(other, OptionalSpec) and self._element_spec == other._element_spec

    def __hash__(self):
        return hash(OptionalSpec)


def type_spec_from_value(value) -> TypeSpec:
    """The TypeSpec describing `value` (a tensor, a TensorArray, None or IndexedSlices)."""
    if value is None:
        return NoneTensorSpec()
    if isinstance(value, TensorArray):
        return TensorArraySpec(value.element_shape, value.dtype, value._dynamic_size)
    if hasattr(value, "_type_spec"):            # IndexedSlices (graphflow/ops/indexed_slices.py)
        return value._type_spec()
    if is_tensorlike(value) or isinstance(value, (np.ndarray, np.generic, int, float, bool, list, tuple)):
        return TensorSpec.from_tensor(convert_to_tensor(value))
    raise TypeError(f"Could not build a TypeSpec for {value!r} of type {type(value).__name__}")


# ---- tensor conversion registry -----------------------------------------------------------------------------

_NOT_REGISTRABLE = (Tensor, np.ndarray, np.generic, int, float, bool, str, bytes, list, tuple, type(None))


def register_tensor_conversion_function(base_type, conversion_func, priority=100):
    """Make convert_to_tensor (and every op) accept instances of `base_type`:
    conversion_func(value, dtype=None, name=None, as_ref=False) returns a tensor or a value that
    converts to one. Lower priorities are tried first."""
    types = base_type if isinstance(base_type, tuple) else (base_type,)
    for t in types:
        if not isinstance(t, type):
            raise TypeError(f"base_type must be a type or a tuple of types, got {t!r}")
        if issubclass(t, _NOT_REGISTRABLE):
            raise TypeError(f"Cannot register conversions for Python numeric, numpy or Tensor types: {t}")
    if not callable(conversion_func):
        raise TypeError("conversion_func must be callable")
    _convert.register_conversion(types, conversion_func, priority)



# ---- gradient registry ----------------------------------------------------------------------------------------

def no_gradient(op_type):
    """Declare that ops of type `op_type` have no gradient (their inputs get None)."""
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")
    if op_type not in REGISTRY:          # an op graphflow does not have: nothing can build it
        _UNKNOWN_GRADIENTS[op_type] = None
        return
    op = REGISTRY[op_type]
    op.differentiable = False
    op.grad = None


_UNKNOWN_GRADIENTS: dict = {}    # gradients registered for op types graphflow does not have


class RegisterGradient:
    """Decorator: @RegisterGradient("OpType") def grad(op, *output_grads) -> input gradients.
    An op type may have one gradient (KeyError on a second registration)."""

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, f):
        op = REGISTRY.get(self._op_type)
        taken = self._op_type in _UNKNOWN_GRADIENTS or (op is not None and getattr(op.grad, "_user_registered",
                                                                                       False))
        if taken:
            raise KeyError(f"Registering two gradient with name '{self._op_type}'!")
        f._user_registered = True
        if op is None:
            _UNKNOWN_GRADIENTS[self._op_type] = f
        else:
            op.grad = f
            op.differentiable = True
        return f


# ---- static values, scopes, modes -----------------------------------------------------------------------------

def get_static_value(tensor, partial=False):
    """The value of `tensor` as a numpy array when it is known without running a graph, else None."""
    if isinstance(tensor, EagerTensor):
        return tensor.numpy()
    if not is_tensorlike(tensor):
        return np.asarray(tensor)
    if hasattr(tensor, "_as_graph_tensor") and not isinstance(tensor, Tensor):
        return None                     # a variable's value can change
    v = constant_value(tensor)
    return None if v is None else np.asarray(v)


def inside_function() -> bool:
    """True while a gf.function is being traced (not in eager code, nor in a TF1 graph)."""
    return not _ctx.eager and hasattr(ctx_mod.current_graph(), "capture")


def is_symbolic_tensor(tensor) -> bool:
    """True for a graph tensor (not an eager tensor or a variable)."""
    return isinstance(tensor, Tensor) and not isinstance(tensor, EagerTensor)


def get_current_name_scope() -> str:
    """The name scope ops created now get ("" at the top level)."""
    if _ctx.eager:
        return _ctx.eager_name_scope.rstrip("/")
    return ctx_mod.current_graph().get_name_scope()


def get_logger():
    """The logger graphflow writes its warnings to."""
    return logging.getLogger("graphflow")


def _timestamp_infer():
    return [Spec(TensorShape(()), dtypes.float64)]


def _timestamp():
    return np.float64(time.time())


register(OpDef("Timestamp", _timestamp_infer, _timestamp, stateful=True, differentiable=False))


def timestamp(name=None):
    """The time (seconds since the epoch, float64) when the op runs."""
    return apply(_get_op("Timestamp"), (), {}, name)


# ---- devices ------------------------------------------------------------------------------------------------

class DeviceSpec:
    """A device name's parts: /job:<job>/replica:<n>/task:<n>/device:<type>:<index>."""

    def __init__(self, job=None, replica=None, task=None, device_type=None, device_index=None):
        self._job = job
        self._replica = None if replica is None else int(replica)
        self._task = None if task is None else int(task)
        self._device_type = None if device_type is None else (device_type.upper() if device_type.lower() in
                                                               ("cpu", "gpu") else device_type)
        self._device_index = None if device_index is None else int(device_index)

    job = property(lambda self: self._job)
    replica = property(lambda self: self._replica)
    task = property(lambda self: self._task)
    device_type = property(lambda self: self._device_type)
    device_index = property(lambda self: self._device_index)

    @classmethod
    def from_string(cls, spec):
        """Parse "/job:w/replica:0/task:1/device:GPU:2" (or the short "/cpu:0", "GPU:1")."""
        parts = {}
        for piece in (spec or "").split("/"):
            if not piece:
                continue
            bits = piece.split(":")
            key = bits[0].lower()
            if key in ("job", "replica", "task") and len(bits) == 2:
                parts[key] = bits[1]
            elif key == "device" and len(bits) in (2, 3):
                parts["device_type"] = bits[1]
                if len(bits) == 3 and bits[2] != "*":
                    parts["device_index"] = bits[2]
            elif key in ("cpu", "gpu") and len(bits) in (1, 2):
                parts["device_type"] = key
                if len(bits) == 2 and bits[1] != "*":
                    parts["device_index"] = bits[1]
            else:
                raise ValueError(f"Unknown attribute: '{piece}' in '{spec}'")
        return cls(**parts)

    def to_string(self) -> str:
        out = ""
        if self._job is not None:
            out += f"/job:{self._job}"
        if self._replica is not None:
            out += f"/replica:{self._replica}"
        if self._task is not None:
            out += f"/task:{self._task}"
        if self._device_type is not None:
            out += f"/device:{self._device_type}:{'*' if self._device_index is None else self._device_index}"
        return out

    def replace(self, **kwargs) -> "DeviceSpec":
        fields = dict(job=self._job, replica=self._replica, task=self._task, device_type=self._device_type,
                      device_index=self._device_index)
        fields.update(kwargs)
        return DeviceSpec(**fields)

    def make_merged_spec(self, dev) -> "DeviceSpec":
        """This spec with the fields `dev` sets replaced by dev's."""
        return self.replace(**{k: getattr(dev, k) for k in ("job", "replica", "task", "device_type", "device_index")
                               if getattr(dev, k) is not None})

    def __eq__(self, other):
        return isinstance(other, DeviceSpec) and self.to_string() == other.to_string()

    def __hash__(self):
        return hash(self.to_string())

    def __repr__(self):
        return f"<DeviceSpec(job={self._job}, replica={self._replica}, task={self._task}, " \
               f"device_type={self._device_type}, device_index={self._device_index})>"


_DEVICE_RE = re.compile(r"^(/?(job|replica|task|device|cpu|gpu)(:[\w*]+)*)*$", re.IGNORECASE)


@contextlib.contextmanager
def device(device_name):
    """Place the ops of the block on `device_name`. graphflow has one device (the CPU), so this
    checks the name and runs the ops there."""
    if device_name is not None and not callable(device_name):
        DeviceSpec.from_string(device_name.to_string() if isinstance(device_name, DeviceSpec) else device_name)
    yield


# ---- TensorProto helpers ---------------------------------------------------------------------------------------

class TensorProto:
    """The fields of TensorFlow's TensorProto graphflow uses: dtype (the DataType enum), tensor_shape
    (dims) and tensor_content (the raw bytes, little-endian, row-major)."""

    def __init__(self, dtype, dims, content):
        self.dtype = dtype
        self.tensor_shape = TensorShape(dims)
        self.tensor_content = content

    def __repr__(self):
        return f"TensorProto(dtype={self.dtype}, tensor_shape={self.tensor_shape.as_list()}, " \
               f"{len(self.tensor_content)} bytes)"


def make_tensor_proto(values, dtype=None, shape=None, verify_shape=False, allow_broadcast=False):
    """A TensorProto holding `values` (converted to `dtype`, broadcast or reshaped to `shape`)."""
    arr = np.asarray(values if not isinstance(values, EagerTensor) else values.numpy())
    dt = dtypes.as_dtype(dtype) if dtype is not None else dtypes.as_dtype(arr.dtype) if arr.dtype != np.float64 or \
        isinstance(values, np.ndarray) else dtypes.float32
    if arr.dtype.kind == "f" and dt.is_integer:
        raise TypeError(f"Expected {dt.name}, but got {values!r} of type {arr.dtype}")
    arr = arr.astype(dt.np)
    if shape is not None:
        shape = [int(d) for d in shape]
        if verify_shape and list(arr.shape) != shape:
            raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, but got {arr.shape}.")
        if arr.size == 1 or allow_broadcast:
            arr = np.broadcast_to(arr.reshape(()) if arr.size == 1 else arr, shape)
        elif arr.size != int(np.prod(shape)):
            raise ValueError(f"Too many elements provided. Needed at most {int(np.prod(shape))}, but received "
                             f"{arr.size}")
        else:
            arr = arr.reshape(shape)
    return TensorProto(dt.as_datatype_enum, list(arr.shape), np.ascontiguousarray(arr).astype(
        arr.dtype.newbyteorder("<")).tobytes())


def make_ndarray(tensor):
    """The numpy array a TensorProto holds."""
    dt = dtypes.as_dtype(tensor.dtype)
    dims = tensor.tensor_shape.as_list()
    return np.frombuffer(tensor.tensor_content, dtype=dt.np.newbyteorder("<")).astype(dt.np).reshape(dims)


# ---- TensorArray: its own module, re-exported here with TensorArraySpec -------------------------------------

from .tensor_array import TensorArray  # noqa: E402,F401

# ---- CriticalSection, batch functions ----------------------------------------------------------------------

class CriticalSection:
    """Runs functions one at a time: `execute(fn)` holds the section's lock while fn runs (eagerly,
    and while the graph is built; graphflow runs a graph's ops in order)."""

    def __init__(self, name=None, shared_name=None, critical_section_def=None, import_scope=None):
        import threading
        self._lock = threading.RLock()
        self.name = name or "CriticalSection"

    def execute(self, fn, exclusive_resource_access=True, name=None):
        with self._lock:
            return fn()


def nondifferentiable_batch_function(num_batch_threads, max_batch_size, batch_timeout_micros,
                                     allowed_batch_sizes=None, max_enqueued_batches=10, autograph=True,
                                     enable_large_batch_splitting=True):
    """Decorator for a function whose calls a server may batch together: graphflow runs each call as it
    comes (the results are the same), and its outputs carry no gradient."""
    from .math import stop_gradient

    def decorator(fn):
        import functools

        @functools.wraps(fn)
        def wrapped(*args):
            out = fn(*args)
            if isinstance(out, (list, tuple)):
                return type(out)(stop_gradient(o) for o in out)
            return stop_gradient(out)
        return wrapped
    return decorator
