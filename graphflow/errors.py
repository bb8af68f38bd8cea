"""Error types (TensorFlow's names) and the helpers that point an error at the user's line."""
from __future__ import annotations

import os
import sys

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class OpError(Exception):
    """A failure while running an op; `op` names the operation when it is known."""

    def __init__(self, node_def=None, op=None, message: str = "", *args):
        super().__init__(message)
        self.node_def = node_def
        self.op = op
        self.message = message

    def __str__(self):
        return self.message


class InvalidArgumentError(OpError, ValueError):
    """Bad shapes, dtypes or values. Also a ValueError, so both `except` styles catch it."""


class FailedPreconditionError(OpError):
    """E.g. reading a variable that was never initialised."""


class OutOfRangeError(OpError):
    """An iterator ran past its end (tf.data get_next in Session.run)."""


class NotFoundError(OpError):
    pass


class UnimplementedError(OpError):
    pass


class InternalError(OpError):
    pass


class ResourceExhaustedError(OpError):
    pass


class DataLossError(OpError):
    """A saved file is truncated or does not match its index."""


class AlreadyExistsError(OpError):
    """E.g. starting a profiler while another one runs."""


class UnavailableError(OpError):
    """E.g. stopping a profiler that is not running."""


class DeadlineExceededError(OpError):
    """An operation waited longer than its deadline (a collective whose peer rank died)."""


def user_frame(skip_package: bool = True):
    """(filename, lineno) of the innermost stack frame outside the graphflow package."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_PACKAGE_DIR) and not filename.startswith("<frozen"):
            return filename, frame.f_lineno
        frame = frame.f_back
    return None


def format_location(location) -> str:
    if not location:
        return ""
    return f"{location[0]}:{location[1]}"


def describe_inputs(values) -> str:
    """`float32[2,3], int32[4]`: the shapes and dtypes an error message shows."""
    parts = []
    for v in values:
        dtype = getattr(v, "dtype", None)
        shape = getattr(v, "shape", None)
        name = getattr(dtype, "name", dtype)
        if shape is None:
            parts.append(f"{type(v).__name__}")
            continue
        dims = getattr(shape, "dims", shape)
        dims = "?" if dims is None else ",".join("?" if d is None else str(d) for d in dims)
        parts.append(f"{name}[{dims}]")
    return ", ".join(parts)


def without_op_prefix(op_name: str, detail: str) -> str:
    """`detail` without a leading "<op_name>:" (inference messages name their op; the caller's
    message already does, and "MatMul: MatMul: ..." helps nobody)."""
    prefix = f"{op_name}:"
    return detail[len(prefix):].lstrip() if detail.startswith(prefix) else detail
