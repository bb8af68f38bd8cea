"""The `graphflow compare` and `graphflow profile` subcommands: parse, run, print, write files.

Options come before or after the script; everything after `--` goes to the script, so a script
with options of its own (even `--modes`) runs unchanged:
    graphflow compare --repeat 3 examples/keras_digits.py -- --epochs 3 --models mlp
"""
from __future__ import annotations

import argparse
import importlib.util
import shlex
import sys
from pathlib import Path

from .script_modes import DEFAULT_MODES, parse_modes


def _modes(text: str) -> list[str]:
    try:
        return parse_modes(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text}")
    return value


def _add_script_arguments(p: argparse.ArgumentParser, modes: tuple) -> None:
    p.add_argument("script", help="the Python script to run, unchanged")
    p.add_argument("script_args", nargs="*", metavar="args",
                   help="arguments for the script (its own --options go after --)")
    p.add_argument("--modes", type=_modes, default=list(modes), metavar=",".join(DEFAULT_MODES),
                   help=f"execution models to run, comma-separated (default: {','.join(modes)})")
    p.add_argument("--timeout", type=_seconds, default=None, metavar="S",
                   help="stop a mode's run after S seconds (the script gets no standard input either way)")
    p.add_argument("--quiet", action="store_true", help="no progress display on stderr")


def add_compare_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "compare", help="run your script in every execution model and compare time and results",
        description="Run an unchanged script once per execution model (eager, function as written, graphs "
                    "without optimisation, compiled), each in a fresh process, and report wall time, "
                    "steady-state time, compile time, peak memory, kernels and whether the numbers it "
                    "prints agree. See docs/compare.md.")
    _add_script_arguments(p, DEFAULT_MODES)
    p.add_argument("--repeat", type=_positive, default=1, help="runs per mode; medians are reported, and "
                   "numbers that change between runs of one mode (timings) are not compared")
    p.add_argument("--ignore", action="append", default=[], metavar="REGEX",
                   help="text matching REGEX is left out of the agreement check (repeatable)")
    p.add_argument("--rtol", type=float, default=None, help="relative tolerance for printed numbers (1e-4)")
    p.add_argument("--json", type=Path, metavar="OUT.json", help="write the comparison as JSON")
    p.add_argument("--markdown", type=Path, metavar="OUT.md", help="write the table as Markdown")
    p.add_argument("--plot", type=Path, metavar="OUT.png", help="bar chart of the modes (needs matplotlib)")
    p.set_defaults(func=run_compare)
    return p


def add_profile_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "profile", help="profile your script per op and per kernel, in each execution model",
        description="Run an unchanged script under the profiler once per execution model and write a "
                    "Chrome trace / Perfetto JSON per mode (open in ui.perfetto.dev or chrome://tracing) "
                    "and print the top ops and kernels by time. See docs/compare.md.")
    _add_script_arguments(p, ("eager", "compiled"))
    p.add_argument("--logdir", type=Path, default=Path("gf-profile"), help="where the traces go (gf-profile)")
    p.add_argument("--top", type=_positive, default=15, help="rows of the summary per mode (15)")
    p.set_defaults(func=run_profile)
    return p


def parse_with_script_args(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse `argv`; for compare/profile, what follows the first `--` is appended to the script's
    arguments verbatim (argparse would otherwise read the script's options as ours)."""
    own, rest = argv, []
    if argv[:1] in (["compare"], ["profile"]) and "--" in argv:
        i = argv.index("--")
        own, rest = argv[:i], argv[i + 1:]
    args = parser.parse_args(own)
    if hasattr(args, "script_args"):
        args.script_args = list(args.script_args) + rest
        args.argv = argv[1:]
    return args


def _progress(args):
    if args.quiet:
        return None
    return lambda text: print(f"graphflow: running {text}", file=sys.stderr, flush=True)


def run_compare(args: argparse.Namespace) -> int:
    from . import printed_numbers, script_report
    from .script_compare import compare_script

    if args.plot and importlib.util.find_spec("matplotlib") is None:
        print("graphflow compare: --plot needs matplotlib, which is not installed: "
              "pip install 'graphflow[plot]' (or pip install matplotlib)", file=sys.stderr)
        return 2
    try:
        result = compare_script(args.script, args.script_args, args.modes, repeat=args.repeat,
                                timeout=args.timeout, ignore=tuple(args.ignore),
                                rtol=printed_numbers.RTOL if args.rtol is None else args.rtol,
                                progress=_progress(args))
    except FileNotFoundError as e:
        print(e, file=sys.stderr)
        return 2
    result.command = shlex.join(["graphflow", "compare", *args.argv])
    script_report.print_table(result)
    from ..atomic_file import write_atomic
    if args.json:
        write_atomic(args.json, script_report.to_json(result) + "\n")
    if args.markdown:
        write_atomic(args.markdown, script_report.to_markdown(result) + "\n")
    if args.plot:
        script_report.plot(result, args.plot)
    return 0 if result.agree and all(r.status in ("ok", "n/a") for r in result.results) else 1


def run_profile(args: argparse.Namespace) -> int:
    from ..profiler import summary
    from .script_compare import run_child

    if not Path(args.script).is_file():
        print(f"graphflow profile: no such script: {args.script}", file=sys.stderr)
        return 2
    status = 0
    progress = _progress(args)
    for mode in args.modes:
        logdir = args.logdir / mode
        if progress:
            progress(f"{Path(args.script).name}: {mode} (profiling)")
        run = run_child(args.script, args.script_args, mode, args.timeout, profile_dir=str(logdir))
        if run.timed_out:
            print(f"== {mode}: stopped after {args.timeout:g} s (--timeout)", flush=True)
            status = 1
            continue
        if run.stats is None or run.stats.get("status") != "ok":
            error = (run.stats or {}).get("error") or {"type": "crash", "message": run.stderr.strip()[-500:]}
            print(f"== {mode}: the script failed: {error['type']}: {error['message']}", flush=True)
            status = 1
        trace = summary.latest_trace(logdir)
        if trace is None:
            continue
        print(f"== {mode}: {trace}")
        print(summary.format_top(summary.load_events(trace), args.top))
    return status
