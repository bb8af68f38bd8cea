"""graphflow.compat.v1: TensorFlow's v1 API, `import graphflow.compat.v1 as tf`.

The TF2 ops under their v1 names and signatures, plus TF1's own machinery: variable scopes and
get_variable, initializers, graph collections, tf.layers, tf.losses, tf.metrics, the v1
optimizers and schedules (tf.train), placeholders and Sessions. Start a TF1 program with
`tf.disable_v2_behavior()`.
"""
from ... import (
    config,
    errors,  # noqa: F401
)
from ... import dtypes as dtypes
from ... import namespaces as _namespaces
from ...autodiff import UnconnectedGradients, gradients
from ...context import disable_eager_execution, enable_eager_execution, executing_eagerly
from ...dtypes import (  # noqa: A004
    DType,
    as_dtype,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    uint8,
)
from ...dtypes import bool_ as bool  # noqa: A004
from ...eager.tape import GradientTape
from ...function import function, init_scope
from ...function.control_flow import cond, while_loop
from ...graph.graph import Graph, Operation, get_default_graph, reset_default_graph
from ...graph.placeholders import placeholder, placeholder_with_default
from ...graph.session import InteractiveSession, Session, get_default_session
from ...ops.api import (  # noqa: A004
    abs,
    add,
    add_n,
    assert_equal,
    broadcast_to,
    cast,
    ceil,
    check_numerics,
    clip_by_value,
    concat,
    constant,
    control_dependencies,
    cos,
    divide,
    einsum,
    equal,
    erf,
    exp,
    expm1,
    eye,
    fill,
    floor,
    floor_div,
    floordiv,
    floormod,
    gather,
    gather_nd,
    greater,
    greater_equal,
    group,
    identity,
    is_finite,
    is_nan,
    less,
    less_equal,
    linspace,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    matmul,
    maximum,
    minimum,
    mod,
    multiply,
    name_scope,
    negative,
    no_op,
    not_equal,
    one_hot,
    ones,
    ones_like,
    pad,
    pow,
    random_normal,
    random_shuffle,
    random_uniform,
    range,
    rank,
    realdiv,
    reciprocal,
    reshape,
    round,
    rsqrt,
    saturate_cast,
    shape,
    sigmoid,
    sign,
    sin,
    size,
    split,
    sqrt,
    square,
    squared_difference,
    stack,
    stop_gradient,
    strided_slice,
    subtract,
    tanh,
    tensordot,
    tile,
    transpose,
    truediv,
    truncated_normal,
    unstack,
    where,
    zeros,
    zeros_like,
)
from ...ops.api import print_ as print  # noqa: A004
from ...ops.convert import convert_to_tensor
from ...ops.random import set_seed as set_random_seed
from ...shapes import TensorShape
from ...tensor import Tensor
from ...tensor_spec import TensorSpec
from ...variables import Variable
from . import initializers, layers, losses, metrics, nn, train
from .behavior import (
    disable_tensor_equality,
    disable_v2_behavior,
    enable_tensor_equality,
    enable_v2_behavior,
)
from .config_proto import ConfigProto, GPUOptions
from .dimension import Dimension, dimension_at_index, dimension_value
from .graph_collections import (
    GraphKeys,
    add_to_collection,
    add_to_collections,
    get_collection,
    get_collection_ref,
    global_variables,
    global_variables_initializer,
    is_variable_initialized,
    local_variables,
    local_variables_initializer,
    model_variables,
    moving_average_variables,
    trainable_variables,
)
from .initializers import (
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    orthogonal_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    uniform_unit_scaling_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from .state_ops import (
    assign,
    assign_add,
    assign_sub,
    scatter_add,
    scatter_div,
    scatter_max,
    scatter_min,
    scatter_mul,
    scatter_nd_add,
    scatter_nd_sub,
    scatter_nd_update,
    scatter_sub,
    scatter_update,
)
from .text_io import V1_NAMES as _TEXT_IO_NAMES
from .v1_ops import (
    Print,
    arg_max,
    arg_min,
    argmax,
    argmin,
    count_nonzero,
    div,
    expand_dims,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    squeeze,
    to_complex64,
    to_complex128,
    to_double,
    to_float,
    to_int32,
    to_int64,
)
from .variable_scope import AUTO_REUSE, VariableScope, get_variable, get_variable_scope, variable_scope

math = _namespaces.math
linalg = _namespaces.linalg
random = _namespaces.random
debugging = _namespaces.debugging
# complex tensors and the Fourier transforms: TF1 has them at the top level and in tf.spectral too
signal = _namespaces.signal
from ...dtypes import complex64, complex128  # noqa: E402
from ...ops.api import angle, complex, conj, imag, real  # noqa: E402,A004
from ...ops.api.fft import (  # noqa: E402
    fft,
    fft2d,
    fft3d,
    fftnd,
    ifft,
    ifft2d,
    ifft3d,
    ifftnd,
    irfftnd,
    rfftnd,
)

spectral = _namespaces.namespace("compat.v1.spectral", **{n: getattr(signal, n) for n in (
    "dct fft fft2d fft3d idct ifft ifft2d ifft3d irfft irfft2d irfft3d rfft rfft2d rfft3d").split()})
newaxis = None
globals().update(_TEXT_IO_NAMES)     # tf.gfile, tf.python_io, tf.read_file, tf.string_to_number, ...
initialize_all_variables = global_variables_initializer
initialize_local_variables = local_variables_initializer
variables_initializer = initializers.variables


def is_tensor(x) -> bool:
    return isinstance(x, Tensor) or hasattr(x, "_as_graph_tensor")


def __getattr__(name):
    # `tf.compat.v1` from inside v1 code: the parent package, looked up rather than imported (it imports us)
    if name == "compat":
        import sys
        return sys.modules["graphflow.compat"]
    raise AttributeError(f"module 'graphflow.compat.v1' has no attribute {name!r}")
