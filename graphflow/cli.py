"""`graphflow bench`: compare the execution models on this machine."""
from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="graphflow", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    bench = sub.add_parser("bench", help="run the benchmark workloads and print a table")
    bench.add_argument("--workloads", default="W1,W2", help="comma-separated workload ids")
    bench.add_argument("--repeat", type=int, default=None, help="timed repeats per mode")
    bench.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "bench":
        from .bench import w2_dispatch
        for row in w2_dispatch.run(args.repeat or 30):
            print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
