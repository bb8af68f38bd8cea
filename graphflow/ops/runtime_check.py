"""Explain a kernel failure in the op's terms: run the op's inference on the concrete inputs.

A graph built with unknown dims defers shape checks to run time, where numpy's own complaint
("gufunc signature (n?,k),(k,m?)", "remapped shapes") would reach the user. Inference on the
actual shapes gives the message graph building would have given had the shapes been known.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from .. import dtypes
from ..errors import without_op_prefix
from ..shapes import TensorShape
from .registry import OpDef, Spec


def infer_message(opdef: OpDef, arrays, attrs: dict) -> Optional[str]:
    """The inference error for these concrete inputs, or None if inference accepts them."""
    try:
        specs = [Spec(TensorShape(np.shape(a)), dtypes.from_numpy(np.asarray(a).dtype),
                      a if np.asarray(a).dtype.kind in "iub" and np.size(a) <= 64 else None) for a in arrays]
        opdef.infer(*specs, **attrs)
    except (ValueError, TypeError, IndexError) as e:
        return without_op_prefix(opdef.name, str(e))
    except Exception:            # noqa: BLE001  inference cannot judge these inputs: no better message
        return None
    return None


def failure_detail(opdef: OpDef, arrays, attrs: dict, error: Exception) -> str:
    """What went wrong, for a kernel that raised `error` on `arrays`."""
    return infer_message(opdef, arrays, attrs) or without_op_prefix(opdef.name, str(error))
