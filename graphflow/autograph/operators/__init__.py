"""The runtime operators converted code calls as `ag__.<name>` (with `converted_call`, which lives
in `conversion`): each decides, when the function is traced, between plain Python and graph
control flow (gf.cond / gf.while_loop) from the values it is given."""
from .builtins import assert_stmt
from .conditionals import if_exp, if_stmt
from .logical import and_, not_, or_
from .loops import for_stmt, while_stmt
from .variables import Undefined, UndefinedReturnValue, ld_or_undefined, retval

__all__ = ["Undefined", "UndefinedReturnValue", "and_", "assert_stmt", "for_stmt", "if_exp",
           "if_stmt", "ld_or_undefined", "not_", "or_", "retval", "while_stmt"]
