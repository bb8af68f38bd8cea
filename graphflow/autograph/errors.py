"""Errors raised while a converted function is traced point at the user's code: the converted
code already carries the user's file, lines and function names; this module drops AutoGraph's
own frames from the traceback and adds a note listing the user's lines involved."""
from __future__ import annotations

import linecache
import os

from .conversion import is_converted_code

_AUTOGRAPH_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _frames(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


def point_at_user_code(error: BaseException) -> None:
    """Remove AutoGraph's frames from `error`'s traceback and note the user's lines (once)."""
    kept = [tb for tb in _frames(error.__traceback__)
            if not tb.tb_frame.f_code.co_filename.startswith(_AUTOGRAPH_DIR)]
    for a, b in zip(kept, kept[1:]):
        a.tb_next = b
    if kept:
        kept[-1].tb_next = None
        error.__traceback__ = kept[0]
    if getattr(error, "_ag_noted", False):
        return
    lines = []
    for tb in kept:
        code = tb.tb_frame.f_code
        if is_converted_code(code):
            text = linecache.getline(code.co_filename, tb.tb_lineno).strip()
            lines.append(f'    File "{code.co_filename}", line {tb.tb_lineno}, in {code.co_name}\n        {text}')
    if lines:
        try:
            error._ag_noted = True
            error.add_note("in user code (converted by AutoGraph):\n" + "\n".join(lines))
        except AttributeError:            # an exception type that takes no attributes
            pass
