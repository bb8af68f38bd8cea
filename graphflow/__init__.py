"""graphflow: TensorFlow's API on numpy and numba, in eager, graph and compiled modes.

`import graphflow as tf` runs TensorFlow 2.x programs that stay inside the documented subset.
This module only re-exports; the logic lives in the submodules.
"""
from . import (
    autograph,
    compat,  # tf.compat.v1 / tf.compat.v2
    config,  # noqa: E402
    data,
    distribute,  # gf.distribute: strategies over MPI ranks (mpi4py loads on first use)
    errors,
    onnx,  # noqa: E402  (gf.onnx.export; the onnx package loads on first use)
    profiler,  # noqa: E402  (gf.profiler.experimental: start/stop/Trace)
    saved_model,  # noqa: E402
    train,  # gf.train: checkpoints (and the TF1 optimizers behind compat.v1.train)
)
from .autodiff import UnconnectedGradients, gradients  # noqa: E402  (declares every op's gradient)
from .bench.compare import compare_modes
from .context import disable_eager_execution, eager_mode, enable_eager_execution, executing_eagerly, graph_mode
from .data import v1 as _v1_data  # noqa: E402  (gf.data; gf.compat.v1.data below)
from .dtypes import DType, as_dtype, double, float16, float32, float64, half, int8, int16, int32, int64, string, uint8  # noqa: A004
from .dtypes import bool_ as bool
from .eager.forward_accumulator import ForwardAccumulator as _ForwardAccumulator  # noqa: E402
from .eager.tape import GradientTape  # noqa: E402
from .eager.tensor import EagerTensor
from .explain import explain  # noqa: E402  (graphflow.explain(fn, ...): what the compiler does)
from .function import function, init_scope  # noqa: E402
from .function.control_flow import cond, while_loop  # noqa: E402
from .graph.graph import Graph, Operation, SymbolicTensor, get_default_graph
from .keras_api import keras_namespace as keras  # noqa: E402
from .kernels import fast as _fast  # noqa: E402,F401  (eager runs the compiled kernels: OpDef.fast_kernel)
from .kernels import recurrent as _recurrent_kernels  # noqa: E402,F401  (the recurrent ops' numba step kernels)
from .module import Module
from .namespaces import debugging, image, linalg, math, nn, random, signal  # noqa: F401  (tf.image, tf.signal)
from .namespaces import namespace as _namespace
from .ops.api import (  # noqa: A004
    abs,
    add,
    add_n,
    argmax,
    argmin,
    broadcast_to,
    cast,
    ceil,
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
    expand_dims,
    eye,
    fill,
    floor,
    floordiv,
    gather,
    gather_nd,
    greater,
    greater_equal,
    group,
    identity,
    less,
    less_equal,
    linspace,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
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
    range,
    rank,
    reciprocal,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    reshape,
    round,
    rsqrt,
    shape,
    sigmoid,
    sign,
    sin,
    size,
    split,
    sqrt,
    square,
    squared_difference,
    squeeze,
    stack,
    stop_gradient,
    strided_slice,
    subtract,
    tanh,
    tensordot,
    tile,
    transpose,
    truediv,
    unstack,
    where,
    zeros,
    zeros_like,
)
from .ops.api import io as _io_api
from .ops.api import lookup as _lookup_api
from .ops.api import print_ as print  # noqa: A004
from .ops.api import sparse as _sparse_api
from .ops.api import strings as _strings_api
from .ops.convert import convert_to_tensor
from .ops.indexed_slices import IndexedSlices, IndexedSlicesSpec
from .shapes import TensorShape
from .summary.namespace import summary  # noqa: E402  (tensorboard itself loads at the first write)
from .summary.namespace import summary_v1 as _v1_summary
from .tensor import Tensor
from .tensor_spec import TensorSpec  # noqa: E402
from .variables import Variable

# isort: off
from .namespaces import bitwise  # noqa: E402
from .ops.api import saturate_cast  # noqa: E402
from .ops.api.array_extra import tf_strided_slice as strided_slice  # noqa: E402,F811  (TF's signature too)
from .ops.api import (  # noqa: A004,E402  (the tf-level names of ops/api/array_extra.py, math_extra.py, segment.py)
    acos,
    acosh,
    argsort,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    bitcast,
    boolean_mask,
    broadcast_dynamic_shape,
    broadcast_static_shape,
    clip_by_global_norm,
    clip_by_norm,
    cosh,
    cumsum,
    dynamic_partition,
    dynamic_stitch,
    ensure_shape,
    guarantee_const,
    histogram_fixed_width,
    histogram_fixed_width_bins,
    identity_n,
    meshgrid,
    norm,
    parallel_stack,
    realdiv,
    repeat,
    reverse,
    reverse_sequence,
    roll,
    scalar_mul,
    scatter_nd,
    searchsorted,
    sequence_mask,
    shape_n,
    sinh,
    slice,
    sort,
    tan,
    tensor_scatter_nd_add,
    tensor_scatter_nd_max,
    tensor_scatter_nd_min,
    tensor_scatter_nd_sub,
    tensor_scatter_nd_update,
    truncatediv,
    truncatemod,
    unique,
    unique_with_counts,
    unravel_index,
)
from .ops.api import approx_max_k as approx_top_k  # noqa: E402
from .ops.api import tuple_ as tuple  # noqa: A004,E402
from .function.functional_ops import (  # noqa: E402
    case,
    custom_gradient,
    foldl,
    foldr,
    grad_pass_through,
    hessians,
    map_fn,
    numpy_function,
    py_function,
    recompute_grad,
    scan,
    switch_case,
    vectorized_map,
)
from .nest import assert_same_structure as _assert_same_structure  # noqa: E402,F401
from .ops.api.debugging import assert_greater, assert_less, assert_rank  # noqa: E402
from .ops.api import Assert, assert_equal  # noqa: E402
from .ops.api.framework import (  # noqa: E402
    AggregationMethod,
    DeviceSpec,
    NoneTensorSpec,
    OptionalSpec,
    RegisterGradient,
    TensorArray,
    TensorArraySpec,
    TypeSpec,
    VariableAggregation,
    VariableSynchronization,
    device,
    get_current_name_scope,
    get_logger,
    get_static_value,
    inside_function,
    is_symbolic_tensor,
    make_ndarray,
    make_tensor_proto,
    no_gradient,
    register_tensor_conversion_function,
    timestamp,
    type_spec_from_value,
)
from .dtypes import uint16, uint32, uint64  # noqa: E402
from .dtypes import complex64, complex128  # noqa: E402
from .ops.api import complex  # noqa: E402,A004
from .ops.api.fft import fftnd, ifftnd, irfftnd, rfftnd  # noqa: E402  (tf.fftnd is tf.signal.fftnd)
# TF2's top-level aliases of Keras (tf.optimizers is tf.keras.optimizers, ...) and its initializers
optimizers, losses, metrics, initializers = keras.optimizers, keras.losses, keras.metrics, keras.initializers
zeros_initializer, ones_initializer, constant_initializer = (keras.initializers.Zeros, keras.initializers.Ones,
                                                            keras.initializers.Constant)
random_normal_initializer = keras.initializers.RandomNormal
random_uniform_initializer = keras.initializers.RandomUniform
from .testing import sysconfig, test, version  # noqa: E402
from .testing import types_ as types  # noqa: E402
from .ops.api.array_extra import (  # noqa: E402
    batch_to_space,
    extract_volume_patches,
    required_space_to_batch_paddings,
    space_to_batch,
    space_to_batch_nd,
)
from .namespaces import raw_ops  # noqa: E402
from .ops.api.queues import experimental, queue  # noqa: E402
from .variables import variable_creator_scope  # noqa: E402
from .ops.api.conv_backprop import conv, conv2d_backprop_filter_v2, conv2d_backprop_input_v2  # noqa: E402
from .ops.api.framework import CriticalSection, nondifferentiable_batch_function  # noqa: E402
from .ops.api.random_extra import random_index_shuffle  # noqa: E402
from .ops.api.audio import audio  # noqa: E402
# isort: on

newaxis = None
strings = _namespace("strings", **{n: getattr(_strings_api, n) for n in _strings_api.__all__})
sparse = _namespace("sparse", **{n: getattr(_sparse_api, n) for n in _sparse_api.__all__})
SparseTensor = sparse.SparseTensor
lookup = _namespace("lookup", **{n: getattr(_lookup_api, n) for n in _lookup_api.__all__})
io = _namespace("io", **{n: getattr(_io_api, n) for n in _io_api.__all__})
from .ops.api import mutable_lookup as _mutable_lookup  # noqa: E402

lookup.experimental, lookup.TextFileInitializer = _mutable_lookup.experimental, _mutable_lookup.TextFileInitializer
lookup.TextFileIndex = _mutable_lookup.TextFileIndex
as_string = strings.as_string
compat.v1.data = _v1_data
compat.v1.summary = _v1_summary
nn.compute_average_loss = distribute.compute_average_loss
__version__ = "0.1.0"


def is_tensor(x) -> bool:
    return isinstance(x, (Tensor, Variable))

# gf.autodiff is the engine's module; it also answers for TensorFlow's tf.autodiff namespace.
from . import autodiff as _autodiff_namespace  # noqa: E402

_autodiff_namespace.GradientTape = GradientTape
_autodiff_namespace.ForwardAccumulator = _ForwardAccumulator
