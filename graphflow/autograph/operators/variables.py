"""Placeholders for variables that have no value yet on some path: `Undefined('x')` stands for a
name that a converted statement may assign, `UndefinedReturnValue` for the return value of a
function that has not returned. Any use of one is an error that names the variable and line."""
from __future__ import annotations

from ...errors import format_location, user_frame
from ...graph.graph import SymbolicTensor


class Undefined:
    """The value of `name` before any assignment reached it (created at `location`)."""

    __slots__ = ("name", "location")

    def __init__(self, name: str):
        self.name = name
        self.location = user_frame()

    def _fail(self, *args, **kwargs):
        where = format_location(self.location)
        raise UnboundLocalError(f"'{self.name}' is used before it is assigned: it is not assigned on every path "
                                f"that reaches this use" + (f" (the statement at {where} may leave it unset)"
                                                            if where else ""))

    def __repr__(self):
        return f"Undefined({self.name!r})"

    # Every use of the value fails with the message above.
    __bool__ = __iter__ = __len__ = __call__ = __getitem__ = __array__ = __index__ = __float__ = __int__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _fail
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _fail
    __neg__ = __pos__ = __abs__ = __lt__ = __le__ = __gt__ = __ge__ = _fail

    def __getattr__(self, attr):
        if attr.startswith("_"):
            raise AttributeError(attr)
        self._fail()


class UndefinedReturnValue(Undefined):
    """The return value before a `return` ran (`retval(...)` makes it None)."""

    __slots__ = ()

    def __init__(self):
        super().__init__("<return value>")


def is_undefined(value) -> bool:
    return isinstance(value, Undefined)


def retval(value, returned=True):
    """The function's result: None if it finished without returning.

    `returned` (given when some path may finish without a return) must not be a graph tensor:
    the function would return a value on some paths and None on others."""
    if isinstance(returned, SymbolicTensor) and value is not None and not isinstance(value, UndefinedReturnValue):
        where = format_location(user_frame())
        raise ValueError("the function returns a value on some paths and none on others, depending on a tensor: "
                         "with a tensor-dependent if or loop every path must end in a return statement"
                         + (f" (at {where})" if where else ""))
    return None if isinstance(value, UndefinedReturnValue) else value


def ld_or_undefined(frame_locals: dict, name: str):
    """The variable's value if it is bound on the path taken, else Undefined(name)."""
    return frame_locals[name] if name in frame_locals else Undefined(name)
