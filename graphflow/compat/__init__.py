"""tf.compat: the TF1 API (`graphflow.compat.v1`) and the TF2 API (`graphflow.compat.v2`) as modules."""
from . import v1, v2  # noqa: F401
