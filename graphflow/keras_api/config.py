"""keras.config's switches that are not precision or dtype state (those live in backend.py and
mixed_precision.py): interactive logging, training limits, flash attention, traceback filtering.
"""
from __future__ import annotations

import logging
import os
import sys

from . import backend as _backend

_state = {"interactive_logging": True, "max_epochs": None, "max_steps_per_epoch": None,
          "flash_attention": None, "traceback_filtering": True}
logger = logging.getLogger("graphflow.keras")


def _reset_session_switches() -> None:
    """What keras.utils.clear_session() resets here, as in Keras 3 (the training limits stay)."""
    _state.update(interactive_logging=True, flash_attention=None)


_backend.on_clear_session(_reset_session_switches)


def backend() -> str:
    """The backend Keras runs on: graphflow stands in for TensorFlow."""
    return "tensorflow"


def set_backend(backend: str) -> None:
    if backend != "tensorflow":
        raise ValueError(f"graphflow runs Keras on its TensorFlow API only; cannot switch to backend {backend!r}")


def is_nnx_enabled() -> bool:
    return False


# ---- logging ---------------------------------------------------------------------------------------------

def enable_interactive_logging() -> None:
    """Progress bars and messages go to stdout (the default)."""
    _state["interactive_logging"] = True


def disable_interactive_logging() -> None:
    """Progress bars and messages go to the `graphflow.keras` logger at INFO level, one line each."""
    _state["interactive_logging"] = False


def is_interactive_logging_enabled() -> bool:
    return _state["interactive_logging"]


# ---- training limits (for quick test runs of long scripts) -----------------------------------------------

def set_max_epochs(max_epochs: int | None) -> None:
    """Cap every `fit` at this many epochs (None: no cap)."""
    _state["max_epochs"] = max_epochs


def max_epochs() -> int | None:
    return _state["max_epochs"]


def set_max_steps_per_epoch(max_steps_per_epoch: int | None) -> None:
    """Cap every epoch of `fit` at this many steps (None: no cap)."""
    _state["max_steps_per_epoch"] = max_steps_per_epoch


def max_steps_per_epoch() -> int | None:
    return _state["max_steps_per_epoch"]


def limited_epochs(epochs: int) -> int:
    cap = _state["max_epochs"]
    if cap and cap < epochs:
        logger.warning("Limiting epochs to %d", cap)
        return cap
    return epochs


def limited_steps(steps: int | None) -> int | None:
    cap = _state["max_steps_per_epoch"]
    if cap and (not steps or cap < steps):
        logger.warning("Limiting steps_per_epoch to %d", cap)
        return cap
    return steps


# ---- switches graphflow keeps for compatibility ----------------------------------------------------------

def enable_flash_attention() -> None:
    """Recorded only: graphflow's attention has one (numba) implementation."""
    _state["flash_attention"] = True


def disable_flash_attention() -> None:
    _state["flash_attention"] = False


def is_flash_attention_enabled() -> bool | None:
    """None until set, as in Keras (automatic choice)."""
    return _state["flash_attention"]


def enable_traceback_filtering() -> None:
    """Recorded only: graphflow does not rewrite tracebacks."""
    _state["traceback_filtering"] = True


def disable_traceback_filtering() -> None:
    _state["traceback_filtering"] = False


def is_traceback_filtering_enabled() -> bool:
    return _state["traceback_filtering"]


def print_msg(message: str) -> None:
    """A Keras message: to stdout, or to the `graphflow.keras` logger when interactive logging is off."""
    if _state["interactive_logging"]:
        sys.stdout.write(message + "\n")
        sys.stdout.flush()
    else:
        logger.info(message)


def keras_home() -> str:
    """Where Keras keeps downloads: `$KERAS_HOME`, else `~/.keras`."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
