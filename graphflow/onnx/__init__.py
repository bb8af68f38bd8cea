"""gf.onnx: export graphflow programs as ONNX models (graphflow[onnx]); the onnx package is
imported only when export runs, so `import graphflow` stays light."""
from .front_ends import DEFAULT_OPSET, export

__all__ = ["DEFAULT_OPSET", "export"]
