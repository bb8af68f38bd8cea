"""`tf.data.Options`: settings attached to a dataset with `with_options` and read by the
transformations that honour them (deterministic order of parallel maps)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OptimizationOptions:
    apply_default_optimizations: bool | None = None
    map_parallelization: bool | None = None
    parallel_batch: bool | None = None


@dataclass
class ThreadingOptions:
    max_intra_op_parallelism: int | None = None
    private_threadpool_size: int | None = None


@dataclass
class Options:
    """Pipeline-wide settings.  `deterministic=False` lets parallel maps emit elements in
    completion order; the other fields are accepted for compatibility and recorded."""
    deterministic: bool | None = None
    experimental_deterministic: bool | None = None
    experimental_optimization: OptimizationOptions = field(default_factory=OptimizationOptions)
    experimental_distribute: object = None
    threading: ThreadingOptions = field(default_factory=ThreadingOptions)
    autotune: object = None

    def merge(self, other: "Options") -> "Options":
        """Options with `other`'s explicitly set fields taking precedence."""
        merged = Options(**{k: getattr(self, k) for k in self.__dataclass_fields__})
        for k in self.__dataclass_fields__:
            v = getattr(other, k)
            if v is not None and not isinstance(v, (OptimizationOptions, ThreadingOptions)):
                setattr(merged, k, v)
        return merged

    def is_deterministic(self) -> bool:
        for v in (self.deterministic, self.experimental_deterministic):
            if v is not None:
                return bool(v)
        return True
