"""`ag__.converted_call`: every call in converted code. User functions are converted (recursively,
on first call) before they run; library code, gf.function objects and functions marked
`do_not_convert` run as they are; print/len/range get their tensor forms."""
from __future__ import annotations

import functools
import inspect

from .builtins import OVERLOADS


def converted_call(f, args: tuple, kwargs):
    kwargs = kwargs or {}
    try:
        overload = OVERLOADS.get(f)
    except TypeError:                      # unhashable callable
        overload = None
    if overload is not None:
        return overload(*args, **kwargs)
    from .. import conversion
    if isinstance(f, functools.partial):
        return converted_call(f.func, f.args + tuple(args), {**f.keywords, **kwargs})
    if inspect.ismethod(f):
        target = conversion.converted_or_none(f.__func__)
        if target is not None:
            return target(f.__self__, *args, **kwargs)
        return f(*args, **kwargs)
    if inspect.isfunction(f):
        target = conversion.converted_or_none(f)
        return (target or f)(*args, **kwargs)
    call = None if inspect.isclass(f) else next((vars(c)["__call__"] for c in type(f).__mro__
                                                 if "__call__" in vars(c)), None)
    if inspect.isfunction(call):
        target = conversion.converted_or_none(call)   # a user object's __call__
        if target is not None:
            return target(f, *args, **kwargs)
    return f(*args, **kwargs)
