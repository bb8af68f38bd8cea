"""EinsumDense: a dense projection written as an einsum equation (Keras 3's public layer, also
the sub-layer MultiHeadAttention keeps its query, key, value and output weights in, so a
`.keras` file holds them at `multi_head_attention/query_dense/vars`, as Keras writes them)."""
from __future__ import annotations

import re

from ...ops import api
from .. import activations, initializers, regularizers
from ..serialization import serialize_object
from .base import Layer
from .input_spec import InputSpec


def _split_equation(equation: str):
    """(input spec, kernel spec, output spec, where the '...' is: None, 'left' or 'right')."""
    plain = equation.replace("...", "0")
    for pattern, elided in (("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", None),
                            ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", "left"),
                            ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", "right")):
        match = re.fullmatch(pattern, plain)
        if match:
            return match.group(1), match.group(2), match.group(3), elided
    raise ValueError(f"EinsumDense: equation must look like 'ab,bc->ac', '...b,bc->...c' or 'ab...,bc->ac...', "
                     f"got {equation!r}")


def einsum_weight_shapes(equation: str, input_shape, output_shape, bias_axes):
    """(kernel shape, bias shape or None, full output shape) of `equation` on `input_shape`
    (batch first), as Keras sizes them. `output_shape` is the output without the batch axis and
    without the axes '...' stands for. A kernel axis takes its size from the output when the
    output names it, else from the input; the bias spans the output from its first bias axis on,
    size 1 on the other axes (and on trailing '...' axes)."""
    input_spec, kernel_spec, output_spec, elided_side = _split_equation(equation)
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(input_spec)
    if elided < 0 or (elided > 0 and elided_side is None):
        raise ValueError(f"EinsumDense: equation {equation!r} needs inputs of rank {len(input_spec)}, got "
                         f"shape {input_shape}")
    full = [input_shape[0]] + list((output_shape,) if isinstance(output_shape, int) else output_shape)
    if elided_side == "left":
        full[1:1] = input_shape[1:elided]
        in_at = {c: i + elided for i, c in enumerate(input_spec)}
        out_at = {c: i + elided for i, c in enumerate(output_spec)}
    else:
        if elided_side == "right":
            full += input_shape[len(input_shape) - elided:]
        in_at = {c: i for i, c in enumerate(input_spec)}
        out_at = {c: i for i, c in enumerate(output_spec)}
    if max(out_at.values(), default=-1) >= len(full):
        raise ValueError(f"EinsumDense: output_shape {output_shape} does not fit equation {equation!r}")
    for c in input_spec:
        if c in out_at and full[out_at[c]] is None:
            full[out_at[c]] = input_shape[in_at[c]]
        elif c in out_at and input_shape[in_at[c]] is not None and full[out_at[c]] != input_shape[in_at[c]]:
            raise ValueError(f"EinsumDense: input and output sizes differ on shared axis {c!r} of {equation!r}: "
                             f"{input_shape[in_at[c]]} != {full[out_at[c]]}")
    for c in output_spec:
        if c not in input_spec and c not in kernel_spec:
            raise ValueError(f"EinsumDense: output axis {c!r} of {equation!r} is in neither input nor kernel")
    kernel = []
    for c in kernel_spec:
        if c not in out_at and c not in in_at:
            raise ValueError(f"EinsumDense: kernel axis {c!r} of {equation!r} is in neither input nor output")
        size = full[out_at[c]] if c in out_at else input_shape[in_at[c]]
        if size is None:
            raise ValueError(f"EinsumDense: the size of kernel axis {c!r} of {equation!r} is unknown "
                             f"(input shape {input_shape}, output_shape {output_shape})")
        kernel.append(int(size))
    if not bias_axes:
        return tuple(kernel), None, tuple(full)
    if any(c not in output_spec for c in bias_axes):
        raise ValueError(f"EinsumDense: bias_axes {bias_axes!r} must be output axes of {equation!r}")
    first = min(output_spec.index(c) for c in bias_axes)
    bias = [int(full[out_at[c]]) if c in bias_axes else 1 for c in output_spec[first:]]
    if elided_side == "right":
        bias += [1] * elided
    return tuple(kernel), tuple(bias), tuple(full)


def expand_ellipsis(equation: str, rank: int) -> str:
    """`equation` with its '...' spelt out as letters for inputs of `rank` (the Einsum op then
    knows every output axis statically)."""
    if "..." not in equation:
        return equation
    input_spec = _split_equation(equation)[0]
    free = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in equation]
    return equation.replace("...", "".join(free[:rank - len(input_spec)]))


class EinsumDense(Layer):
    """`activation(einsum(equation, inputs, kernel) + bias)`: a dense layer over any axes.

    Args:
        equation: 'ab,bc->ac' style, with '...' for leading ('...b,bc->...c') or trailing
            ('ab...,bc->ac...') axes passed through.
        output_shape: the output's shape without the batch axis and the '...' axes (None for
            an axis the input gives).
        activation: name or callable (default None).
        bias_axes: the output axes (letters) a bias is added along (default None: no bias).
        kernel_initializer ('glorot_uniform'), bias_initializer ('zeros'), kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint.
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None, activity_regularizer=None,
                 quantization_config=None, **kwargs):
        if lora_rank or quantization_config is not None:
            raise NotImplementedError("EinsumDense: LoRA and quantization are not supported")
        super().__init__(**kwargs)
        _split_equation(equation)
        self.equation = equation
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint

    def build(self, input_shape):
        kernel, bias, _ = einsum_weight_shapes(self.equation, input_shape, self.partial_output_shape, self.bias_axes)
        self.input_spec = InputSpec(ndim=len(input_shape))
        self.kernel = self.add_weight(shape=kernel, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.bias = None if bias is None else self.add_weight(shape=bias, initializer=self.bias_initializer,
                                                              regularizer=self.bias_regularizer,
                                                              constraint=self.bias_constraint, name="bias")
        self.built = True

    def call(self, inputs):
        out = api.einsum(expand_ellipsis(self.equation, inputs.shape.rank), inputs, self.kernel)
        if self.bias is not None:
            out = api.add(out, self.bias)
        out = self.activation(out)
        if self.activity_regularizer is not None:      # Keras 3 divides the penalty by the batch size
            self.add_loss(api.divide_no_nan(self.activity_regularizer(out), api.cast(api.shape(out)[0], out.dtype)))
        return out

    def compute_output_shape(self, input_shape):
        return einsum_weight_shapes(self.equation, input_shape, self.partial_output_shape, self.bias_axes)[2]

    def get_config(self):
        return {**super().get_config(), "output_shape": list(self.partial_output_shape), "equation": self.equation,
                "activation": activations.serialize(self.activation), "bias_axes": self.bias_axes,
                "kernel_initializer": serialize_object(self.kernel_initializer),
                "bias_initializer": serialize_object(self.bias_initializer),
                "kernel_regularizer": serialize_object(self.kernel_regularizer),
                "bias_regularizer": serialize_object(self.bias_regularizer),
                "activity_regularizer": serialize_object(self.activity_regularizer),
                "kernel_constraint": serialize_object(self.kernel_constraint),
                "bias_constraint": serialize_object(self.bias_constraint), "quantization_config": None}
