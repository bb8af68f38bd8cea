"""`graphflow export --onnx OUT.onnx SAVED_MODEL_DIR`: a saved model's signature as an ONNX file."""
from __future__ import annotations

import argparse
import sys


def add_export_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "export", help="export a saved model to another format (ONNX)",
        description="Load a graphflow SavedModel and write one of its signatures as an ONNX model, optimised "
                    "by the compiler's passes and checked with onnx.checker (needs graphflow[onnx]).")
    p.add_argument("saved_model", help="the SavedModel directory (gf.saved_model.save)")
    p.add_argument("--onnx", required=True, metavar="OUT.onnx", help="the ONNX file to write")
    p.add_argument("--signature", default="serving_default", help="the signature to export (default: %(default)s)")
    p.add_argument("--opset", type=int, default=None, help="the ONNX opset (default: graphflow's, 18)")
    p.set_defaults(func=run_export)
    return p


def run_export(args: argparse.Namespace) -> int:
    from ..saved_model import load
    from .builder import ExportError
    from .front_ends import DEFAULT_OPSET, export
    try:
        loaded = load(args.saved_model)
    except (OSError, ValueError) as e:
        print(f"graphflow export: cannot load {args.saved_model}: {e}", file=sys.stderr)
        return 2
    signature = loaded.signatures.get(args.signature)
    if signature is None:
        print(f"graphflow export: {args.saved_model} has no signature {args.signature!r}; it has "
              f"{sorted(loaded.signatures) or 'none'}", file=sys.stderr)
        return 2
    try:
        model = export(signature, args.onnx, opset=args.opset or DEFAULT_OPSET, name=args.signature)
    except ExportError as e:
        print(f"graphflow export: {e}", file=sys.stderr)
        return 1
    inputs = ", ".join(i.name for i in model.graph.input)
    print(f"wrote {args.onnx}: signature {args.signature} ({inputs}) -> {len(model.graph.output)} output(s), "
          f"{len(model.graph.node)} nodes, opset {model.opset_import[0].version}")
    return 0
