"""gf.profiler: where a program's time goes, per eager op, per interpreted graph op and per kernel
of a compiled plan, written as Chrome trace / Perfetto JSON (TensorFlow's tf.profiler surface).

Off, it costs nothing: `experimental.start` swaps instrumented twins into place (hooks.py) and
`stop` puts the originals back, so no hot path ever checks a flag.
"""
from . import experimental  # noqa: F401
