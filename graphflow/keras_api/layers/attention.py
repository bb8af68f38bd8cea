"""Attention (Luong dot-product or Bahdanau concat scores), AdditiveAttention and
MultiHeadAttention, with Keras's mask rules: a value mask hides keys, a query mask marks output
rows, a causal mask hides the future."""
from __future__ import annotations

import numpy as np

from ...ops import api
from .. import backend, initializers, regularizers
from ..serialization import serialize_object
from .activation_layers import Softmax
from .base import Layer
from .core import Dropout
from .einsum_dense import EinsumDense
from .tracking import layer_checkpoint_dependencies, short_weight_name, weight_created


def _causal_mask(t: int, s: int):
    """(1, t, s): query i sees keys j <= i."""
    return api.constant(np.tril(np.ones((t, s), bool))[None])


def _masked_softmax(scores, keep):
    """softmax over the last axis with `keep == False` cells left out; a row with nothing kept
    attends uniformly, as Keras's fused dot-product attention does (its explicit path, the
    Softmax layer, zeroes such rows)."""
    if keep is None:
        return api.softmax(scores, axis=-1)
    big = 65504.0 if scores.dtype.name == "float16" else 1e9
    return api.softmax(api.where(keep, scores, api.cast(-big, scores.dtype)), axis=-1)


class Attention(Layer):
    """Dot-product attention: `softmax(query @ key^T [* scale]) @ value`, called on
    [query, value] or [query, value, key]. With score_mode='concat' the scores are
    `concat_score_weight * sum(tanh(scale * (query + key)))`.

    Args: use_scale (False), score_mode ('dot'), dropout (0.0).
    Call args: inputs, mask ([query_mask, value_mask]), return_attention_scores, use_causal_mask.
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Attention: score_mode must be 'dot' or 'concat', got {score_mode!r}")
        self.use_scale, self.score_mode, self.dropout, self.seed = use_scale, score_mode, float(dropout), seed
        self.supports_masking = True

    def build(self, input_shape):
        self._check(input_shape)
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale") if self.use_scale else None
        self.concat_score_weight = self.add_weight(shape=(), initializer="ones", name="concat_score_weight") \
            if self.score_mode == "concat" else None
        self.built = True

    def _check(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) not in (2, 3):
            raise ValueError(f"Attention {self.name!r} must be called on [query, value] or [query, value, key], "
                             f"got {inputs!r}")

    def _scores(self, query, key):
        if self.score_mode == "dot":
            scores = api.matmul(query, key, transpose_b=True)
            return scores if self.scale is None else api.multiply(scores, self.scale)
        summed = api.add(api.expand_dims(query, -2), api.expand_dims(key, -3))
        if self.scale is not None:
            summed = api.multiply(self.scale, summed)
        return api.multiply(self.concat_score_weight, api.reduce_sum(api.tanh(summed), axis=-1))

    def call(self, inputs, mask=None, training=None, return_attention_scores=False, use_causal_mask=False):
        self._check(inputs)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._scores(query, key)
        keep = None if v_mask is None else api.expand_dims(api.cast(v_mask, "bool"), -2)
        if use_causal_mask:
            causal = _causal_mask(scores.shape.dims[-2], scores.shape.dims[-1])
            keep = causal if keep is None else api.logical_and(keep, causal)
        if keep is None:
            weights = api.softmax(scores, axis=-1)
        else:
            big = 65504.0 if scores.dtype.name == "float16" else 1e9
            weights = api.softmax(api.where(keep, scores, api.subtract(scores, big)), axis=-1)
        if training and self.dropout > 0:
            weights = api.dropout(weights, self.dropout, seed=self.seed)
        out = api.matmul(weights, value)
        if q_mask is not None:
            out = api.where(api.expand_dims(api.cast(q_mask, "bool"), -1), out, api.zeros_like(out))
        return [out, weights] if return_attention_scores else out

    def compute_mask(self, inputs, previous_mask):
        if not previous_mask or previous_mask[0] is None:
            return None
        return previous_mask[0]

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0][:-1]) + (input_shape[1][-1],)

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}


class AdditiveAttention(Attention):
    """Bahdanau-style additive attention: scores `sum(scale * tanh(query + key), axis=-1)` with a
    learned per-feature `scale` (when use_scale), then Attention's masking, softmax and dropout.

    Args: use_scale (True), dropout (0.0).
    Call args: as Attention's.
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._check(input_shape)
        dim = input_shape[0][-1]
        self.scale = self.add_weight(shape=(dim,), initializer="glorot_uniform", name="scale") \
            if self.use_scale else None
        self.concat_score_weight = None
        self.built = True

    def _scores(self, query, key):
        summed = api.tanh(api.add(api.expand_dims(query, -2), api.expand_dims(key, -3)))
        if self.scale is not None:
            summed = api.multiply(self.scale, summed)
        return api.reduce_sum(summed, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al.): `num_heads` scaled dot-product attentions over
    learned projections of query, key and value, concatenated and projected back.

    Inputs are (batch, steps, features). Weights (Keras's order): query, key, value and output
    kernels with their biases, each in an EinsumDense sub-layer (`query_dense`, ...) as Keras
    keeps them; the query kernel is (features, num_heads, key_dim).

    Args: num_heads, key_dim, value_dim (key_dim), dropout (0.0), use_bias (True),
    output_shape (query features), kernel_initializer, bias_initializer.
    Call args: query, value, key (value), attention_mask, return_attention_scores,
    use_causal_mask. Keras masks on query/value/key are applied automatically.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, seed=None, **kwargs):
        for name, v in (("num_heads", num_heads), ("key_dim", key_dim)):
            if not isinstance(v, int) or v <= 0:
                raise ValueError(f"MultiHeadAttention: {name} must be a positive integer, got {v!r}")
        if attention_axes not in (None, 1, -2, (1,), [1], (-2,), [-2]):
            raise ValueError("MultiHeadAttention: only attention over the steps axis (attention_axes=None) is "
                             f"supported, got {attention_axes!r}")
        super().__init__(**kwargs)
        self.num_heads, self.key_dim = num_heads, key_dim
        self.value_dim = value_dim or key_dim
        self.dropout, self.use_bias, self.seed = float(dropout), use_bias, seed
        if isinstance(output_shape, int):
            output_shape = (output_shape,)
        if output_shape is not None and len(output_shape) != 1:
            raise ValueError(f"MultiHeadAttention: output_shape must be one int, got {output_shape!r}")
        self.output_shape_arg = None if output_shape is None else tuple(int(d) for d in output_shape)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.supports_masking = True

    def _dense(self, name, equation, output_shape, bias_axes):
        return EinsumDense(equation, output_shape, bias_axes=bias_axes if self.use_bias else None, name=name,
                           kernel_initializer=self.kernel_initializer, bias_initializer=self.bias_initializer,
                           kernel_regularizer=self.kernel_regularizer, bias_regularizer=self.bias_regularizer,
                           dtype=self.dtype_policy)

    def build(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        value_shape = tuple(value_shape or query_shape)
        key_shape = tuple(key_shape or value_shape)
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3 or shape[-1] is None:
                raise ValueError(f"MultiHeadAttention {self.name!r}: {what} must be (batch, steps, features) with "
                                 f"known features, got {shape}")
        # The sub-layers, names and build order of Keras 3's MultiHeadAttention: the weights order
        # (query, key, value, output) and a `.keras` file's groups are Keras's.
        out_dim = self.output_shape_arg[0] if self.output_shape_arg else query_shape[-1]
        self._query_dense = self._dense("query", "abc,cde->abde", (None, self.num_heads, self.key_dim), "de")
        self._key_dense = self._dense("key", "abc,cde->abde", (None, self.num_heads, self.key_dim), "de")
        self._value_dense = self._dense("value", "abc,cde->abde", (None, self.num_heads, self.value_dim), "de")
        self._softmax = Softmax(axis=-1, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(self.dropout, seed=self.seed, dtype=self.dtype_policy)
        self._output_dense = self._dense("attention_output", "abcd,cde->abe", (None, out_dim), "e")
        for sub, shape in ((self._query_dense, query_shape), (self._key_dense, key_shape),
                           (self._value_dense, value_shape), (self._softmax, None), (self._dropout_layer, None),
                           (self._output_dense, query_shape[:2] + (self.num_heads, self.value_dim))):
            if shape is not None:
                sub.build(shape)
        for name, var in self._weights_by_name().items():   # a checkpoint restored before the build
            weight_created(self, var, name)
        self.built = True

    def _weights_by_name(self) -> dict:
        """`query/kernel`, ... -> weight: the names a checkpoint keeps them under."""
        if getattr(self, "_output_dense", None) is None:     # not built yet
            return {}
        return {f"{sub.name}/{short_weight_name(w, sub)}": w
                for sub in (self._query_dense, self._key_dense, self._value_dense, self._output_dense)
                for w in sub.weights}

    def _checkpoint_dependencies(self) -> dict:
        """A checkpoint keeps the weights by name under this layer (`query/kernel`, ...), as
        graphflow's checkpoints did before the weights moved into sub-layers, so those restore."""
        deps = {k: v for k, v in layer_checkpoint_dependencies(self).items()
                if not k.startswith("layer-") and not k.startswith("_")}
        deps.update(self._weights_by_name())
        return deps

    # Keras 3 exposes the projections under these names, and its saving walks them first.
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    def _maybe_build(self, inputs):
        """Weights need the value and key shapes too, so a call on the query alone waits for
        `call`; a list [query, value, key] (a saved build config) builds now."""
        if self.built or not isinstance(inputs, (list, tuple)):
            return
        self._build_for(*inputs)

    def _build_for(self, query, value=None, key=None):
        from .base import _shape_of
        shapes = [_shape_of(t) for t in (query, value if value is not None else query,
                                         key if key is not None else (value if value is not None else query))]
        self._build_shapes = [list(s) for s in shapes]
        with backend.state_scope():
            self.build(*shapes)

    def _symbolic_call(self, args, kwargs):
        if not self.built:
            self._build_for(*self._qvk(args, kwargs))
        return super()._symbolic_call(args, kwargs)

    @staticmethod
    def _qvk(args, kwargs):
        names = ("query", "value", "key")
        given = dict(zip(names, args))
        given.update({k: kwargs[k] for k in names if kwargs.get(k) is not None})
        return given["query"], given.get("value"), given.get("key")

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        if not self.built:
            self._build_for(query, value, key)
        if key is None:
            key = value
        compute = self._compute_dtype
        query, value, key = (api.cast(t, compute) if t.dtype.is_floating and t.dtype is not compute else t
                             for t in (api.convert_to_tensor(query), api.convert_to_tensor(value),
                                       api.convert_to_tensor(key)))
        keep = self._attention_mask(query, value, key, query_mask, value_mask, key_mask, attention_mask,
                                    use_causal_mask)
        q = self._query_dense.call(query)
        k = self._key_dense.call(key)
        v = self._value_dense.call(value)
        q = api.multiply(q, api.cast(1.0 / np.sqrt(self.key_dim), q.dtype))
        scores = api.einsum("bsnh,btnh->bnts", k, q)
        if keep is not None:
            keep = api.expand_dims(keep, 1)                   # (b, 1, t, s): the same for every head
        # Keras's fused path (no dropout, no scores returned) lets fully hidden rows attend
        # uniformly; its explicit path (the Softmax sub-layer) zeroes them.
        explicit = return_attention_scores or self.dropout > 0
        weights = self._softmax.call(scores, mask=keep) if explicit and keep is not None else \
            _masked_softmax(scores, keep)
        applied = self._dropout_layer.call(weights, training=training)
        heads = api.einsum("bnts,bsnh->btnh", applied, v)
        out = self._output_dense.call(heads)
        return (out, weights) if return_attention_scores else out

    def _attention_mask(self, query, value, key, query_mask, value_mask, key_mask, attention_mask, causal):
        keep = None

        def both(a, b):
            return b if a is None else api.logical_and(a, b)
        if query_mask is not None:
            keep = api.expand_dims(api.cast(query_mask, "bool"), -1)
        if value_mask is not None:
            keep = both(keep, api.expand_dims(api.cast(value_mask, "bool"), -2))
        if key_mask is not None:
            keep = both(keep, api.expand_dims(api.cast(key_mask, "bool"), -2))
        if causal:
            keep = both(keep, _causal_mask(query.shape.dims[1], value.shape.dims[1]))
        if attention_mask is not None:
            keep = both(keep, api.cast(attention_mask, "bool"))
        return keep

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        out_dim = self.output_shape_arg[0] if self.output_shape_arg else query_shape[-1]
        return tuple(query_shape[:-1]) + (out_dim,)

    def compute_output_spec(self, query, value, key=None, return_attention_scores=False, **kwargs):
        from ..keras_tensor import KerasTensor
        out = KerasTensor(self.compute_output_shape(query.shape), self.compute_dtype)
        if return_attention_scores:
            scores = KerasTensor((query.shape[0], self.num_heads, query.shape[1], value.shape[1]), self.compute_dtype)
            return out, scores
        return out

    def get_build_config(self):
        """Keras's form for a `.keras` file: the build's named shapes (`build(**shapes_dict)`)."""
        if self._build_shapes is None:
            return None
        return {"shapes_dict": dict(zip(("query_shape", "value_shape", "key_shape"), self._build_shapes))}

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "output_shape": None if self.output_shape_arg is None else list(self.output_shape_arg),
                "attention_axes": None, "kernel_initializer": serialize_object(self.kernel_initializer),
                "bias_initializer": serialize_object(self.bias_initializer),
                "kernel_regularizer": serialize_object(self.kernel_regularizer),
                "bias_regularizer": serialize_object(self.bias_regularizer), "seed": self.seed}
