"""Long fuzzer runs that count mismatches instead of stopping at the first one.

    PYTHONPATH=. python -m tests.fuzz.run --examples 5000 --seed 1 [--jobs 4]

Prints one line per mismatching program (and the program itself to --log), then a summary:
programs, steps, mismatches, and how many programs raised in eager mode (skipped steps are
not programs). Exit status 1 when any mode disagreed.
"""
from __future__ import annotations

import argparse
import collections
import multiprocessing
import sys
import time
import warnings


def _run(args):
    seed_value, examples, log = args
    warnings.simplefilter("ignore")
    from hypothesis import HealthCheck, Phase, given, seed, settings

    from tests.fuzz import modes
    from tests.fuzz.compare import disagreements
    from tests.fuzz.programs import programs

    stats = collections.Counter()
    reports = []

    @seed(seed_value)
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.generate])
    @given(prog=programs())
    def one(prog):
        stats["programs"] += 1
        stats["steps"] += len(prog.steps)
        results = {name: run(prog) for name, run in modes.MODES.items()}
        problems = disagreements(prog, results)
        if problems:
            stats["mismatches"] += 1
            reports.append(prog.describe() + "\n" + "\n".join(problems[:6]))

    one()
    if log and reports:
        with open(f"{log}.{seed_value}", "w") as f:
            f.write("\n\n".join(reports))
    return stats


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="processes, each with its own seed")
    parser.add_argument("--log", default="fuzz-mismatches.txt")
    a = parser.parse_args(argv)
    per_job = [a.examples // a.jobs + (1 if i < a.examples % a.jobs else 0) for i in range(a.jobs)]
    jobs = [(a.seed + i, n, a.log) for i, n in enumerate(per_job)]
    t0 = time.time()
    if a.jobs == 1:
        results = [_run(jobs[0])]
    else:
        with multiprocessing.get_context("spawn").Pool(a.jobs) as pool:
            results = pool.map(_run, jobs)
    total = sum(results, collections.Counter())
    print(f"programs={total['programs']} steps={total['steps']} mismatches={total['mismatches']} "
          f"seeds={a.seed}..{a.seed + a.jobs - 1} seconds={time.time() - t0:.0f}")
    return 1 if total["mismatches"] else 0


if __name__ == "__main__":
    sys.exit(main())
