"""DType objects and TensorFlow's dtype rules (no implicit promotion between tensors)."""
from __future__ import annotations

import numpy as np


class DType:
    """A tensor element type; wraps a numpy dtype and knows TensorFlow's name for it."""

    __slots__ = ("name", "as_numpy_dtype", "np", "is_floating", "is_integer", "is_bool", "is_unsigned",
                 "is_complex")

    def __init__(self, name: str, np_dtype):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.as_numpy_dtype = self.np.type
        self.is_floating = self.np.kind == "f"
        self.is_integer = self.np.kind in "iu"
        self.is_unsigned = self.np.kind == "u"
        self.is_bool = self.np.kind == "b"
        self.is_complex = self.np.kind == "c"

    @property
    def base_dtype(self) -> "DType":
        return self

    @property
    def as_datatype_enum(self) -> int:
        """TensorFlow's DataType enum value (DT_FLOAT = 1, ...), which `as_dtype` also accepts."""
        return _ENUM_OF[self.name]

    @property
    def real_dtype(self) -> "DType":
        """The dtype of the real and imaginary parts: float32 for complex64, the dtype itself if real."""
        return _REAL_OF.get(self.name, self)

    @property
    def size(self) -> int:
        return self.np.itemsize

    @property
    def min(self):
        return np.finfo(self.np).min if self.is_floating else np.iinfo(self.np).min

    @property
    def max(self):
        return np.finfo(self.np).max if self.is_floating else np.iinfo(self.np).max

    def is_compatible_with(self, other) -> bool:
        return self is as_dtype(other)

    def __eq__(self, other):
        """As TensorFlow: a DType equals anything `as_dtype` maps to it (np.float32, "float32")."""
        if other is self:
            return True
        if other is None:
            return False
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self.name)

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: '{self.name}'>"

    def __reduce__(self):
        return (as_dtype, (self.name,))


float16 = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
bool_ = DType("bool", np.bool_)
string = DType("string", np.object_)   # a numpy object array of Python bytes, as TF's numpy() gives
half, double = float16, float64

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool_)
_BY_NAME = {d.name: d for d in ALL} | {"half": float16, "double": float64, "float": float32, "string": string}
_BY_NUMPY = {d.np: d for d in ALL} | {string.np: string}
# TensorFlow's DataType enum numbers (types.proto), for programs that pass dtypes as integers.
_ENUM_OF = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6, "int64": 9, "bool": 10,
            "float16": 19, "string": 7}
# wider unsigned integers: tensors can hold them (constant, cast, bitcast, bitwise ops); few ops take them
uint16, uint32, uint64 = DType("uint16", np.uint16), DType("uint32", np.uint32), DType("uint64", np.uint64)
_BY_NAME |= {d.name: d for d in (uint16, uint32, uint64)}
_BY_NUMPY |= {d.np: d for d in (uint16, uint32, uint64)}
_ENUM_OF |= {"uint16": 17, "uint32": 22, "uint64": 23}
# complex tensors: elementwise arithmetic, reductions, matmul, data movement and tf.signal's FFTs take
# them; every other op refuses them by its `allowed` dtypes (docs/complex.md)
complex64, complex128 = DType("complex64", np.complex64), DType("complex128", np.complex128)
_BY_NAME |= {d.name: d for d in (complex64, complex128)}
_BY_NUMPY |= {d.np: d for d in (complex64, complex128)}
_ENUM_OF |= {"complex64": 8, "complex128": 18}
_REAL_OF = {"complex64": float32, "complex128": float64}
_BY_ENUM = {n: _BY_NAME[name] for name, n in _ENUM_OF.items()}


def enum_of(dtype: DType) -> int:
    """TensorFlow's DataType enum number of `dtype` (types.proto)."""
    return _ENUM_OF[dtype.name]


def from_enum(number: int) -> DType:
    if number not in _BY_ENUM:
        raise TypeError(f"Cannot convert the DataType enum value {number!r} to a graphflow DType.")
    return _BY_ENUM[number]


def as_dtype(value) -> DType:
    """Convert a DType, a numpy dtype/type, a name or a Python type to a DType."""
    if isinstance(value, DType):
        return value
    if isinstance(value, str):
        if value in _BY_NAME:
            return _BY_NAME[value]
        raise TypeError(f"Cannot convert {value!r} to a graphflow DType.")
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        if int(value) in _BY_ENUM:
            return _BY_ENUM[int(value)]
        raise TypeError(f"Cannot convert the DataType enum value {value!r} to a graphflow DType.")
    if value is float:
        return float32
    if value is int:
        return int32
    if value is bool:
        return bool_
    if value is complex:
        return complex128
    try:
        return _BY_NUMPY[np.dtype(value)]
    except (TypeError, KeyError):
        raise TypeError(f"Cannot convert {value!r} to a graphflow DType.") from None


def from_numpy(np_dtype) -> DType:
    """Fast path: DType of a numpy dtype that is known to be supported."""
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        raise TypeError(f"Unsupported numpy dtype {np_dtype} for a graphflow tensor.") from None


def infer_python_dtype(value) -> DType:
    """The dtype TensorFlow gives a Python value with no dtype: float32, int32 or bool."""
    arr = np.asarray(value)
    kind = arr.dtype.kind
    if kind == "f":
        return float32
    if kind in "iu":
        # TF: Python ints default to int32, int64 only if they do not fit.
        if arr.size and (arr.max() > np.iinfo(np.int32).max or arr.min() < np.iinfo(np.int32).min):
            return int64
        return int32
    if kind == "b":
        return bool_
    if kind == "c":
        return complex128          # TF: Python complex numbers default to complex128
    if kind in "SU" or (kind == "O" and arr.size and all(isinstance(v, (str, bytes)) for v in arr.flat)):
        return string
    raise TypeError(f"Cannot convert {value!r} to a tensor: unsupported element type {arr.dtype}.")


def to_bytes_array(value) -> np.ndarray:
    """Text as TF holds it: an object array of bytes (str is UTF-8 encoded); anything else in it is
    a TypeError naming the element."""
    arr = np.array(value, dtype=object) if not isinstance(value, np.ndarray) or value.dtype.kind != "O" \
        else value
    if arr.dtype.kind in "SU":
        arr = arr.astype(object)
    out = np.empty(arr.shape, dtype=object)
    flat_in, flat_out = arr.reshape(-1), out.reshape(-1)
    for i, v in enumerate(flat_in):
        if isinstance(v, bytes):
            flat_out[i] = v
        elif isinstance(v, str):
            flat_out[i] = v.encode("utf-8")
        elif isinstance(v, np.bytes_):
            flat_out[i] = bytes(v)
        else:
            raise TypeError(f"Cannot convert {v!r} ({type(v).__name__}) to a string tensor element: "
                            "expected str or bytes")
    return out
