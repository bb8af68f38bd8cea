"""The `graphflow` command: `graphflow bench` compares the execution models on this machine;
`graphflow compare` / `graphflow profile` do it for the user's own script.

One subparser per subcommand; each sets `func`, which `main` calls with the parsed arguments.
Heavy imports happen inside the subcommand, so `graphflow --help` stays instant.
"""
from __future__ import annotations

import argparse
import importlib.util
import shlex
import sys
from pathlib import Path
from typing import Any

from .bench.workloads import ALL as WORKLOAD_IDS  # the registry: one line per workload there


def main(argv: list[str] | None = None) -> int:
    from .bench.script_cli import parse_with_script_args
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    if not argv:      # plain `graphflow`: say what it can do rather than complain
        parser.print_help()
        return 0
    args = parse_with_script_args(parser, argv)
    return args.func(args)


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    parser = argparse.ArgumentParser(prog="graphflow", description="graphflow command-line tools")
    parser.add_argument("--version", action="version", version=f"graphflow {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    add_bench_parser(sub)
    from .explain import add_explain_parser
    explain_parser = add_explain_parser(sub)
    explain_parser.add_argument("--tensorboard", metavar="DIR",
                                help="write the graph before and after the passes as TensorBoard runs DIR/before "
                                     "and DIR/after (view with: tensorboard --logdir DIR)")
    explain_parser.set_defaults(func=run_explain_command)
    from .onnx.command import add_export_parser
    add_export_parser(sub)
    from .bench.script_cli import add_compare_parser, add_profile_parser
    add_compare_parser(sub)
    add_profile_parser(sub)
    from .distribute.launch import add_launch_parser
    add_launch_parser(sub)
    return parser


def run_explain_command(args) -> int:
    """`graphflow explain`: the report, and with --tensorboard the before/after graphs."""
    from .explain import run_explain
    if not args.tensorboard:
        return run_explain(args)
    from .summary.compiler_graphs import write_explanation

    def write(explanation):
        before, after = write_explanation(explanation, args.tensorboard)
        print(f"wrote TensorBoard graphs: {before} ({explanation.stages[0].n_ops} ops), "
              f"{after} ({explanation.stages[-1].n_ops} ops)", file=sys.stderr)
    return run_explain(args, after=write)


# ---- graphflow bench ------------------------------------------------------------------------------
def add_bench_parser(sub) -> argparse.ArgumentParser:
    bench = sub.add_parser(
        "bench", help="run the benchmark workloads and print a table",
        description="Run the BENCHMARKS.md workloads in every execution mode (numpy baseline, eager, TF1 "
                    "graph interpreted and compiled, gf.function, Keras fit) and print one table. The "
                    "default suite uses quick sizes and fits in about 2 minutes on 2 cores; --full uses "
                    "the BENCHMARKS.md sizes.")
    bench.add_argument("--workloads", type=parse_workloads, default=list(WORKLOAD_IDS), metavar="W1,W3",
                       help=f"comma-separated workload ids (default: all of {','.join(WORKLOAD_IDS)}; --list "
                            "describes them)")
    bench.add_argument("--list", action="store_true", help="name the workloads with one line each, and stop")
    bench.add_argument("--size", action="append", type=parse_sizes, default=[], metavar="W1=4194304",
                       help="size override per workload, repeatable or comma-separated: W1=4194304 (vector "
                            "length), W2=100 (chain length), W3=256 (batch), W5=10 (epochs), W6=10,100,1000 (K)")
    bench.add_argument("--repeat", type=positive_int, default=None, help="timed repeats per mode")
    size_choice = bench.add_mutually_exclusive_group()
    size_choice.add_argument("--full", action="store_true", help="BENCHMARKS.md sizes instead of the quick defaults")
    size_choice.add_argument("--quick", action="store_true",
                             help="the quick sizes of the default suite (the default; say it in scripts)")
    bench.add_argument("--peers", type=parse_peers, default=[], metavar="tensorflow,jax,torch",
                       help="also run these frameworks ('all' for every one), each in its own subprocess and timed "
                            "in the same rounds as graphflow's modes; one not installed is skipped (install "
                            "graphflow[peers], or set GRAPHFLOW_PEER_PYTHON_<NAME> to another interpreter)")
    bench.add_argument("--json", type=Path, metavar="OUT.json", help="write the report as JSON")
    bench.add_argument("--csv", type=Path, metavar="OUT.csv", help="write the rows as CSV")
    bench.add_argument("--markdown", type=Path, metavar="RESULTS.md", help="write the report as Markdown")
    bench.add_argument("--plot", type=Path, metavar="OUT.png",
                       help="the spread (min, median, max) of every mode per workload and W6's compile-time curve "
                            "(needs matplotlib)")
    bench.add_argument("--quiet", action="store_true", help="no progress display on stderr")
    bench.add_argument("--contend", type=non_negative_int, default=0, metavar="N",
                       help="run N busy-loop processes on the cores while graphflow and the peers are timed (a "
                            "shared machine), stopped afterwards; the report states the level")
    bench.set_defaults(func=run_bench)
    return bench


def parse_workloads(text: str) -> list[str]:
    ids = [w.strip().upper() for w in text.split(",") if w.strip()]
    bad = [w for w in ids if w not in WORKLOAD_IDS]
    if bad or not ids:
        raise argparse.ArgumentTypeError(f"unknown workload {', '.join(bad) or repr(text)}: choose from "
                                         f"{','.join(WORKLOAD_IDS)}")
    return list(dict.fromkeys(ids))


def parse_sizes(text: str) -> dict[str, Any]:
    """'W1=4194304,W6=10,100' -> {'W1': 4194304, 'W6': [10, 100]}: a token without '=' extends the last."""
    sizes: dict[str, list[str]] = {}
    last = None
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        if "=" in token:
            key, _, value = token.partition("=")
            last = key.strip().upper()
            if last not in WORKLOAD_IDS:
                raise argparse.ArgumentTypeError(f"unknown workload {key!r} in --size {text!r}")
            sizes[last] = [value.strip()]
        elif last is None:
            raise argparse.ArgumentTypeError(f"--size {text!r}: expected WORKLOAD=VALUE, e.g. W1=4194304")
        else:
            sizes[last].append(token)
    return {k: _size_value(v) for k, v in sizes.items()}


def _size_value(values: list[str]) -> Any:
    parsed = [int(v) if v.lstrip("-").isdigit() else v for v in values]
    return parsed[0] if len(parsed) == 1 else parsed


def parse_peers(text: str) -> list[str]:
    from .bench.peer_runner import normalise
    try:
        return normalise([p for p in text.split(",") if p.strip()])
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def list_workloads() -> int:
    """`graphflow bench --list`: the registry, one line per workload."""
    from .bench.workloads import describe
    for wid in WORKLOAD_IDS:
        print(f"{wid}  {describe(wid)}")
    return 0


def non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or a positive integer, got {text}")
    return value


def run_bench(args: argparse.Namespace) -> int:
    from .atomic_file import write_atomic
    from .bench import peer_runner
    from .bench import report as report_mod
    from .bench.progress import StderrProgress
    from .bench.runner import SuiteConfig, run_suite

    if args.list:
        return list_workloads()
    if args.plot and importlib.util.find_spec("matplotlib") is None:
        print("graphflow bench: --plot needs matplotlib, which is not installed: "
              "pip install 'graphflow[plot]' (or pip install matplotlib)", file=sys.stderr)
        return 2
    sizes: dict[str, Any] = {}
    for d in args.size:
        sizes.update(d)
    config = SuiteConfig(workloads=args.workloads, sizes=sizes, repeat=args.repeat, quick=not args.full,
                         peers=args.peers, command=command_line(args))
    progress = None if args.quiet else StderrProgress()
    from .bench.contend import busy_processes
    with busy_processes(args.contend):
        report = run_suite(config, progress)
    report.machine["contention"] = args.contend
    if progress is not None:
        progress.done()
    if not args.peers:
        report.config["peer_hint"] = peer_runner.how_to_add(peer_runner.discover(list(peer_runner.PEERS))[0])
    report_mod.print_table(report)
    if args.json:
        write_atomic(args.json, report_mod.to_json(report) + "\n")
    if args.csv:
        write_atomic(args.csv, report_mod.to_csv(report))
    if args.markdown:
        write_atomic(args.markdown, report_mod.to_markdown(report) + "\n")
    if args.plot:
        from .bench.plot import plot_report
        plot_report(report, args.plot)
    for path in (args.json, args.csv, args.markdown, args.plot):
        if path and not args.quiet:
            print(f"wrote {path}", file=sys.stderr)
    return 0


def command_line(args: argparse.Namespace) -> str:
    """The command that reproduces this run, for the top of RESULTS.md."""
    parts = ["graphflow", "bench"]
    if list(args.workloads) != list(WORKLOAD_IDS):
        parts += ["--workloads", ",".join(args.workloads)]
    for d in args.size:
        for k, v in d.items():
            parts += ["--size", f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}"]
    if args.repeat:
        parts += ["--repeat", str(args.repeat)]
    if args.full:
        parts.append("--full")
    if args.quick:
        parts.append("--quick")
    if args.peers:
        parts += ["--peers", ",".join(args.peers)]
    if getattr(args, "contend", 0):
        parts += ["--contend", str(args.contend)]
    for flag in ("json", "csv", "markdown", "plot"):
        if getattr(args, flag):
            parts += [f"--{flag}", str(getattr(args, flag))]
    return shlex.join(parts)


if __name__ == "__main__":
    sys.exit(main())
