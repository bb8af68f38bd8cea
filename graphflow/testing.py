"""What a program asks about the framework it runs on: tf.test (a TestCase with TensorFlow's assertions,
compute_gradient, the GPU questions, which all answer no: graphflow runs on the CPU), tf.version,
tf.sysconfig (where graphflow is installed, how it was built) and tf.types (the abstract types of
tensors and functions, for isinstance checks and annotations)."""
from __future__ import annotations

import os
import platform
import sys
import types
import typing
import unittest

import numpy as np

from . import dtypes
from .eager.tape import GradientTape
from .ops import api
from .ops.convert import convert_to_tensor


def _np(x):
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


class TestCase(unittest.TestCase):
    """unittest.TestCase with TensorFlow's tensor assertions."""

    def evaluate(self, tensors):
        """The numpy value(s) of eager tensors (a nested structure keeps its shape)."""
        from .nest import map_structure
        return map_structure(_np, tensors)

    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        np.testing.assert_allclose(_np(a), _np(b), rtol=rtol, atol=atol, err_msg=msg or "")

    def assertAllEqual(self, a, b, msg=None):  # noqa: N802
        a, b = _np(a), _np(b)
        self.assertEqual(a.shape, b.shape, msg)
        np.testing.assert_array_equal(a, b, err_msg=msg or "")

    def assertNotAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        self.assertFalse(np.allclose(_np(a), _np(b), rtol=rtol, atol=atol), msg)

    def assertAllGreater(self, a, comparison_target):  # noqa: N802
        self.assertTrue(np.all(_np(a) > comparison_target))

    def assertAllLess(self, a, comparison_target):  # noqa: N802
        self.assertTrue(np.all(_np(a) < comparison_target))

    def assertAllInRange(self, target, lower_bound, upper_bound, open_lower_bound=False,  # noqa: N802
                         open_upper_bound=False):
        t = _np(target)
        lo = t > lower_bound if open_lower_bound else t >= lower_bound
        hi = t < upper_bound if open_upper_bound else t <= upper_bound
        self.assertTrue(np.all(lo & hi), f"{t} is not in [{lower_bound}, {upper_bound}]")

    def assertDTypeEqual(self, target, expected_dtype):  # noqa: N802
        self.assertEqual(dtypes.as_dtype(_np(target).dtype), dtypes.as_dtype(expected_dtype))

    def assertShapeEqual(self, np_array, tf_tensor, msg=None):  # noqa: N802
        self.assertEqual(list(np.shape(np_array)), tf_tensor.shape.as_list(), msg)


def compute_gradient(f, x, delta=None):
    """(theoretical, numerical) Jacobians of f at the tensors `x`: for each x_i a [x_i.size, y.size]
    matrix, the first by backpropagation, the second by central differences with step `delta`."""
    xs = [convert_to_tensor(v) for v in (x if isinstance(x, (list, tuple)) else [x])]
    y0 = convert_to_tensor(f(*xs))
    n_y = int(np.prod(y0.shape.as_list()))
    theoretical, numerical = [], []
    for i, xi in enumerate(xs):
        step = delta or (1 / 1024 if xi.dtype is not dtypes.float64 else 1e-7)
        n_x = int(np.prod(xi.shape.as_list()))
        jt = np.zeros((n_x, n_y), xi.dtype.np)
        for j in range(n_y):
            with GradientTape() as tape:
                tape.watch(xi)
                args = list(xs)
                args[i] = xi
                y = api.reshape(f(*args), [-1])[j]
            g = tape.gradient(y, xi)
            jt[:, j] = 0 if g is None else _np(g).reshape(-1)
        jn = np.zeros((n_x, n_y), xi.dtype.np)
        base = _np(xi).astype(np.float64)
        for k in range(n_x):
            jn[k] = (_shifted(f, xs, i, base, k, step) - _shifted(f, xs, i, base, k, -step)) / (2 * step)
        theoretical.append(jt)
        numerical.append(jn)
    return tuple(theoretical), tuple(numerical)


def _shifted(f, xs, i, base, k, offset):
    """f with element k of argument i moved by `offset`, as a flat float64 array."""
    v = base.copy().reshape(-1)
    v[k] += offset
    args = list(xs)
    args[i] = convert_to_tensor(v.reshape(base.shape).astype(xs[i].dtype.np))
    return _np(f(*args)).astype(np.float64).reshape(-1)


def gpu_device_name() -> str:
    """The name of a GPU device, or "" (graphflow has none)."""
    return ""


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None) -> bool:
    return False


def is_built_with_cuda() -> bool:
    return False


def is_built_with_gpu_support() -> bool:
    return False


def is_built_with_rocm() -> bool:
    return False


def is_built_with_xla() -> bool:
    return False


def main(argv=None):
    """Run the TestCases of the calling module (unittest.main)."""
    return unittest.main(argv=argv)


test = types.ModuleType("graphflow.test")
test.__dict__.update(TestCase=TestCase, compute_gradient=compute_gradient, gpu_device_name=gpu_device_name,
                     is_gpu_available=is_gpu_available, is_built_with_cuda=is_built_with_cuda,
                     is_built_with_gpu_support=is_built_with_gpu_support, is_built_with_rocm=is_built_with_rocm,
                     is_built_with_xla=is_built_with_xla, main=main)

version = types.ModuleType("graphflow.version")
version.__dict__.update(VERSION="0.1.0", GIT_VERSION="unknown", COMPILER_VERSION=platform.python_compiler(),
                        GRAPH_DEF_VERSION=1, GRAPH_DEF_VERSION_MIN_CONSUMER=0, GRAPH_DEF_VERSION_MIN_PRODUCER=0)

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def _build_info():
    return {"is_cuda_build": False, "is_rocm_build": False, "is_tensorrt_build": False,
            "cpu_compiler": platform.python_compiler(), "python": sys.version.split()[0]}


sysconfig = types.ModuleType("graphflow.sysconfig")
sysconfig.__dict__.update(
    get_include=lambda: _PACKAGE, get_lib=lambda: _PACKAGE, get_compile_flags=lambda: [], get_link_flags=lambda: [],
    get_build_info=_build_info, CXX11_ABI_FLAG=0, CXX_VERSION=0, MONOLITHIC_BUILD=0)


def _types_namespace():
    from .function.concrete import ConcreteFunction
    from .function.tracing import Function
    from .tensor import Tensor
    from .variables import Variable
    experimental = types.ModuleType("graphflow.types.experimental")
    experimental.__dict__.update(
        TensorLike=typing.Union[Tensor, Variable, np.ndarray, int, float, bool, list, tuple],
        ConcreteFunction=ConcreteFunction, GenericFunction=Function, PolymorphicFunction=Function,
        AtomicFunction=ConcreteFunction, Callable=typing.Callable)
    out = types.ModuleType("graphflow.types")
    out.experimental = experimental
    return out


types_ = _types_namespace()
