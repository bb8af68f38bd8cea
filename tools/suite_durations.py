"""Where the test suite's time goes: pytest's `--durations=0` report summed per file and per directory.

    python -m pytest -o addopts="" -q -p no:cacheprovider --durations=0 > /tmp/suite.log
    python tools/suite_durations.py /tmp/suite.log            # or pipe the report in

Setup counts with its test (a module-scoped fixture that compiles kernels shows as the setup of the
first test using it). docs/testing.md says how the suite keeps to its budget.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter

LINE = re.compile(r"^\s*([\d.]+)s (call|setup|teardown)\s+(\S+)")


def totals(lines) -> tuple[Counter, Counter, list]:
    """Seconds per file, per directory (tests/<dir> or a top-level file), and every (s, phase, test)."""
    by_file, by_dir, rows = Counter(), Counter(), []
    for line in lines:
        m = LINE.match(line)
        if not m:
            continue
        seconds, phase, node = float(m.group(1)), m.group(2), m.group(3)
        path = node.split("::")[0]
        parts = path.split("/")
        by_file[path] += seconds
        by_dir["/".join(parts[:2]) if len(parts) > 2 else path] += seconds
        rows.append((seconds, phase, node))
    return by_file, by_dir, rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("report", nargs="?", help="pytest output with --durations=0 (default: stdin)")
    p.add_argument("--top", type=int, default=15)
    a = p.parse_args(argv)
    with (open(a.report) if a.report else sys.stdin) as f:
        by_file, by_dir, rows = totals(f)
    print(f"{sum(by_file.values()):8.1f}s in {len(rows)} test phases")
    for title, table in (("per directory", by_dir), ("per file", by_file)):
        print(f"\n{title}:")
        for name, seconds in table.most_common(a.top):
            print(f"{seconds:8.1f}s  {name}")
    print("\nslowest tests:")
    for seconds, phase, node in sorted(rows, reverse=True)[:a.top]:
        print(f"{seconds:8.1f}s  {phase:8s} {node}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
