"""tf.compat.v1.ConfigProto and GPUOptions: the Session options TF1 programs pass.

`Session(config=ConfigProto(intra_op_parallelism_threads=...))` sets the threads graphflow's kernels
use if no kernel has run yet (graphflow/threading_config.py), as the first Session's config sizes
TensorFlow's process-wide pools. The placement and GPU fields are kept and read back: graphflow runs
on the CPU only, where every placement is soft and there is no GPU memory to grow.
"""
from __future__ import annotations


class _Message:
    """A protocol-buffer-like record: known fields with defaults, TensorFlow's error for others."""
    FIELDS: dict = {}        # name -> default value (its type is the field's type)

    def __init__(self, **kwargs):
        for name, default in self.FIELDS.items():
            setattr(self, name, default() if callable(default) else default)
        for name, value in kwargs.items():
            if name not in self.FIELDS:
                raise ValueError(f'Protocol message {type(self).__name__} has no "{name}" field.')
            setattr(self, name, self._checked(name, value))

    def _checked(self, name, value):
        default = self.FIELDS[name]
        wanted = bool if isinstance(default, bool) else int if isinstance(default, int) else None
        bad = (wanted is int and (isinstance(value, bool) or not hasattr(value, "__index__"))) or (
            wanted is bool and not isinstance(value, bool))
        if bad:
            raise TypeError(f"{type(self).__name__}.{name}: expected {wanted.__name__}, got {value!r} "
                            f"({type(value).__name__})")
        return int(value) if wanted is int else value

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={getattr(self, k)!r}' for k in self.FIELDS)})"


class GPUOptions(_Message):
    FIELDS = {"allow_growth": False, "per_process_gpu_memory_fraction": 0.0, "visible_device_list": ""}


class ConfigProto(_Message):
    """Session options. Thread counts: 0 lets the system pick (see gf.config.threading)."""
    FIELDS = {"intra_op_parallelism_threads": 0, "inter_op_parallelism_threads": 0, "allow_soft_placement": False,
              "log_device_placement": False, "device_count": dict, "gpu_options": GPUOptions}
