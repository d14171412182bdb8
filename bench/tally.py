"""Benchmark: the youth budgets rule engine against pabutools on synthetic instances.

    .venv/bin/python bench/tally.py [--voters 10000 100000] [--skip-pabutools-above N]

50 projects costing £10,000-£100,000, a £1,000,000 budget, voters approving about 10 projects each
(popularity skewed). Times greedy and MES (with Add1 and greedy completion) in `civic.budgets.tally`
and, when pabutools is installed, the same rules in pabutools (its MES run from each Add1 share, then
its greedy completion), printing both and the ratio. Outcomes are checked to be identical.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from civic.budgets.tally import Project, tally


def instance(voters: int, seed: int = 3) -> tuple[list[Project], int, list[set[str]]]:
    r = random.Random(seed)
    projects = [Project(str(i + 1), r.randrange(10_000, 100_001, 500)) for i in range(50)]
    popularity = [r.random() ** 2 for _ in projects]
    ballots = []
    for _ in range(voters):
        k = max(1, min(20, round(r.gauss(10, 3))))
        ballots.append({p.id for p in r.choices(projects, weights=popularity, k=k)})
    return projects, 1_000_000, ballots


def timed(func, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func(*args)
    return result, time.perf_counter() - start


def ours(projects, budget, ballots, rule):  # type: ignore[no-untyped-def]
    return sorted(tally(projects, budget, ballots, rule=rule).selected)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--skip-pabutools-above", type=int, default=10**9)
    args = parser.parse_args()
    try:
        from tests.budgets.pabutools_ref import reference
    except ImportError:
        reference = None  # type: ignore[assignment]
    print(describe_machine(reference is not None))
    print(f"{'voters':>8} {'rule':>6} {'civic (s)':>10} {'pabutools (s)':>14} {'ratio':>7}  same outcome")
    for n in args.voters:
        projects, budget, ballots = instance(n)
        for rule in ("greedy", "mes"):
            selected, ours_s = timed(ours, projects, budget, ballots, rule)
            if reference is None or n > args.skip_pabutools_above:
                print(f"{n:>8} {rule:>6} {ours_s:>10.3f} {'-':>14} {'-':>7}  -")
                continue
            theirs, theirs_s = timed(reference, projects, budget, ballots, rule)
            print(
                f"{n:>8} {rule:>6} {ours_s:>10.3f} {theirs_s:>14.2f} {theirs_s / ours_s:>7.1f}  {selected == theirs}",
                flush=True,
            )


def describe_machine(with_pabutools: bool) -> str:
    """What the figures depend on: versions, cores and how busy the machine was when the run started."""
    from importlib.metadata import version

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    theirs = f"pabutools {version('pabutools')}" if with_pabutools else "pabutools not installed"
    return f"Python {platform.python_version()}, {theirs}, {os.cpu_count()} cores, load average {load}"


if __name__ == "__main__":
    main()
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
