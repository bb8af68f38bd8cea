"""Top-level TF1 names that differ from TF2 only in their signature or name: to_float-style
casts, reductions with `reduction_indices`/`keep_dims`, `squeeze_dims`, `arg_max`, `Print`, ..."""
from __future__ import annotations

from ... import dtypes
from ...ops import api, convert


def _cast_to(dtype, default_name):
    def fn(x, name=default_name):
        return api.cast(x, dtype, name=name)
    fn.__name__ = default_name.lower()
    fn.__doc__ = f"cast(x, {dtype.name})."
    return fn


to_float = _cast_to(dtypes.float32, "ToFloat")
to_double = _cast_to(dtypes.float64, "ToDouble")
to_int32 = _cast_to(dtypes.int32, "ToInt32")
to_int64 = _cast_to(dtypes.int64, "ToInt64")
to_complex64 = _cast_to(dtypes.complex64, "ToComplex64")
to_complex128 = _cast_to(dtypes.complex128, "ToComplex128")


def _reduction(fn):
    def reduce(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
        if axis is not None and reduction_indices is not None:
            raise ValueError("Cannot specify both 'axis' and 'reduction_indices'")
        axis = axis if axis is not None else reduction_indices
        keep = keepdims if keepdims is not None else keep_dims
        return fn(input_tensor, axis, bool(keep), name)
    reduce.__name__ = fn.__name__
    reduce.__doc__ = f"{fn.__name__} with the v1 argument names reduction_indices= and keep_dims= too."
    return reduce


reduce_sum = _reduction(api.reduce_sum)
reduce_mean = _reduction(api.reduce_mean)
reduce_max = _reduction(api.reduce_max)
reduce_min = _reduction(api.reduce_min)
reduce_prod = _reduction(api.reduce_prod)
reduce_any = _reduction(api.reduce_any)
reduce_all = _reduction(api.reduce_all)
reduce_logsumexp = _reduction(api.reduce_logsumexp)


def count_nonzero(input_tensor=None, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None, input=None):  # noqa: A002
    x = api.convert_to_tensor(input_tensor if input_tensor is not None else input)
    nonzero = api.cast(api.not_equal(x, api.zeros_like(x)), dtype)
    return reduce_sum(nonzero, axis, keepdims, name, reduction_indices, keep_dims)


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    if axis is not None and squeeze_dims is not None:
        raise ValueError("Cannot specify both 'squeeze_dims' and 'axis'")
    return api.squeeze(input, axis if axis is not None else squeeze_dims, name)


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    return api.expand_dims(input, axis if axis is not None else dim, name)


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    return api.argmax(input, axis if axis is not None else dimension, output_type, name)


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    return api.argmin(input, axis if axis is not None else dimension, output_type, name)


arg_max, arg_min = argmax, argmin


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):  # noqa: N802  (TF1's name)
    """`input_` unchanged; printing `message` and `data` each time it is evaluated."""
    items = ([message] if message else []) + list(data)
    printed = api.print_(*items, summarize=summarize or 3, sep="")
    with api.control_dependencies([printed] if printed is not None else []):
        return api.identity(input_, name)


def div(x, y, name=None):
    """Python 2 division: floor division for integers, true division for floats."""
    x, y = convert.pair(x, y)
    return api.floordiv(x, y, name) if x.dtype.is_integer else api.realdiv(x, y, name)
