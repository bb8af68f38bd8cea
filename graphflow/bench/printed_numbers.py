"""Do two runs of a script print the same numbers? Line by line: the text around the numbers must
be equal (up to spacing: a table's columns widen with their numbers), and each number must match
within float32 tolerance, widened by one unit of the last digit printed (`loss=0.1234` against
`0.1235` is a rounding of the same float32 value).

Numbers that are durations (followed by a time unit: `12.3 ms`, `4s`, `2ms/step`) are not
compared, nor those a repeated run of one mode printed differently (timings, unseeded draws),
nor text matching a user's `--ignore` pattern.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\d.])|(?<!\w)[-+]?(?:nan|inf)(?!\w)")
TIME_UNIT = re.compile(r"\s?(?:ns|us|µs|ms|s|sec|secs|seconds|min)(?:/\w+)?\b")
RTOL, ATOL = 1e-4, 1e-6


@dataclass(frozen=True)
class Line:
    """One printed line: its text with every compared number replaced by '#', and the numbers."""
    number: int           # 1-based line number in the output
    text: str
    skeleton: str
    values: tuple         # (float, last-digit unit) per compared number


@dataclass(frozen=True)
class Disagreement:
    line: int
    expected: str
    got: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}\n  reference: {self.expected}\n  this mode: {self.got}"


def parse(output: str, ignore: tuple = ()) -> list[Line]:
    lines = []
    for i, text in enumerate(output.splitlines(), 1):
        kept = text
        for pattern in ignore:
            kept = re.sub(pattern, "", kept)
        parts, values, pos = [], [], 0
        for m in NUMBER.finditer(kept):
            parts.append(kept[pos:m.start()])
            pos = m.end()
            if TIME_UNIT.match(kept, m.end()):
                parts.append("~")        # a duration: its place stays, its value is not compared
                continue
            parts.append("#")
            values.append((float(m.group()), _last_digit(m.group())))
        parts.append(kept[pos:])
        skeleton = " ".join("".join(parts).split())     # column widths may change with the numbers
        lines.append(Line(i, text, skeleton, tuple(values)))
    return lines


def _last_digit(token: str) -> float:
    """The value of one unit in the last printed digit: '0.1234' -> 1e-4, '1.5e-03' -> 1e-4, '12' -> 0."""
    mantissa, _, exponent = token.lower().partition("e")
    if "." not in mantissa:
        return 0.0 if not exponent else 10.0 ** int(exponent)
    decimals = len(mantissa.split(".")[1])
    return 10.0 ** (-decimals + (int(exponent) if exponent else 0))


def close(a: tuple, b: tuple, rtol: float = RTOL, atol: float = ATOL) -> bool:
    (x, ux), (y, uy) = a, b
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return abs(x - y) <= atol + rtol * max(abs(x), abs(y)) + max(ux, uy)


def varying(runs: list[list[Line]]) -> set:
    """(line, index) of numbers that differ between runs of one mode: not the execution model's doing."""
    out = set()
    for other in runs[1:]:
        for a, b in zip(runs[0], other):
            if a.skeleton == b.skeleton:
                out.update((a.number, k) for k, (x, y) in enumerate(zip(a.values, b.values)) if x[0] != y[0])
    return out


def first_disagreement(reference: list[Line], other: list[Line], skip: set = frozenset(),
                       rtol: float = RTOL, atol: float = ATOL) -> Disagreement | None:
    """The first line where `other` prints different text or a number outside tolerance."""
    for a, b in zip(reference, other):
        if a.skeleton != b.skeleton:
            return Disagreement(a.number, a.text, b.text, "the text differs")
        for k, (x, y) in enumerate(zip(a.values, b.values)):
            if (a.number, k) not in skip and not close(x, y, rtol, atol):
                return Disagreement(a.number, a.text, b.text, f"{x[0]:g} vs {y[0]:g} (number {k + 1} on the line)")
    if len(reference) != len(other):
        n = min(len(reference), len(other))
        reference_text = reference[n].text if len(reference) > n else "(nothing)"
        other_text = other[n].text if len(other) > n else "(nothing)"
        return Disagreement(n + 1, reference_text, other_text, f"{len(reference)} lines printed vs {len(other)}")
    return None
