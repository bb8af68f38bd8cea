"""Pass switches and limits, read from `gf.config.optimizer` when it exists (all on by default)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Optional

from .target import REFERENCE, Target

SWITCHES = ("constant_folding", "arithmetic_optimization", "common_subexpression_elimination", "remapping",
            "fusion", "memory_optimization", "dependency_optimization")


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes", "on")


@dataclass
class PassConfig:
    """What the pass manager runs and how. `switches[name]` turns a pass family on or off."""
    switches: dict = field(default_factory=lambda: {k: True for k in SWITCHES})
    verify: bool = field(default_factory=lambda: _env_flag("GRAPHFLOW_VERIFY_PASSES"))
    dump: Optional[Callable] = None          # dump(pass_name, program) after each pass
    fold_max_elements: int = 1 << 16        # folding never creates a constant bigger than this
    fusion_max_ops: int = 128               # caps compile time per kernel (graphflow/bench/w6_compile.py)
    fusion_max_inputs: int = 24
    target: Target = REFERENCE              # what the backend runs (compiler.py sets the kernels')

    def on(self, switch: str) -> bool:
        return self.switches.get(switch, True)


def current(overrides: Optional[dict] = None) -> PassConfig:
    """The config from `graphflow.config.optimizer.get_experimental_options()`, then `overrides`."""
    cfg = PassConfig()
    try:
        from .. import config as user_config
        options = user_config.optimizer.get_experimental_options()
    except (ImportError, AttributeError):
        options = {}
    for key, value in dict(options or {}, **(overrides or {})).items():
        if key in SWITCHES:
            cfg.switches[key] = bool(value)
        elif key == "disable_model_pruning":
            continue
        elif hasattr(cfg, key) and key != "switches":
            setattr(cfg, key, value)
    return cfg
