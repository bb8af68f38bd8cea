"""gf.distribute.experimental: TensorFlow's experimental names that MultiWorkerMirroredStrategy
scripts use (the strategy itself under its old name, and its communication options)."""
from .communication_options import CommunicationImplementation, CommunicationOptions
from .strategy import MultiWorkerMirroredStrategy

CollectiveCommunication = CommunicationImplementation

__all__ = ["CommunicationImplementation", "CommunicationOptions", "CollectiveCommunication",
           "MultiWorkerMirroredStrategy"]
