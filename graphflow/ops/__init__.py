"""Everything about an op, below every executor: declarations (one module per family), their
gradients, conversion, dispatch and the user-facing functions (`api`). Importing the package
registers every op and gradient, points Tensor operators at `api` and installs the eager fast path."""
from .. import tensor as _tensor
from . import api, fastpath  # api imports every declaration module, so the ops exist from here on

# isort: split
from . import (  # noqa: F401  (registers gradients)
    array_grad,
    grad_ops,
    linalg_grad,
    math_grad,
    matrix_grad,
    nn_grad,
    nn_nd_grad,
    nn_sequence_grad,
    recurrent_grad,
    reduce_grad,
)

_tensor._api = api          # Tensor operators call the public op functions
fastpath.install()
from . import (  # noqa: F401,E402  (the issue-12 ops' gradients)
    array_extra_grad,
    complex_grad,  # noqa: F401,E402  (complex numbers and Fourier transforms)
    segment_grad,
    special_math_grad,
)
