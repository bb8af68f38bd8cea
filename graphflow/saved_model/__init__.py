"""gf.saved_model: save an object's variables and traced functions; load them without its code."""
from .load import load
from .save import save

SERVING = "serve"

__all__ = ["SERVING", "load", "save"]
