"""EinsumDense: a dense projection written as an einsum equation, the sub-layer Keras 3's
MultiHeadAttention keeps its query, key, value and output weights in (so a `.keras` file holds
them at `multi_head_attention/query_dense/vars`, as Keras writes them)."""
from __future__ import annotations

from ...ops import api
from .. import initializers, regularizers
from .base import Layer


def einsum_weight_shapes(equation: str, input_shape, output_shape, bias_axes):
    """(kernel shape, bias shape or None) for `equation` ("abc,cde->abde", no ellipsis) on
    `input_shape` (batch first) with `output_shape` (without batch), as Keras sizes them: a kernel
    axis takes its size from the input when the input has it, else from the output; the bias
    spans the output from its first axis on, size 1 on axes not in `bias_axes`."""
    try:
        inputs, rest = equation.split(",")
        kernel_spec, output_spec = rest.split("->")
    except ValueError:
        raise ValueError(f"EinsumDense: equation must look like 'ab,bc->ac', got {equation!r}") from None
    if "." in equation:
        raise ValueError(f"EinsumDense: equations with '...' are not supported, got {equation!r}")
    input_shape = tuple(input_shape)
    if len(inputs) != len(input_shape):
        raise ValueError(f"EinsumDense: equation {equation!r} needs inputs of rank {len(inputs)}, got "
                         f"shape {input_shape}")
    full_output = (input_shape[0],) + tuple(output_shape)
    if len(full_output) != len(output_spec):
        raise ValueError(f"EinsumDense: output_shape {tuple(output_shape)} does not fit equation {equation!r}")
    sizes = {c: full_output[i] for i, c in enumerate(output_spec)}
    sizes.update({c: input_shape[i] for i, c in enumerate(inputs)})
    missing = [c for c in kernel_spec if c not in sizes]
    if missing:
        raise ValueError(f"EinsumDense: kernel axes {missing} of {equation!r} are in neither input nor output")
    kernel = tuple(int(sizes[c]) for c in kernel_spec)
    if not bias_axes:
        return kernel, None
    if any(c not in output_spec for c in bias_axes):
        raise ValueError(f"EinsumDense: bias_axes {bias_axes!r} must be output axes of {equation!r}")
    first = min(output_spec.index(c) for c in bias_axes)
    bias = tuple(int(sizes[c]) if c in bias_axes else 1 for c in output_spec[first:])
    return kernel, bias


class EinsumDense(Layer):
    """`einsum(equation, inputs, kernel) + bias` (Keras's EinsumDense without activation and
    '...' equations), used inside MultiHeadAttention."""

    def __init__(self, equation, output_shape, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        self.equation = equation
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self.bias_axes = bias_axes
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)

    def build(self, input_shape):
        kernel, bias = einsum_weight_shapes(self.equation, input_shape, self.partial_output_shape, self.bias_axes)
        self.kernel = self.add_weight(shape=kernel, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, name="kernel")
        self.bias = None if bias is None else self.add_weight(shape=bias, initializer=self.bias_initializer,
                                                              regularizer=self.bias_regularizer, name="bias")
        self.built = True

    def call(self, inputs):
        out = api.einsum(self.equation, inputs, self.kernel)
        return out if self.bias is None else api.add(out, self.bias)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self.partial_output_shape

    def get_config(self):
        from ..serialization import serialize_object
        return {**super().get_config(), "equation": self.equation, "output_shape": list(self.partial_output_shape),
                "bias_axes": self.bias_axes, "kernel_initializer": serialize_object(self.kernel_initializer),
                "bias_initializer": serialize_object(self.bias_initializer),
                "kernel_regularizer": serialize_object(self.kernel_regularizer),
                "bias_regularizer": serialize_object(self.bias_regularizer)}
