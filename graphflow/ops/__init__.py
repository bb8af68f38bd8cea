"""Op declarations (one file per family), the user-facing op functions (`api`), conversion,
dispatch, and the gradients of every op, all registered once by importing this package."""
from .. import tensor as _tensor
from . import api, array_grad, fastpath, grad_ops, linalg_grad, math_grad, nn_grad, reduce_grad  # noqa: F401  (registers the gradients)

_tensor._api = api          # Tensor operators call the public op functions
fastpath.install()
