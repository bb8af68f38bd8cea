"""Object-based checkpoints (gf.train.Checkpoint, CheckpointManager) and their file format."""
from .checkpoint import Checkpoint, CheckpointLoadStatus
from .format import CheckpointReader
from .lookup import list_variables, load_checkpoint, load_variable
from .manager import CheckpointManager
from .state import latest_checkpoint

__all__ = ["Checkpoint", "CheckpointLoadStatus", "CheckpointManager", "CheckpointReader", "latest_checkpoint",
           "list_variables", "load_checkpoint", "load_variable"]
