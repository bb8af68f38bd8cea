"""gf.distribute.experimental.CommunicationOptions: how MultiWorkerMirroredStrategy's collectives run.

TensorFlow's two knobs map onto the MPI group: `bytes_per_pack` is the fusion threshold (tensors
are packed into messages of at most this many bytes; 0 = graphflow's default, 64 MB) and
`timeout_seconds` the deadline after which a collective raises DeadlineExceededError (None =
GRAPHFLOW_COLLECTIVE_TIMEOUT or 600 s). `implementation` is accepted for TF scripts: MPI picks the
algorithm (ring, tree) by message size itself.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class CommunicationImplementation(enum.Enum):
    AUTO = "AUTO"
    RING = "RING"
    NCCL = "NCCL"


@dataclass(frozen=True)
class CommunicationOptions:
    bytes_per_pack: int = 0
    timeout_seconds: float | None = None
    implementation: CommunicationImplementation = CommunicationImplementation.AUTO

    def __post_init__(self):
        if not isinstance(self.bytes_per_pack, int) or self.bytes_per_pack < 0:
            raise ValueError(f"Argument `bytes_per_pack` must be >=0, Received {self.bytes_per_pack}.")
        if self.timeout_seconds is not None and not self.timeout_seconds > 0:
            raise ValueError(f"Argument `timeout_seconds` must be positive or None, Received {self.timeout_seconds}.")
