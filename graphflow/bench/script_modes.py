"""The execution models `graphflow compare` runs a user's script in, as switches a fresh process sets
before the script starts (graphflow/bench/script_child.py applies them).

Every switch already exists in the library: `gf.config.run_functions_eagerly` (gf.function bodies
and Keras steps run as Python) and the compiler's tiering, `GRAPHFLOW_JIT_AFTER` (a plan runs the
reference interpreter until its n-th call: never reached means never compiled, 1 means compiled
at the first call). So the script itself is never edited.
"""
from __future__ import annotations

from dataclasses import dataclass, field

NEVER = str(2 ** 62)      # a call count no script reaches: plans keep the reference interpreter


@dataclass(frozen=True)
class ScriptMode:
    name: str
    description: str
    functions_eagerly: bool = False
    env: dict = field(default_factory=dict)


MODES = {m.name: m for m in (
    ScriptMode("eager", "gf.function bodies and Keras steps run op by op (run_functions_eagerly)",
               functions_eagerly=True),
    ScriptMode("function", "as written: functions traced; plans interpret their first call, then compile"),
    ScriptMode("graph-unoptimised", "graphs traced or built, run by the reference interpreter (no passes, "
                                    "no kernels), as Session(optimize=False)", env={"GRAPHFLOW_JIT_AFTER": NEVER}),
    ScriptMode("compiled", "graphs optimised and compiled at their first call (Session.run, gf.function)",
               env={"GRAPHFLOW_JIT_AFTER": "1"}),
)}

DEFAULT_MODES = ("eager", "function", "graph-unoptimised", "compiled")


def parse_modes(text: str) -> list[str]:
    """'eager,compiled' -> ['eager', 'compiled']; ValueError naming the choices for an unknown one."""
    names = [m.strip().lower() for m in text.split(",") if m.strip()]
    bad = [m for m in names if m not in MODES]
    if bad or not names:
        raise ValueError(f"unknown mode {', '.join(bad) or repr(text)}: choose from {','.join(MODES)}")
    return list(dict.fromkeys(names))
