"""Where gf.function enters AutoGraph: call the user's function converted, and on failure point
the error at the user's lines."""
from __future__ import annotations

from .conversion import converted_call
from .errors import point_at_user_code


def call(fn, args, kwargs):
    """`fn(*args, **kwargs)` with `fn` converted: a function, a bound method, a partial or a callable
    object of a user class (a method bound by gf.function converts its function)."""
    method = getattr(fn, "__ag_method__", None)
    if method is not None:                 # gf.function's wrapper of a method: (function, instance ref)
        fn, instance = method
        args = (instance(), *args)
    try:
        return converted_call(fn, tuple(args), kwargs)
    except Exception as e:
        point_at_user_code(e)
        raise
