"""model.summary(): the layer table Keras 3 prints.

    Model: "sequential"
    ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
    ┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
    ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
    │ dense (Dense)                        │ (None, 128)                 │           8,320 │
    └──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
     Total params: 9,610 (37.54 KB)
"""
from __future__ import annotations

import shutil
import sys

import numpy as np


def _format_shape(shape) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return ", ".join(_format_shape(s) for s in shape)
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"      # Keras 3: "(None)"


def _output_shape(layer):
    if not layer._inbound_nodes:
        return getattr(layer, "_traced_output_shape", None)
    outs = layer._inbound_nodes[0].output_tensors
    shapes = [t.shape for t in outs]
    return shapes[0] if len(shapes) == 1 else shapes


def _readable_size(n_bytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n_bytes < 1024 or unit == "TB":
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024


def _weights_bytes(weights) -> int:
    return int(sum(int(np.prod(tuple(w.shape))) * w.dtype.size for w in weights))


def _count(weights) -> int:
    return int(sum(int(np.prod(tuple(w.shape))) for w in weights))


def _connections(model, layer) -> list:
    nodes = [n for n in getattr(model, "_nodes", []) if n.layer is layer]
    out = []
    for node in nodes:
        for t in node.input_tensors:
            src, node_index, tensor_index = t._keras_history
            out.append(f"{src.name}[{node_index}][{tensor_index}]")
    return out


def _is_chain(model) -> bool:
    nodes = getattr(model, "_nodes", None)
    if nodes is None:
        return True
    seen = set()
    for node in nodes:
        if len(node.input_tensors) > 1 or id(node.layer) in seen:
            return False
        seen.add(id(node.layer))
    return len(getattr(model, "_input_tensors", [])) <= 1 and len(getattr(model, "_output_tensors", [])) <= 1


def _column_widths(positions, line_length) -> list:
    widths, current = [], 0
    for pos in positions:
        width = int(pos * line_length) - current if pos <= 1 else int(pos) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    return widths


def _totals(model) -> list:
    weights = model.weights
    trainable = model.trainable_weights
    trainable_ids = {id(w) for w in trainable}
    non_trainable = [w for w in weights if id(w) not in trainable_ids]
    lines = [("Total params", weights), ("Trainable params", trainable), ("Non-trainable params", non_trainable)]
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "built", False):
        lines.append(("Optimizer params", list(optimizer.variables)))
    return [(name, f"{_count(ws):,}", _readable_size(_weights_bytes(ws))) for name, ws in lines]


def _rows(model, chain) -> list:
    rows = []
    for layer in model.layers:
        params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
        fields = [f"{layer.name} ({type(layer).__name__})", _format_shape(_output_shape(layer)), params]
        if not chain:
            fields.append(", ".join(_connections(model, layer)) or "-")
        rows.append(fields)
    return rows


def _render_rich(rich, title, headers, aligns, widths, line_length, rows, totals) -> str:
    table = rich.table.Table(*[rich.table.Column(h, justify=a, width=w) for h, a, w in zip(headers, aligns, widths)],
                             width=line_length, show_lines=True)
    for row in rows:
        table.add_row(*[rich.markup.escape(c) for c in row])
    console = rich.console.Console(highlight=False, force_terminal=False, color_system=None, width=line_length + 4)
    console.begin_capture()
    console.print(rich.text.Text(title))
    console.print(table)
    for name, count, size in totals:
        console.print(rich.text.Text(f" {name}: {count} ({size})"))
    return console.end_capture()


def _render_plain(title, headers, aligns, widths, rows, totals) -> str:
    """The same box drawn by hand, for when rich is not installed."""
    def cells(fields, heavy=False):
        bar = "┃" if heavy else "│"
        out = []
        for text, align, width in zip(fields, aligns, widths):
            inner = width - 2
            text = text if len(text) <= inner else text[:inner - 1] + "…"
            out.append(" " + (text.rjust(inner) if align == "right" else text.ljust(inner)) + " ")
        return bar + bar.join(out) + bar

    def rule(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    lines = [title, rule("┏", "┳", "┓", "━"), cells(headers, heavy=True), rule("┡", "╇", "┩", "━")]
    for i, row in enumerate(rows):
        if i:
            lines.append(rule("├", "┼", "┤", "─"))
        lines.append(cells(row))
    lines.append(rule("└", "┴", "┘", "─"))
    lines.extend(f" {name}: {count} ({size})" for name, count, size in totals)
    return "\n".join(lines) + "\n"


def print_summary(model, line_length=None, positions=None, print_fn=None) -> None:
    """Keras 3's summary: a boxed table (rich draws it when installed), then the parameter
    totals with thousands separators."""
    chain = _is_chain(model)
    headers = ["Layer (type)", "Output Shape", "Param #"] + ([] if chain else ["Connected to"])
    aligns = ["left", "left", "right"] + ([] if chain else ["left"])
    positions = positions or ([0.45, 0.80, 1.0] if chain else [0.3, 0.56, 0.74, 1.0])
    default_length = min(88 if chain else 108, shutil.get_terminal_size().columns - 4)
    line_length = line_length or default_length
    widths = _column_widths(positions, line_length)
    title, rows, totals = f'Model: "{model.name}"', _rows(model, chain), _totals(model)
    try:
        import rich.console
        import rich.markup
        import rich.table
        import rich.text
        text = _render_rich(rich, title, headers, aligns, widths, line_length, rows, totals)
    except ImportError:
        text = _render_plain(title, headers, aligns, widths, rows, totals)
    if print_fn is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    print_fn(text)      # Keras 3 hands print_fn the whole table at once
