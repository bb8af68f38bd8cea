"""Layers that wrap another layer: TimeDistributed (the layer on every timestep) and
Bidirectional (a recurrent layer run forwards and backwards, outputs merged)."""
from __future__ import annotations

from ...ops import api
from ..serialization import deserialize_object, serialize_object
from .base import Layer


def _layer_classes() -> dict:
    """Every Layer class defined so far, by name (the built-in ones are all imported by then)."""
    table, stack = {}, [Layer]
    while stack:
        cls = stack.pop()
        table.setdefault(cls.__name__, cls)
        stack.extend(cls.__subclasses__())
    return table


def _layer_from_config(config, custom_objects=None):
    if isinstance(config, Layer):      # made already (a Keras file's config is translated layer by layer)
        return config
    return deserialize_object(config, _layer_classes(), "layer", custom_objects)


def _check_layer(layer, wrapper):
    if not isinstance(layer, Layer):
        raise ValueError(f"{wrapper} wraps a keras Layer instance, got {type(layer).__name__}: {layer!r}")


class TimeDistributed(Layer):
    """Apply `layer` to every timestep of (batch, timesteps, ...) inputs, with one set of weights.

    The time axis is folded into the batch, so `layer` sees (batch * timesteps, ...).
    """

    def __init__(self, layer, **kwargs):
        _check_layer(layer, "TimeDistributed")
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"TimeDistributed {self.name!r} needs inputs of at least rank 3 (batch, timesteps, "
                             f"...), got {tuple(input_shape)}")
        _build_inner(self.layer, (None,) + tuple(input_shape[2:]))
        self.built = True

    def call(self, inputs, training=None, mask=None):
        dims = inputs.shape.dims
        if dims[1] is None or None in dims[2:]:
            raise ValueError(f"TimeDistributed {self.name!r} needs known timesteps and feature sizes, got "
                             f"{inputs.shape}")
        steps = dims[1]
        folded = api.reshape(inputs, [-1] + list(dims[2:]))
        kwargs = {}
        if mask is not None and "mask" in _params(self.layer):
            kwargs["mask"] = api.reshape(mask, [-1] + list(mask.shape.dims[2:]))
        if "training" in _params(self.layer):
            kwargs["training"] = training
        out = self.layer.call(folded, **kwargs)
        return api.reshape(out, [-1, steps] + list(out.shape.dims[1:]))

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((input_shape[0],) + tuple(input_shape[2:]))
        return (input_shape[0], input_shape[1]) + tuple(inner[1:])

    def get_config(self):
        return {**super().get_config(), "layer": serialize_object(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = _layer_from_config(config["layer"], custom_objects)
        return cls(**config)


def _params(layer):
    from .base import _call_params
    return _call_params(type(layer))


def _build_inner(layer, shape):
    """Build `layer` for input `shape` (a tuple with None batch)."""
    if not layer.built:
        from ..keras_tensor import KerasTensor
        layer._maybe_build(KerasTensor(shape, layer.dtype))


class Bidirectional(Layer):
    """Run a recurrent layer forwards and a copy backwards over the sequence and merge the two
    outputs ('concat' by default; 'sum', 'mul', 'ave', or None for a pair). Masks reach both.

    Args: layer, merge_mode ('concat'), backward_layer (default: a copy of `layer` with
    go_backwards=True).
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        _check_layer(layer, "Bidirectional")
        if backward_layer is not None:
            _check_layer(backward_layer, "Bidirectional (backward_layer)")
        if merge_mode not in ("sum", "mul", "ave", "concat", None):
            raise ValueError(f"Bidirectional: merge_mode must be 'sum', 'mul', 'ave', 'concat' or None, got "
                             f"{merge_mode!r}")
        super().__init__(**kwargs)
        base = layer.name[len("forward_"):] if layer.name.startswith("forward_") else layer.name
        self.forward_layer = type(layer).from_config({**layer.get_config(), "name": f"forward_{base}"})
        if backward_layer is None:
            base = layer.name[len("backward_"):] if layer.name.startswith("backward_") else layer.name
            backward_layer = type(layer).from_config({**layer.get_config(), "name": f"backward_{base}",
                                                      "go_backwards": not layer.go_backwards})
        self.backward_layer = backward_layer
        if self.forward_layer.return_sequences != self.backward_layer.return_sequences or \
                self.forward_layer.return_state != self.backward_layer.return_state:
            raise ValueError("Bidirectional: the forward and backward layers must agree on return_sequences and "
                             "return_state")
        for inner in (self.forward_layer, self.backward_layer):
            inner.zero_output_for_mask = inner.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = self.forward_layer.return_sequences
        self.return_state = self.forward_layer.return_state
        self.supports_masking = True
        if weights is not None:
            self._initial_weights = weights

    def build(self, input_shape):
        _build_inner(self.forward_layer, tuple(input_shape))
        _build_inner(self.backward_layer, tuple(input_shape))
        self.built = True
        if getattr(self, "_initial_weights", None) is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, sequences, initial_state=None, mask=None, training=None):
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer.call(sequences, initial_state=forward_state, mask=mask, training=training)
        y_rev = self.backward_layer.call(sequences, initial_state=backward_state, mask=mask, training=training)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev[:, ::-1]
        if self.merge_mode == "concat":
            out = api.concat([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            out = api.add(y, y_rev)
        elif self.merge_mode == "ave":
            out = api.multiply(api.add(y, y_rev), 0.5)
        elif self.merge_mode == "mul":
            out = api.multiply(y, y_rev)
        else:
            out = [y, y_rev]
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + states
        return out

    def compute_mask(self, inputs, previous_mask):
        mask = previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask
        out = mask if self.return_sequences else None
        out = [out, out] if self.merge_mode is None else [out]
        if self.return_state:
            return out + [None] * (2 * self.forward_layer._n_states)
        return out if self.merge_mode is None else out[0]

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(input_shape)
        out, states = (shape[0], shape[1:]) if self.return_state else (shape, [])
        if self.merge_mode == "concat":
            out = tuple(out[:-1]) + (out[-1] * 2,)
        outs = [out, out] if self.merge_mode is None else [out]
        if self.return_state:
            return outs + list(states) * 2
        return outs if self.merge_mode is None else outs[0]

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": serialize_object(self.forward_layer),
                "backward_layer": serialize_object(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = _layer_from_config(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = _layer_from_config(config["backward_layer"], custom_objects)
        return cls(**config)
