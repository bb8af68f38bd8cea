"""The user-facing op functions (gf.add, gf.reshape, gf.nn.relu, ...), one module per op family.

Each converts its arguments with TensorFlow's rules (`ops.convert`), then hands one OpDef to
`dispatch.apply`, which runs it now (eager) or adds it to the graph being built. Composite ops (gelu,
moments, logsumexp...) are written with primitive ops, so they get gradients and fusion for free.
`from graphflow.ops.api import add` and `api.add` work for every function of every family.
"""
from __future__ import annotations

from .. import collective as _collective_ops  # importing an op family registers its OpDefs
from .. import debug as _debug_ops
from .. import gemm_update as _gemm_update_ops
from .. import image as _image_ops
from .. import linalg as _linalg_ops
from .. import math as _math_ops
from .. import matrix as _matrix_ops
from .. import nn as _nn_ops
from .. import nn_nd as _nn_nd_ops
from .. import nn_sequence as _nn_sequence_ops
from .. import random as _random_ops
from .. import reduce as _reduce_ops
from .. import state as _state_ops
from .. import summary as _summary_ops
from ..convert import convert_to_tensor
from .construct import (  # noqa: A004
    constant,
    control_dependencies,
    eye,
    fill,
    group,
    linspace,
    name_scope,
    no_op,
    ones,
    ones_like,
    range,
    zeros,
    zeros_like,
)
from .debug import (  # noqa: A004
    Assert,
    assert_equal,
    check_numerics,
    print_,
)
from .linalg import (  # noqa: A004
    einsum,
    matmul,
    tensordot,
)
from .logic import (  # noqa: A004
    compare,
    equal,
    greater,
    greater_equal,
    invert,
    less,
    less_equal,
    logical_and,
    logical_and_or_bitwise,
    logical_or,
    logical_xor,
    not_equal,
    where,
)
from .math import (  # noqa: A004
    abs,
    add,
    add_n,
    cast,
    ceil,
    clip_by_value,
    cos,
    divide,
    erf,
    exp,
    expm1,
    floor,
    floor_div,
    floordiv,
    floormod,
    identity,
    is_finite,
    is_nan,
    log,
    log1p,
    logical_not,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    pow,
    realdiv,
    reciprocal,
    relu,
    round,
    rsqrt,
    saturate_cast,
    sigmoid,
    sign,
    sin,
    softplus,
    sqrt,
    square,
    squared_difference,
    stop_gradient,
    subtract,
    tanh,
    truediv,
)
from .nn import (  # noqa: A004
    avg_pool2d,
    bias_add,
    conv2d,
    dropout,
    elu,
    gelu,
    l2_loss,
    leaky_relu,
    log_softmax,
    max_pool2d,
    moments,
    relu6,
    selu,
    sigmoid_cross_entropy_with_logits,
    silu,
    softmax,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
    swish,
)
from .random import (  # noqa: A004
    random_normal,
    random_shuffle,
    random_uniform,
    truncated_normal,
)
from .reduce import (  # noqa: A004
    argmax,
    argmin,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
)
from .shape import (  # noqa: A004
    broadcast_to,
    concat,
    expand_dims,
    gather,
    gather_nd,
    one_hot,
    pad,
    rank,
    reshape,
    shape,
    size,
    split,
    squeeze,
    stack,
    strided_slice,
    tile,
    transpose,
    unstack,
)
