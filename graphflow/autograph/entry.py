"""Where gf.function enters AutoGraph: call the user's function converted, and on failure point
the error at the user's lines."""
from __future__ import annotations

from .conversion import converted_or_none
from .errors import point_at_user_code


def call(fn, args, kwargs):
    """`fn(*args, **kwargs)` with `fn` converted (a method bound by gf.function converts its function)."""
    method = getattr(fn, "__ag_method__", None)
    if method is not None:                 # gf.function's wrapper of a method: (function, instance ref)
        func, instance = method
        target = converted_or_none(func) or func
        args = (instance(), *args)
    else:
        target = converted_or_none(fn) or fn
    try:
        return target(*args, **kwargs)
    except Exception as e:
        point_at_user_code(e)
        raise
